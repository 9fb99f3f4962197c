import type { AccountTokens, PostMetrics, SocialProvider } from '../providers/provider.js';
import { isProviderError } from '../providers/errors.js';

/**
 * One account's posts' metrics, in as few requests as the network allows: the batch lookup
 * where the adapter has one (X, Bluesky), else one request per post. A post the network no
 * longer has is reported as `missing` and the others go on; any other failure (rate limit,
 * revoked token, outage) stops the account's reading and is thrown with what was read so far,
 * so the caller keeps those figures.
 */
export class MetricsReadError extends Error {
  constructor(public override readonly cause: unknown, public readonly read: Map<string, PostMetrics>) {
    super((cause as Error)?.message ?? String(cause));
    this.name = 'MetricsReadError';
  }
}

export async function readMetrics(provider: SocialProvider, tokens: AccountTokens, remoteIds: string[], signal?: AbortSignal): Promise<{ metrics: Map<string, PostMetrics>; missing: string[] }> {
  const metrics = new Map<string, PostMetrics>();
  const missing: string[] = [];
  try {
    if (provider.fetchMetricsMany && provider.metricsBatchSize) {
      for (let i = 0; i < remoteIds.length; i += provider.metricsBatchSize) {
        const ids = remoteIds.slice(i, i + provider.metricsBatchSize);
        const got = await provider.fetchMetricsMany(tokens, ids, { signal });
        for (const id of ids) {
          const m = got.get(id);
          if (m) metrics.set(id, m);
          else missing.push(id);
        }
      }
    } else {
      for (const id of remoteIds) {
        try {
          metrics.set(id, await provider.fetchMetrics(tokens, id, { signal }));
        } catch (err) {
          // A refused read of one post (deleted on the network) costs that post only.
          if (isProviderError(err, 'invalid_request')) missing.push(id);
          else throw err;
        }
      }
    }
  } catch (err) {
    throw new MetricsReadError(err, metrics);
  }
  return { metrics, missing };
}

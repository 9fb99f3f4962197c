import { oauthErrorMessage } from '../oauth/pkce.js';
import type { NetworkHttpOptions } from './http.js';
import type { Network } from './provider.js';

/**
 * What Facebook's and Instagram's Graph APIs share: errors as {error: {message, code,
 * error_subcode}}, code 190 for an invalid or expired token (with status 400 as often as 401),
 * rate limits as codes 4, 17, 32, 613 and 80001–80014 on a 400/403, with the wait in the
 * usage headers (estimated_time_to_regain_access, in minutes) rather than Retry-After.
 */
interface GraphErrorBody {
  error?: { message?: string; code?: number; error_subcode?: number; type?: string };
}

const RATE_LIMIT_CODES = new Set([4, 17, 32, 613]);

const graphCode = (body: unknown) => (body as GraphErrorBody | undefined)?.error?.code;

export function graphHttpOptions(network: Network, timeoutMs: number): NetworkHttpOptions {
  return {
    network,
    timeoutMs,
    describeError: (body) => (body as GraphErrorBody | undefined)?.error?.message ?? oauthErrorMessage(body),
    isAuthError: (body) => graphCode(body) === 190 || graphCode(body) === 102,
    isRateLimited: (body) => {
      const code = graphCode(body);
      return code !== undefined && (RATE_LIMIT_CODES.has(code) || (code >= 80001 && code <= 80014));
    },
    retryAfter: graphUsageWait,
  };
}

/** x-business-use-case-usage: {"<id>": [{"estimated_time_to_regain_access": minutes, …}]}; x-app-usage has no wait. */
export function graphUsageWait(headers: Headers): number | undefined {
  const raw = headers.get('x-business-use-case-usage');
  if (!raw) return undefined;
  try {
    const usage = JSON.parse(raw) as Record<string, Array<{ estimated_time_to_regain_access?: number }>>;
    const minutes = Math.max(0, ...Object.values(usage).flat().map((u) => u.estimated_time_to_regain_access ?? 0));
    return minutes > 0 ? minutes * 60 : undefined;
  } catch {
    return undefined;
  }
}

/** Insights answer [{name, values: [{value}]}] (or total_value for Instagram's newer metrics). */
export function insightValue(data: Array<{ name: string; values?: Array<{ value: unknown }>; total_value?: { value: unknown } }> | undefined, name: string): number | undefined {
  const metric = data?.find((d) => d.name === name);
  const value = metric?.total_value?.value ?? metric?.values?.at(-1)?.value;
  return typeof value === 'number' ? value : undefined;
}

import { z } from 'zod';
import type { SocialPlatform } from '../schema.js';

/**
 * Where the hosted analyser gets a profile's public data: an HTTP adapter (a scraping service
 * or the operator's own proxy to the networks' APIs) answering
 * GET {base}/profiles/{platform}/{handle} with {bio, captions[]}. Without one, the analyser uses
 * what the user pasted. Errors name the adapter so an operator knows what to check.
 */
export interface ProfileData {
  bio: string;
  captions: string[];
}

const answer = z.object({
  bio: z.string().max(5000).default(''),
  captions: z.array(z.string().max(5000)).max(100).default([]),
});

export class ProfileSourceError extends Error {
  constructor(message: string, readonly retryable: boolean) {
    super(message);
  }
}

export class HttpProfileSource {
  constructor(private readonly config: { baseUrl: string; apiKey?: string; timeoutMs: number }) {}

  async fetch(platform: SocialPlatform, handle: string, signal: AbortSignal): Promise<ProfileData> {
    const url = `${this.config.baseUrl.replace(/\/$/, '')}/profiles/${platform}/${encodeURIComponent(handle)}`;
    let res: Response;
    try {
      res = await fetch(url, {
        headers: { accept: 'application/json', ...(this.config.apiKey ? { authorization: `Bearer ${this.config.apiKey}` } : {}) },
        signal: AbortSignal.any([signal, AbortSignal.timeout(this.config.timeoutMs)]),
      });
    } catch (err) {
      if (signal.aborted) throw signal.reason;
      throw new ProfileSourceError(`The profile source (BRANDKIT_PROFILE_SOURCE_URL) could not be reached: ${(err as Error).message}`, true);
    }
    if (res.status === 404) throw new ProfileSourceError(`The profile source has no ${platform} profile "@${handle}": check the handle`, false);
    if (!res.ok) throw new ProfileSourceError(`The profile source answered ${res.status}`, res.status === 429 || res.status >= 500);
    const parsed = answer.safeParse(await res.json().catch(() => null));
    if (!parsed.success) throw new ProfileSourceError('The profile source answered something that is not {bio, captions[]}', false);
    return parsed.data;
  }
}

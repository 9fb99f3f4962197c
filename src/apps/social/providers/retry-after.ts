/**
 * How long a network asks us to wait, from whichever header it uses:
 * - `retry-after`: seconds or an HTTP date (RFC 9110; Facebook, LinkedIn, most 503s);
 * - `x-rate-limit-reset` (X): the epoch second the window resets;
 * - `ratelimit-reset` (Bluesky's PDS: an epoch second; the IETF draft: seconds from now);
 * - `x-ratelimit-reset` (Mastodon): an ISO 8601 time.
 * Numbers above 10^9 are epoch seconds, smaller ones are a delay. Never less than 1 s, so a
 * caller that waits this long always waits; undefined when no header says.
 */
const HEADERS = ['retry-after', 'x-rate-limit-reset', 'ratelimit-reset', 'x-ratelimit-reset'];
const EPOCH_THRESHOLD = 1e9;
/** An hour: a header asking for longer is most likely misread, and the job retries anyway. */
const MAX_WAIT_SECONDS = 3600;

export function retryAfterSeconds(headers: Headers, now: Date = new Date()): number | undefined {
  for (const name of HEADERS) {
    const raw = headers.get(name)?.trim();
    if (!raw) continue;
    const seconds = parseWait(raw, now);
    if (seconds !== undefined) return Math.min(MAX_WAIT_SECONDS, Math.max(1, Math.ceil(seconds)));
  }
  return undefined;
}

function parseWait(raw: string, now: Date): number | undefined {
  if (/^\d+(\.\d+)?$/.test(raw)) {
    const n = Number(raw);
    return n > EPOCH_THRESHOLD ? n - now.getTime() / 1000 : n;
  }
  const at = Date.parse(raw);
  return Number.isNaN(at) ? undefined : (at - now.getTime()) / 1000;
}

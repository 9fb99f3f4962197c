import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Waiting between attempts at a hosted service (Replicate, Fal.ai, GoHighLevel, NocoDB): the
 * wait the service asks for, and a sleep that a caller's abort ends at once.
 */

/** Like timers/promises' setTimeout, but rejects with the signal's own reason. */
export async function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (!signal) return void (await sleep(ms));
  signal.throwIfAborted();
  try {
    await sleep(ms, undefined, { signal });
  } catch (err) {
    if (signal.aborted) throw signal.reason;
    throw err;
  }
}

/** Retry-After in seconds or as an HTTP date, capped at 60 s; null when absent or unreadable. */
export function retryAfterMs(res: Response): number | null {
  const header = res.headers.get('retry-after');
  if (!header) return null;
  const seconds = Number(header);
  const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(header) - Date.now();
  return Number.isFinite(ms) ? Math.min(60_000, Math.max(0, ms)) : null;
}

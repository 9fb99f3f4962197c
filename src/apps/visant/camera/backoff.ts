/**
 * Exponential backoff with jitter: 1 s, 2 s, 4 s … up to `maxMs`, each drawn between half and
 * the whole of that step, so cameras that lost the same server do not all come back at once.
 */
export function backoffDelay(failures: number, maxMs: number, random = Math.random): number {
  const step = Math.min(maxMs, 1000 * 2 ** Math.min(Math.max(failures - 1, 0), 30));
  return Math.round(step / 2 + (random() * step) / 2);
}

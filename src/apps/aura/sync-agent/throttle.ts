/** Time as the throttle sees it; tests inject a fake one to count bytes per window without waiting. */
export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const realClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/**
 * A token bucket for `bandwidth_limit_kbps` (KB/s, 1 KB = 1024 bytes): tokens are bytes, refilled
 * at the rate, holding at most one second's worth, so a burst after a pause is one second of data.
 */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(private readonly bytesPerSecond: number, private readonly clock: Clock = realClock) {
    this.tokens = bytesPerSecond;
    this.last = clock.now();
  }

  /** Wait until `bytes` may be sent (at most one second's worth at a time: callers send in chunks). */
  async take(bytes: number) {
    for (;;) {
      const now = this.clock.now();
      this.tokens = Math.min(this.bytesPerSecond, this.tokens + ((now - this.last) / 1000) * this.bytesPerSecond);
      this.last = now;
      if (this.tokens >= bytes) {
        this.tokens -= bytes;
        return;
      }
      await this.clock.sleep(Math.ceil(((bytes - this.tokens) / this.bytesPerSecond) * 1000));
    }
  }
}

/** A body stream of `parts` sent in chunks no faster than the bucket allows (none: as fast as it goes). */
export function throttledStream(parts: Uint8Array[], bucket: TokenBucket | null, chunkBytes = 16 * 1024): ReadableStream<Uint8Array> {
  const chunks = parts.flatMap((part) => {
    const out: Uint8Array[] = [];
    for (let i = 0; i < part.length; i += chunkBytes) out.push(part.subarray(i, i + chunkBytes));
    return out;
  });
  let i = 0;
  return new ReadableStream({
    async pull(controller) {
      if (i >= chunks.length) return controller.close();
      const chunk = chunks[i++];
      if (bucket) await bucket.take(chunk.length);
      controller.enqueue(chunk);
    },
  });
}

import { Redis } from 'ioredis';
import { serviceUnavailable } from '../errors.js';

/**
 * Fixed-window counters for rate limits. In one process the memory store is enough;
 * with several API nodes, REDIS_URL makes the limits shared.
 */
export interface RateLimitStore {
  /** Count one hit on `key` in the current window; returns the count and ms until the window resets. */
  hit(key: string, windowMs: number): Promise<{ count: number; resetMs: number }>;
  close(): Promise<void>;
}

export class MemoryRateLimitStore implements RateLimitStore {
  private readonly windows = new Map<string, { count: number; resetAt: number }>();
  private sweepAt = 0;

  async hit(key: string, windowMs: number) {
    const now = Date.now();
    if (now > this.sweepAt) this.sweep(now);
    let w = this.windows.get(key);
    if (!w || w.resetAt <= now) {
      w = { count: 0, resetAt: now + windowMs };
      this.windows.set(key, w);
    }
    w.count++;
    return { count: w.count, resetMs: w.resetAt - now };
  }

  private sweep(now: number) {
    for (const [k, w] of this.windows) if (w.resetAt <= now) this.windows.delete(k);
    this.sweepAt = now + 60_000;
  }

  async close() {
    this.windows.clear();
  }
}

export class RedisRateLimitStore implements RateLimitStore {
  private readonly redis: Redis;

  constructor(url: string) {
    this.redis = new Redis(url, { lazyConnect: false, maxRetriesPerRequest: 2 });
    // Without a listener ioredis prints every failed reconnection; each hit that fails reports it instead.
    this.redis.on('error', () => {});
  }

  async hit(key: string, windowMs: number) {
    const k = `tenantry:rl:${key}`;
    const [[, count], [, ttl]] = (await this.redis
      .multi()
      .incr(k)
      .pttl(k)
      .exec()) as [[null, number], [null, number]];
    if (ttl < 0) {
      await this.redis.pexpire(k, windowMs);
      return { count, resetMs: windowMs };
    }
    return { count, resetMs: ttl };
  }

  async close() {
    await this.redis.quit();
  }
}

export class RateLimiter {
  constructor(private readonly store: RateLimitStore) {}

  /**
   * Returns seconds to wait when over the limit, or 0 when the hit is allowed. A store that
   * cannot count (Redis unreachable) fails closed: 503, never an unchecked pass, because some
   * limits are what stands between an attacker and guessing (logins, share passwords) or
   * reusing (realtime tickets), and counting per node instead would multiply every limit by
   * the number of nodes without anyone noticing. docs/operations.md#redis-unavailable.
   */
  async check(key: string, limit: number, windowMs = 60_000): Promise<number> {
    let hit: { count: number; resetMs: number };
    try {
      hit = await this.store.hit(key, windowMs);
    } catch (err) {
      throw serviceUnavailable('RATE_LIMIT_UNAVAILABLE', 'Rate limits cannot be checked because Redis is not answering; try again shortly', err);
    }
    const { count, resetMs } = hit;
    return count > limit ? Math.max(1, Math.ceil(resetMs / 1000)) : 0;
  }

  close() {
    return this.store.close();
  }
}

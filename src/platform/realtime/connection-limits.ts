import type { Principal } from '../auth/principal.js';
import { tooManyRequests } from '../errors.js';

/** How long a refused client should wait before trying again. */
const RETRY_AFTER_SECONDS = 10;

export interface ConnectionCaps {
  perUser: number;
  perOrg: number;
  perIp: number;
}

/**
 * Open realtime connections per user (or API key), org and client address, in this process:
 * each stream holds a socket and subscriptions, so one caller must not hold thousands.
 * With several API nodes each enforces its own caps (a load balancer spreads a client's
 * connections, so the effective cap is at most nodes x cap).
 */
export class ConnectionLimits {
  private readonly open = new Map<string, number>();

  constructor(private readonly caps: ConnectionCaps) {}

  /** Count one connection, or throw 429 naming the cap that is full. Returns its release (idempotent). */
  acquire(principal: Principal, ip: string): () => void {
    const who = principal.kind === 'api_key' ? `key:${principal.apiKeyId}` : `user:${principal.userId}`;
    const slots: [string, number, string][] = [
      [who, this.caps.perUser, principal.kind === 'api_key' ? 'this API key' : 'this user'],
      [`org:${principal.orgId}`, this.caps.perOrg, 'this organization'],
      [`ip:${ip}`, this.caps.perIp, 'this address'],
    ];
    for (const [key, cap, label] of slots) {
      if ((this.open.get(key) ?? 0) >= cap) {
        throw tooManyRequests(RETRY_AFTER_SECONDS, `Too many open realtime connections for ${label} (at most ${cap}): close some first; one connection can follow several topics`);
      }
    }
    for (const [key] of slots) this.open.set(key, (this.open.get(key) ?? 0) + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      for (const [key] of slots) {
        const left = (this.open.get(key) ?? 1) - 1;
        if (left > 0) this.open.set(key, left);
        else this.open.delete(key);
      }
    };
  }

  /** Connections counted under a key such as "user:<id>"; for tests and metrics. */
  count(key: string): number {
    return this.open.get(key) ?? 0;
  }
}

import { sql, type Kysely } from 'kysely';
import type { FastifyBaseLogger } from 'fastify';
import type { PlatformTables } from '../db/schema.js';
import { withSystem } from '../db/tenant.js';
import { utcDay } from './storage-snapshot.js';

/**
 * Authenticated API requests per org and UTC day, for the "requests over time" charts.
 *
 * Design: a request only bumps a number in this process's memory (a Map keyed by org and
 * day: no I/O on the request path); every REQUEST_COUNT_FLUSH_SECONDS the API node adds what
 * it counted to request_daily in one statement (`requests = requests + excluded.requests`),
 * and once more when the server closes. Adding rather than setting lets any number of API
 * nodes flush into the same rows. One write per request would double the database's load for
 * a chart; usage_events is for metered actions with bytes, not for every GET. The price: a
 * node killed without closing loses at most one interval's count, which a chart can bear.
 * A flush that fails keeps its counts for the next one (nothing else is lost).
 */
export class RequestCounter {
  private pending = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;

  constructor(
    private readonly db: Kysely<PlatformTables>,
    private readonly log: FastifyBaseLogger,
    private readonly flushIntervalMs: number,
  ) {}

  /** One authenticated request of `orgId`, counted on the UTC day it arrived. */
  count(orgId: string, at = new Date()): void {
    const key = `${orgId}|${utcDay(at)}`;
    this.pending.set(key, (this.pending.get(key) ?? 0) + 1);
  }

  /** Counts not yet written, for tests and shutdown logs. */
  get unflushed(): number {
    let n = 0;
    for (const v of this.pending.values()) n += v;
    return n;
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.flush(), this.flushIntervalMs);
    // The counter never keeps the process alive on its own.
    this.timer.unref();
  }

  /** Stops the timer and writes what is left. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.flush();
  }

  /** Adds the counts so far to request_daily; one flush at a time, so none is added twice. */
  async flush(): Promise<void> {
    while (this.flushing) await this.flushing;
    if (this.pending.size === 0) return;
    const batch = this.pending;
    this.pending = new Map();
    this.flushing = this.write(batch).finally(() => {
      this.flushing = undefined;
    });
    await this.flushing;
  }

  private async write(batch: Map<string, number>): Promise<void> {
    const rows = [...batch].map(([key, n]) => {
      const [orgId, day] = key.split('|');
      return sql`(${orgId}::uuid, ${day}::date, ${n}::bigint)`;
    });
    try {
      // An org deleted since its requests were counted is skipped rather than failing the batch.
      await withSystem(this.db, (tx) =>
        sql`insert into request_daily (org_id, day, requests)
            select v.org_id, v.day, v.n from (values ${sql.join(rows)}) as v(org_id, day, n)
            where exists (select 1 from orgs o where o.id = v.org_id)
            on conflict (org_id, day) do update set requests = request_daily.requests + excluded.requests`.execute(tx),
      );
    } catch (err) {
      for (const [key, n] of batch) this.pending.set(key, (this.pending.get(key) ?? 0) + n);
      this.log.warn({ err, keys: batch.size }, 'request counts could not be written; kept for the next flush');
    }
  }
}

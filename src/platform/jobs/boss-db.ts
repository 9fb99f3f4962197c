import type pg from 'pg';
import { CompiledQuery, type Kysely } from 'kysely';
import type PgBoss from 'pg-boss';
import { batchAsTenant } from '../db/tenant-read.js';
import type { PlatformTables } from '../db/schema.js';
import type { TenantScope } from '../db/tenant.js';

/** Any Kysely instance or transaction, whatever its tables: all this module needs is to run SQL. */
export type QueryRunner = Pick<Kysely<object>, 'executeQuery'>;

/**
 * pg-boss speaks to the database only through `executeSql`. This adapter gives it a pool
 * (the platform's own on PGlite, where there is exactly one connection; a small dedicated
 * one on PostgreSQL) and counts queries in flight, so shutdown can wait for the last poll
 * to return before the database is closed underneath it.
 */
export class BossDb implements PgBoss.Db {
  private inFlight = 0;
  private closed = false;
  private idle: (() => void)[] = [];

  constructor(private readonly pool: pg.Pool) {}

  async executeSql(text: string, values?: unknown[]): Promise<{ rows: unknown[] }> {
    if (this.closed) throw new Error('The job queue is shut down');
    this.inFlight++;
    try {
      // Without values pg uses the simple protocol, which pg-boss needs for its multi-statement commands.
      return await this.pool.query(text, values && values.length ? values : undefined);
    } finally {
      this.inFlight--;
      if (this.inFlight === 0) this.idle.splice(0).forEach((resolve) => resolve());
    }
  }

  get busy(): boolean {
    return this.inFlight > 0;
  }

  /** Refuse new queries and wait (bounded) for those in flight. */
  async drain(timeoutMs: number): Promise<void> {
    this.closed = true;
    if (this.inFlight === 0) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      this.idle.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}

/**
 * Run pg-boss's statements inside a caller's transaction, so a job is queued exactly when
 * the transaction commits (and on PGlite without a second, deadlocking transaction).
 *
 * A tenant transaction runs as the application role, which has no rights on pg-boss's
 * schema (its tables have no org_id and no RLS, so tenants must never read them). For
 * the duration of the insert only, the role is reset to the connecting role and then
 * restored; the statement is pg-boss's own, the data is ours. On a tenant login
 * (DATABASE_APP_URL) the reset leads back to that login, which may insert its own org's jobs
 * and nothing else (tenant-enqueue.ts).
 */
export function transactionBossDb(tx: QueryRunner): PgBoss.Db {
  return {
    async executeSql(text: string, values?: unknown[]) {
      // One statement reads the role, then resets it: the materialized CTE's row is read before
      // the outer select list runs (a plain select list's order is not something to rely on here).
      const before = await tx.executeQuery(
        CompiledQuery.raw(`with was as materialized (select current_setting('role') as role) select role, set_config('role', 'none', true) from was`, []) as CompiledQuery<{ role: string }>,
      );
      const role = before.rows[0]?.role ?? 'none';
      // On failure the transaction is aborted and rolls back, role setting included: no restore to do.
      const result = await tx.executeQuery(CompiledQuery.raw(text, values ?? []));
      if (role !== 'none') await tx.executeQuery(CompiledQuery.raw(`select set_config('role', $1, true)`, [role]));
      return { rows: result.rows as unknown[] };
    },
  };
}

/**
 * An org's job queued in ONE round trip: the tenant settings, `before` (its job_runs row) as
 * the application role, the role reset as in transactionBossDb, then pg-boss's own insert, in
 * one pipelined batch that commits at its Sync (db/tenant-read.ts). withTenant took seven
 * trips for the same (BEGIN and settings, the row, reading the role, resetting it, the insert,
 * restoring it, COMMIT). pg-boss sends one statement per job (a second only for
 * `singletonNextSlot`, which the platform does not use: refused here rather than run apart).
 */
export function oneTripTenantBossDb(db: Kysely<PlatformTables>, scope: TenantScope, before: CompiledQuery[]): PgBoss.Db {
  let sent = false;
  return {
    async executeSql(text: string, values?: unknown[]) {
      if (sent) throw new Error('oneTripTenantBossDb queues one job: pg-boss asked for a second statement');
      sent = true;
      const rows = await batchAsTenant(db, scope, [...before, CompiledQuery.raw(`select set_config('role', 'none', true)`, [])], CompiledQuery.raw(text, values ?? []));
      return { rows: rows as unknown[] };
    },
  };
}

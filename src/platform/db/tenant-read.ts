import pg from 'pg';
import type { Compilable, CompiledQuery, Kysely } from 'kysely';
import type { PlatformTables } from './schema.js';
import { assertTenantScope, APP_ROLE, tenantSideOf, withTenant, type TenantScope } from './tenant.js';

/**
 * A tenant-scoped read in ONE network round trip: the tenant settings and the query travel
 * together as one pipelined batch of the extended protocol, ended by a single Sync.
 *
 * withTenant costs three round trips (BEGIN + settings, the query, COMMIT); on the hot list
 * routes the statements themselves are cheap and the round trips are the cost
 * (docs/benchmarks.md, `api`). Here the batch is
 *
 *   Parse/Bind/Execute  select set_config('app.org_id', $1, true), … set_config('role', $4, true)
 *   Parse/Bind/Describe/Execute  the query with its own parameters
 *   Sync
 *
 * PostgreSQL runs every Execute before a Sync in one implicit transaction and ends it at the
 * Sync (committed, or rolled back after an error), so the settings are transaction-local
 * exactly as in withTenant: nothing outlives the batch on the pooled connection, which also
 * keeps it safe behind a transaction-mode pooler. The ids are bound parameters, never SQL text.
 *
 * Only for a single statement. A read (readAsTenant) or a write (writeAsTenant: one insert,
 * update or delete, committed at the Sync, its RETURNING rows answered) both fit; anything that
 * needs several statements, or work after the commit (a job queued in the transaction wakes its
 * worker then, db/after-commit.ts), uses withTenant.
 */
const SETTINGS_SQL =
  "select set_config('app.org_id', $1, true), set_config('app.user_id', $2, true), set_config('app.api_key_id', $3, true), set_config('role', $4, true)";

/** The pool each Kysely handle runs on (registered where pools are opened: database.ts, tenant-pool.ts). */
const poolOfHandle = new WeakMap<object, pg.Pool>();

export function registerPool(db: Kysely<PlatformTables>, pool: pg.Pool): void {
  poolOfHandle.set(db, pool);
}

/** The rows of `query` as the tenant sees them (RLS applied as the application role). */
export function readAsTenant<DB extends PlatformTables, R>(db: Kysely<DB>, scope: TenantScope, query: Compilable<R>): Promise<R[]> {
  return oneStatementAsTenant(db, scope, query);
}

/**
 * One insert, update or delete as the tenant, in its own transaction (RLS and its WITH CHECK
 * applied as the application role); answers its RETURNING rows. The platform's job runs record
 * their start and end this way (jobs/job-runner.ts): four round trips fewer per job.
 */
export function writeAsTenant<DB extends PlatformTables, R>(db: Kysely<DB>, scope: TenantScope, statement: Compilable<R>): Promise<R[]> {
  return oneStatementAsTenant(db, scope, statement);
}

async function oneStatementAsTenant<DB extends PlatformTables, R>(db: Kysely<DB>, scope: TenantScope, query: Compilable<R>): Promise<R[]> {
  assertTenantScope(scope);
  // The pool withTenant would run on: the tenant login's when there is one.
  const pool = poolOfHandle.get(tenantSideOf(db));
  const compiled = query.compile();
  if (!pool) return withTenant(db, scope, async (tx) => (await tx.executeQuery(compiled)).rows);
  return readWithSettings(pool, { ...scope, role: APP_ROLE }, compiled);
}

/**
 * The batch itself, with the role named. The product always reads as APP_ROLE (readAsTenant);
 * the `api` benchmark also runs it as the owner, which bypasses RLS, to measure what the
 * policies themselves cost with nothing else changed.
 */
export async function readWithSettings<R>(pool: pg.Pool, scope: TenantScope & { role: string }, compiled: CompiledQuery<R>): Promise<R[]> {
  const settings = [scope.orgId, scope.userId ?? '', scope.apiKeyId ?? '', scope.role];
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    return await new Promise<R[]>((resolve, reject) => {
      client.query(new SettingsThenQuery(settings, compiled.sql, [...compiled.parameters], (err, rows) => (err ? reject(err) : resolve(rows as R[]))));
    });
  } catch (err) {
    // An SQL error leaves the connection ready (the Sync ended the batch); a lost one does not.
    // (An error the server sent carries its severity; PGlite's adapter has its own error class.)
    if (!(err instanceof Error && 'severity' in err)) broken = err as Error;
    throw err;
  } finally {
    client.release(broken);
  }
}

/**
 * node-postgres's own extended query, preceded by the settings statement in the same corked
 * write. pg calls `prepare` from `submit` and routes every reply of the batch to this object:
 * the settings statement's one row and its CommandComplete are swallowed here, the rest is
 * pg's normal result handling (type parsers included).
 */
class SettingsThenQuery extends pg.Query {
  private settingsPending = true;

  constructor(private readonly settings: string[], text: string, values: unknown[], done: (err: Error | null, rows?: unknown[]) => void) {
    super({ text, values, queryMode: 'extended' } as pg.QueryConfig, (err: Error | undefined, result: pg.QueryResult) => done(err ?? null, result?.rows));
  }

  prepare(connection: PgConnection): void {
    connection.parse({ text: SETTINGS_SQL, types: [] });
    connection.bind({ values: this.settings });
    connection.execute({ portal: '', rows: 0 });
    (pg.Query.prototype as unknown as { prepare(c: PgConnection): void }).prepare.call(this, connection);
  }

  handleDataRow(msg: unknown): void {
    if (!this.settingsPending) (pg.Query.prototype as unknown as { handleDataRow(m: unknown): void }).handleDataRow.call(this, msg);
  }

  handleCommandComplete(msg: unknown, connection: PgConnection): void {
    if (this.settingsPending) {
      this.settingsPending = false;
      return;
    }
    (pg.Query.prototype as unknown as { handleCommandComplete(m: unknown, c: PgConnection): void }).handleCommandComplete.call(this, msg, connection);
  }
}

/** The protocol writer pg hands to a query (pg/lib/connection.js; not in pg's type definitions). */
interface PgConnection {
  parse(m: { text: string; types: number[] }): void;
  bind(m: { values: unknown[] }): void;
  execute(m: { portal: string; rows: number }): void;
}

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
 * A read (readAsTenant) or a write (writeAsTenant: one insert, update or delete, committed at
 * the Sync, its RETURNING rows answered) both fit; so do several statements whose values are
 * all known beforehand (batchAsTenant: a job's job_runs row and pg-boss's insert, committed
 * together). Anything that needs a statement's answer to write the next, or work after the
 * commit inside a caller's transaction (db/after-commit.ts), uses withTenant.
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
  return runBatch(pool, [settingsStep(scope)], compiled);
}

/**
 * Several statements as the tenant in ONE round trip and one transaction: `first` in order,
 * then `last`, whose rows are the answer. All commit together at the Sync, or none does (the
 * server skips everything after an error up to the Sync). A step may change the role for the
 * steps after it (`select set_config('role', 'none', true)`), as withTenant's callers do for
 * pg-boss's insert (jobs/boss-db.ts). Values of the `first` steps must be text, numbers or null.
 */
export async function batchAsTenant<DB extends PlatformTables, R>(db: Kysely<DB>, scope: TenantScope, first: CompiledQuery[], last: CompiledQuery<R>): Promise<R[]> {
  assertTenantScope(scope);
  const pool = poolOfHandle.get(tenantSideOf(db));
  if (!pool) {
    return withTenant(db, scope, async (tx) => {
      for (const step of first) await tx.executeQuery(step);
      return (await tx.executeQuery(last)).rows;
    });
  }
  const steps = first.map((step) => ({ text: step.sql, values: step.parameters.map(asText) }));
  return runBatch(pool, [settingsStep({ ...scope, role: APP_ROLE }), ...steps], last);
}

interface Step {
  text: string;
  values: (string | null)[];
}

function settingsStep(scope: TenantScope & { role: string }): Step {
  return { text: SETTINGS_SQL, values: [scope.orgId, scope.userId ?? '', scope.apiKeyId ?? '', scope.role] };
}

/** The wire form of a leading step's value (the last statement's go through pg's own conversion). */
function asText(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  throw new TypeError(`A leading statement of a tenant batch takes text, numbers or null, not ${typeof value}`);
}

async function runBatch<R>(pool: pg.Pool, steps: Step[], compiled: CompiledQuery<R>): Promise<R[]> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    return await new Promise<R[]>((resolve, reject) => {
      client.query(new StepsThenQuery(steps, compiled.sql, [...compiled.parameters], (err, rows) => (err ? reject(err) : resolve(rows as R[]))));
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
 * node-postgres's own extended query, preceded by the leading steps in the same corked write.
 * pg calls `prepare` from `submit` and routes every reply of the batch to this object: the
 * steps' rows and CommandCompletes are swallowed here, the rest is pg's normal result handling
 * (type parsers included).
 */
class StepsThenQuery extends pg.Query {
  private stepsPending: number;

  constructor(private readonly steps: Step[], text: string, values: unknown[], done: (err: Error | null, rows?: unknown[]) => void) {
    super({ text, values, queryMode: 'extended' } as pg.QueryConfig, (err: Error | undefined, result: pg.QueryResult) => done(err ?? null, result?.rows));
    this.stepsPending = steps.length;
  }

  prepare(connection: PgConnection): void {
    for (const step of this.steps) {
      connection.parse({ text: step.text, types: [] });
      connection.bind({ values: step.values });
      connection.execute({ portal: '', rows: 0 });
    }
    (pg.Query.prototype as unknown as { prepare(c: PgConnection): void }).prepare.call(this, connection);
  }

  handleDataRow(msg: unknown): void {
    if (this.stepsPending === 0) (pg.Query.prototype as unknown as { handleDataRow(m: unknown): void }).handleDataRow.call(this, msg);
  }

  handleCommandComplete(msg: unknown, connection: PgConnection): void {
    if (this.stepsPending > 0) {
      this.stepsPending--;
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

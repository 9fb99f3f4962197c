import { sql, type Kysely, type Transaction } from 'kysely';
import type { PlatformTables } from './schema.js';
import { badRequest } from '../errors.js';
import { trackTransaction } from './after-commit.js';

/** The database role tenant requests run as: no BYPASSRLS, so row-level security applies. */
export const APP_ROLE = 'tenantry_app';

export interface TenantScope {
  orgId: string;
  userId?: string | null;
  /** An API key acting for the org: set as app.api_key_id, so policies can apply the key's role. */
  apiKeyId?: string | null;
}

/**
 * Owner handle → the handle of the tenant login's pool (tenant-pool.ts). Every caller passes
 * the owner's Kysely (or an app's typed view of the same object) to withTenant, so the switch
 * happens here once instead of in a hundred call sites. Without an entry (PGlite, or
 * PostgreSQL without DATABASE_APP_URL) tenant transactions run on the owner's pool.
 */
const tenantTraffic = new WeakMap<object, Kysely<PlatformTables>>();

/** From now on, withTenant(ownerDb, …) runs its transactions on `tenantDb`. */
export function routeTenantTraffic(ownerDb: Kysely<PlatformTables>, tenantDb: Kysely<PlatformTables>): void {
  tenantTraffic.set(ownerDb, tenantDb);
}

/** The handle withTenant runs on for `db`. Table types exist only at compile time: same object, widened once here. */
export function tenantSideOf<DB extends PlatformTables>(db: Kysely<DB>): Kysely<DB> {
  const routed = tenantTraffic.get(db);
  return routed ? (routed as unknown as Kysely<DB>) : db;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ids are written into the settings statement below: only UUIDs (or no user / key) pass. */
export function assertTenantScope(scope: TenantScope): void {
  const { orgId, userId, apiKeyId } = scope;
  if (!UUID.test(orgId) || (userId && !UUID.test(userId)) || (apiKeyId && !UUID.test(apiKeyId))) throw badRequest('Invalid tenant scope');
}

/**
 * Run `fn` in one transaction scoped to a tenant, on the tenant login's pool when there is one
 * (DATABASE_APP_URL, see routeTenantTraffic): the role switches to the application role
 * and app.org_id / app.user_id are set transaction-locally (safe behind a transaction-mode
 * pooler). Row-level security then hides every other tenant's rows, whatever the SQL says;
 * application code still filters by org_id as the second lock.
 *
 * BEGIN and the settings go to the server in one round trip (ids are checked to be UUIDs
 * before they are written into the statement), which matters on the hot read path.
 */
export async function withTenant<DB extends PlatformTables, T>(
  db: Kysely<DB>,
  scope: TenantScope,
  fn: (tx: Transaction<DB>) => Promise<T>,
): Promise<T> {
  assertTenantScope(scope);
  const orgId = scope.orgId;
  const userId = scope.userId ?? '';
  const apiKeyId = scope.apiKeyId ?? '';
  // The role switch stays on the tenant login too: a no-op for its rights, and the same SQL on
  // every deployment.
  return tenantSideOf(db).connection().execute(async (conn) => {
    await sql
      .raw(
        `begin; select set_config('app.org_id', '${orgId}', true), set_config('app.user_id', '${userId}', true), set_config('app.api_key_id', '${apiKeyId}', true), set_config('role', '${APP_ROLE}', true)`,
      )
      .execute(conn);
    const tracked = trackTransaction(conn);
    let result: T;
    try {
      // A single-connection Kysely used only inside this transaction; services treat it as one.
      result = await fn(conn as unknown as Transaction<DB>);
    } catch (err) {
      tracked.forget();
      await sql.raw('rollback').execute(conn).catch(() => {});
      throw err;
    }
    try {
      await sql.raw('commit').execute(conn);
    } catch (err) {
      tracked.forget();
      throw err;
    }
    tracked.committed();
    return result;
  });
}

/**
 * Run `fn` in a transaction as the platform itself (the connecting role, which bypasses
 * RLS). Only for flows where no tenant is known yet and a secret is the credential
 * (login, token refresh, invite acceptance, API-key lookup), for superadmin actions,
 * and for jobs that sweep all tenants. Keep such code in platform/, small and audited.
 */
export async function withSystem<DB extends PlatformTables, T>(
  db: Kysely<DB>,
  fn: (tx: Transaction<DB>) => Promise<T>,
): Promise<T> {
  let tracked: ReturnType<typeof trackTransaction> | undefined;
  try {
    const result = await db.transaction().execute((tx) => {
      tracked = trackTransaction(tx);
      return fn(tx);
    });
    // Kysely has committed once execute resolves.
    tracked?.committed();
    return result;
  } catch (err) {
    tracked?.forget();
    throw err;
  }
}

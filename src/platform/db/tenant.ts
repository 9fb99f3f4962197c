import { sql, type Kysely, type Transaction } from 'kysely';
import type { PlatformTables } from './schema.js';

/** The database role tenant requests run as: no BYPASSRLS, so row-level security applies. */
export const APP_ROLE = 'tenantry_app';

export interface TenantScope {
  orgId: string;
  userId?: string | null;
}

/**
 * Run `fn` in one transaction scoped to a tenant: SET LOCAL ROLE to the application role
 * and app.org_id / app.user_id set transaction-locally (safe behind a transaction-mode
 * pooler). Row-level security then hides every other tenant's rows, whatever the SQL says;
 * application code still filters by org_id as the second lock.
 */
export async function withTenant<DB extends PlatformTables, T>(
  db: Kysely<DB>,
  scope: TenantScope,
  fn: (tx: Transaction<DB>) => Promise<T>,
): Promise<T> {
  return db.transaction().execute(async (tx) => {
    await sql`select set_config('app.org_id', ${scope.orgId}, true),
                     set_config('app.user_id', ${scope.userId ?? ''}, true),
                     set_config('role', ${APP_ROLE}, true)`.execute(tx);
    return fn(tx);
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
  return db.transaction().execute(fn);
}

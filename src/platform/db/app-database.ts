import type { Compilable, Kysely, Transaction } from 'kysely';
import type { PlatformContext } from '../context.js';
import type { PlatformTables } from './schema.js';
import { withSystem, withTenant, type TenantScope } from './tenant.js';
import { readAsTenant } from './tenant-read.js';

/**
 * An app's typed view of the one database. The platform opens a single Kysely typed with its
 * own tables; an app declares its tables once (`interface VisantTables extends PlatformTables`)
 * and gets queries typed with both, without casting in every service:
 *
 *   export const visantDb = appDatabase<VisantTables>();          // apps/visant/db.ts
 *   visantDb.withTenant(ctx, principal, (tx) => tx.selectFrom('visant_devices')…)
 *
 * Kysely carries table types only at compile time, so widening them is the one cast here.
 */
export interface AppDatabase<Tables extends PlatformTables> {
  /** The pool-backed Kysely, for reads that run outside a tenant transaction (rare: prefer withTenant). */
  db(ctx: Pick<PlatformContext, 'database'>): Kysely<Tables>;
  /** One transaction as the tenant, row-level security on (db/tenant.ts). A Principal is a scope. */
  withTenant<T>(ctx: Pick<PlatformContext, 'database'>, scope: TenantScope, fn: (tx: Transaction<Tables>) => Promise<T>): Promise<T>;
  /**
   * One read statement as the tenant in one network round trip (db/tenant-read.ts): for hot
   * list routes. Build the query on `db(ctx)`; it runs with the same RLS as withTenant.
   */
  readAsTenant<R>(ctx: Pick<PlatformContext, 'database'>, scope: TenantScope, query: Compilable<R>): Promise<R[]>;
  /** One transaction as the platform itself, bypassing RLS: sweeps across tenants only. */
  withSystem<T>(ctx: Pick<PlatformContext, 'database'>, fn: (tx: Transaction<Tables>) => Promise<T>): Promise<T>;
}

export function appDatabase<Tables extends PlatformTables>(): AppDatabase<Tables> {
  const db = (ctx: Pick<PlatformContext, 'database'>) => ctx.database.db as unknown as Kysely<Tables>;
  return {
    db,
    withTenant: (ctx, scope, fn) => withTenant(db(ctx), scope, fn),
    readAsTenant: (ctx, scope, query) => readAsTenant(db(ctx), scope, query),
    withSystem: (ctx, fn) => withSystem(db(ctx), fn),
  };
}

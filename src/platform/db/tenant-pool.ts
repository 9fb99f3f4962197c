import pg from 'pg';
import { Kysely, PostgresDialect } from 'kysely';
import type { Database } from './database.js';
import { surviveBrokenConnections } from './pool-errors.js';
import type { PlatformTables } from './schema.js';
import { APP_ROLE, routeTenantTraffic } from './tenant.js';
import { registerPool } from './tenant-read.js';

/**
 * Open the second PostgreSQL pool, logged in as DATABASE_APP_URL's role, and route every
 * withTenant transaction through it. The role is checked before any request uses it: if it
 * could bypass row-level security, or could not become tenantry_app, the start fails with
 * what to change. The owner's pool stays for migrations and the platform's own flows.
 */
export async function openTenantPool(database: Database, appUrl: string, poolSize: number): Promise<void> {
  if (database.kind !== 'postgres') throw new Error('DATABASE_APP_URL needs PostgreSQL (DATABASE_URL)');
  const pool = surviveBrokenConnections(new pg.Pool({ connectionString: appUrl, max: poolSize }));
  try {
    const { rows } = await pool.query<{ name: string; bypass: boolean; member: boolean }>(
      `select current_user as name, (rolsuper or rolbypassrls) as bypass, pg_has_role(current_user, $1, 'member') as member
       from pg_roles where rolname = current_user`,
      [APP_ROLE],
    );
    const role = rows[0];
    if (!role || role.bypass) {
      throw new Error(`DATABASE_APP_URL logs in as "${role?.name}", which bypasses row-level security: use a role without SUPERUSER and BYPASSRLS.`);
    }
    if (!role.member) throw new Error(`DATABASE_APP_URL's role "${role.name}" is not a member of ${APP_ROLE}: GRANT ${APP_ROLE} TO "${role.name}" (as the owner).`);
  } catch (err) {
    await pool.end().catch(() => {});
    if (err instanceof Error && 'code' in err && err.code === '28P01') {
      throw new Error(
        "The password in DATABASE_APP_URL is not its role's: change the role's password (ALTER ROLE … PASSWORD, as the owner or a superuser) or the URL. " +
          'The migrations set it only when they create the role.',
        { cause: err },
      );
    }
    throw err;
  }
  const db = new Kysely<PlatformTables>({ dialect: new PostgresDialect({ pool }) });
  registerPool(db, pool);
  database.tenant = { pool, db };
  routeTenantTraffic(database.db, db);
}

import pg from 'pg';
import { APP_ROLE } from './tenant.js';
import { scramSha256Verifier } from './scram-verifier.js';

const ROLE_LOCK_ID = 724_311_002;

/** The login role named in DATABASE_APP_URL, and its password (URL-decoded; may be empty). */
export function tenantLogin(appUrl: string): { role: string; password: string } {
  const url = new URL(appUrl);
  return { role: decodeURIComponent(url.username), password: decodeURIComponent(url.password) };
}

/**
 * Make sure DATABASE_APP_URL's role exists as tenant traffic needs it: it logs in, is a member
 * of tenantry_app (whose grants it inherits and which it may SET ROLE to), and is neither
 * superuser nor BYPASSRLS, so row-level security applies to everything it runs, even a
 * statement that skipped the tenant settings or ran RESET ROLE.
 *
 * Run by the owner after the migrations (they create tenantry_app). A missing role is created
 * with the URL's password, sent as a SCRAM verifier (scram-verifier.ts) so no log sees it;
 * that needs CREATEROLE once. An existing role is left as the operator made it (password
 * included) but checked, and granted tenantry_app if it is not a member yet.
 */
export async function ensureTenantLoginRole(pool: pg.Pool, appUrl: string): Promise<void> {
  const { role, password } = tenantLogin(appUrl);
  const client = await pool.connect();
  try {
    // Processes starting together (API and workers) take turns: creating and granting a role
    // are catalog writes that race otherwise. The lock is transaction-scoped, so it is safe
    // behind a transaction-mode pooler (a session lock could outlive us on a pooled connection).
    await client.query('begin');
    await client.query('select pg_advisory_xact_lock($1)', [ROLE_LOCK_ID]);
    await checkOrCreateRole(client, role, password);
    await client.query('commit');
  } catch (err) {
    await client.query('rollback').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}

/** The role as the tenant login needs it: created when missing, else checked and granted tenantry_app. */
async function checkOrCreateRole(client: pg.PoolClient, role: string, password: string | undefined): Promise<void> {
  const name = client.escapeIdentifier(role);
  const { rows } = await client.query<{ super: boolean; bypass: boolean; login: boolean; member: boolean }>(
    `select rolsuper as super, rolbypassrls as bypass, rolcanlogin as login, pg_has_role(oid, $2, 'member') as member
     from pg_roles where rolname = $1`,
    [role, APP_ROLE],
  );
  const existing = rows[0];
  if (!existing) {
    const secret = password ? ` password ${client.escapeLiteral(scramSha256Verifier(password))}` : '';
    try {
      await client.query(`create role ${name} login nosuperuser nobypassrls nocreatedb nocreaterole inherit${secret}`);
    } catch (err) {
      if ((err as { code?: string }).code === '42501') {
        throw new Error(
          `The role "${role}" of DATABASE_APP_URL does not exist and the owner may not create it (no CREATEROLE). As a superuser, either ` +
            `ALTER ROLE <owner> CREATEROLE, or create it yourself: CREATE ROLE "${role}" LOGIN NOBYPASSRLS PASSWORD '…'; GRANT ${APP_ROLE} TO "${role}".`,
          { cause: err },
        );
      }
      throw err;
    }
    await client.query(`grant ${APP_ROLE} to ${name}`);
    return;
  }
  if (existing.super || existing.bypass) {
    throw new Error(
      `The role "${role}" of DATABASE_APP_URL is ${existing.super ? 'a superuser' : 'BYPASSRLS'}, so row-level security would not apply to tenant traffic. ` +
        `Use a plain role (ALTER ROLE "${role}" NOSUPERUSER NOBYPASSRLS, as a superuser), or drop it and let the migrations create it.`,
    );
  }
  if (!existing.login) throw new Error(`The role "${role}" of DATABASE_APP_URL cannot log in: ALTER ROLE "${role}" LOGIN (as a superuser or a role with CREATEROLE).`);
  if (!existing.member) await client.query(`grant ${APP_ROLE} to ${name}`);
}

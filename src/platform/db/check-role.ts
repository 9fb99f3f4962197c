import type pg from 'pg';

/**
 * The platform's own flows (login, token refresh, share links, sweeps across tenants) run as
 * the connecting role and must see past row-level security; tenant requests then drop to
 * tenantry_app. A role that is neither superuser nor BYPASSRLS would see empty tables there,
 * so say so at start instead of failing oddly later.
 */
export async function assertConnectingRoleCanBypassRls(pool: pg.Pool): Promise<void> {
  const { rows } = await pool.query<{ name: string; ok: boolean }>(
    'select current_user as name, (rolsuper or rolbypassrls) as ok from pg_roles where rolname = current_user',
  );
  const role = rows[0];
  if (role && !role.ok) {
    throw new Error(
      `The database role "${role.name}" is neither superuser nor BYPASSRLS. Connect as the schema owner with BYPASSRLS ` +
        `(ALTER ROLE "${role.name}" BYPASSRLS, as a superuser), or use a role that has it (on Supabase: postgres).`,
    );
  }
}

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sql, type Kysely } from 'kysely';
import type { PlatformTables } from '../../src/platform/db/schema.js';
import { startTestPlatform, uniqueEmail, type TestPlatform, type TestUser } from '../support/platform.js';
import { APP_ROLE, withTenant } from '../../src/platform/db/tenant.js';
import { installedApps } from '../../src/apps/index.js';

interface TenantTable {
  table: string;
  rls: boolean;
  forced: boolean;
  policies: string[];
}

const rlsViolation = (err: { code?: string; message: string }) => {
  assert.equal(err.code, '42501', err.message);
  assert.match(err.message, /row-level security/);
  return true;
};
const permissionDenied = (err: { code?: string; message: string }) => {
  assert.equal(err.code, '42501', err.message);
  assert.match(err.message, /permission denied/);
  return true;
};

describe('row-level security', () => {
  let t: TestPlatform;
  let a: TestUser;
  let b: TestUser;
  let bKeyId: string;
  before(async () => {
    // Every installed app's migrations too: the catalog check covers their tables.
    t = await startTestPlatform({ apps: installedApps });
    a = await t.signup('rls-a');
    b = await t.signup('rls-b');
    await t.request('POST', '/api/v1/api-keys', { token: a.token, body: { name: 'a-key' } });
    bKeyId = (await t.request('POST', '/api/v1/api-keys', { token: b.token, body: { name: 'b-key' } })).json().id;
    await t.request('POST', '/api/v1/invites', { token: b.token, body: { email: uniqueEmail('b-invitee') } });
  });
  after(() => t.close());

  async function tenantTables(db: Kysely<PlatformTables> = t.db): Promise<TenantTable[]> {
    const { rows } = await sql<TenantTable>`
      select c.relname as "table", c.relrowsecurity as rls, c.relforcerowsecurity as forced,
        coalesce((select array_agg(p.policyname::text order by p.policyname) from pg_policies p
          where p.schemaname = 'public' and p.tablename = c.relname
            and (coalesce(p.qual, '') like '%app_org_id%' or coalesce(p.with_check, '') like '%app_org_id%')), '{}') as policies
      from information_schema.columns col
      join pg_class c on c.relname = col.table_name and c.relnamespace = 'public'::regnamespace
      where col.table_schema = 'public' and col.column_name = 'org_id' and c.relkind in ('r', 'p')
      order by c.relname`.execute(db);
    return rows;
  }

  it('every table with an org_id has RLS enabled AND forced AND an org policy', async () => {
    const tables = await tenantTables();
    const names = tables.map((r) => r.table);
    for (const core of ['api_keys', 'audit_log', 'invites', 'memberships', 'refresh_tokens', 'usage_events']) assert.ok(names.includes(core), `found ${core}`);
    const unprotected = tables
      .filter((r) => !r.rls || !r.forced || r.policies.length === 0)
      .map((r) => `${r.table} (rls=${r.rls}, forced=${r.forced}, org policies=${r.policies.join(',') || 'none'})`);
    assert.deepEqual(unprotected, [], `unprotected tenant tables: call tenantry_protect('<table>') in the migration:\n${unprotected.join('\n')}`);
  });

  it('the catalog check catches an unprotected table (control, rolled back)', async () => {
    const rollback = new Error('rollback');
    await assert.rejects(
      t.db.transaction().execute(async (tx) => {
        await sql`create table rls_probe_unprotected (id int, org_id uuid)`.execute(tx);
        await sql`create table rls_probe_unforced (id int, org_id uuid)`.execute(tx);
        await sql`alter table rls_probe_unforced enable row level security`.execute(tx);
        await sql`create policy p on rls_probe_unforced using (org_id = (select app_org_id()))`.execute(tx);
        const flagged = (await tenantTables(tx)).filter((r) => r.table.startsWith('rls_probe_'));
        assert.deepEqual(flagged.map((r) => [r.table, r.rls, r.forced, r.policies.length]), [
          ['rls_probe_unforced', true, false, 1],
          ['rls_probe_unprotected', false, false, 0],
        ]);
        throw rollback;
      }),
      (err) => err === rollback,
    );
  });

  it('no view exposes an org_id to the application role without security_invoker', async () => {
    // A view runs with its owner's rights by default, which skips RLS on the tables beneath it.
    const { rows } = await sql<{ view: string }>`
      select distinct c.relname as view
      from information_schema.columns col
      join pg_class c on c.relname = col.table_name and c.relnamespace = 'public'::regnamespace
      where col.table_schema = 'public' and col.column_name = 'org_id' and c.relkind in ('v', 'm')
        and has_table_privilege(${APP_ROLE}, c.oid, 'select')
        and not coalesce('security_invoker=true' = any(c.reloptions) or 'security_invoker=on' = any(c.reloptions), false)`.execute(t.db);
    assert.deepEqual(rows, []);
  });

  it('the application role cannot bypass RLS', async () => {
    const { rows } = await sql<{ rolsuper: boolean; rolbypassrls: boolean }>`select rolsuper, rolbypassrls from pg_roles where rolname = ${APP_ROLE}`.execute(t.db);
    assert.deepEqual(rows, [{ rolsuper: false, rolbypassrls: false }]);
  });

  it('hides other tenants\u2019 rows in every tenant table even when the SQL forgets to filter', async () => {
    const tables = (await tenantTables()).map((r) => r.table);
    const leaks: string[] = [];
    let othersExist = 0;
    for (const table of tables) {
      const { rows: all } = await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)} where org_id <> ${a.orgId}`.execute(t.db);
      othersExist += all[0].n;
      const { rows } = await withTenant(t.db, { orgId: a.orgId }, (tx) => sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)} where org_id <> ${a.orgId}`.execute(tx));
      if (rows[0].n !== 0) leaks.push(`${table}: ${rows[0].n} foreign row(s)`);
    }
    assert.ok(othersExist > 0, 'the check is meaningful: other tenants have rows');
    assert.deepEqual(leaks, []);
  });

  it('select * from api_keys with no where clause returns only the current tenant\u2019s rows', async () => {
    const rows = await withTenant(t.db, { orgId: a.orgId, userId: a.userId }, async (tx) => (await sql<{ org_id: string; name: string }>`select * from api_keys`.execute(tx)).rows);
    assert.ok(rows.length >= 1);
    assert.ok(rows.every((r) => r.org_id === a.orgId), 'only A\u2019s keys');
    assert.ok(!rows.some((r) => r.name === 'b-key'));
    const system = await t.db.selectFrom('api_keys').select('id').where('id', '=', bKeyId).execute();
    assert.equal(system.length, 1, 'B\u2019s key exists: RLS, not absence, hid it');
  });

  it('refuses to insert a row for another tenant (RLS violation)', async () => {
    await assert.rejects(
      withTenant(t.db, { orgId: a.orgId, userId: a.userId }, (tx) =>
        sql`insert into api_keys (org_id, name, prefix, key_hash) values (${b.orgId}, 'planted', 'tnt_x', ${`hash-${Date.now()}`})`.execute(tx),
      ),
      rlsViolation,
    );
    await assert.rejects(
      withTenant(t.db, { orgId: a.orgId }, (tx) => sql`insert into memberships (org_id, user_id, role) values (${b.orgId}, ${a.userId}, 'owner')`.execute(tx)),
      rlsViolation,
    );
    const planted = await t.db.selectFrom('api_keys').select('id').where('name', '=', 'planted').execute();
    assert.equal(planted.length, 0);
  });

  it('cannot update, delete or move rows across tenants', async () => {
    const scope = { orgId: a.orgId, userId: a.userId };
    const updated = await withTenant(t.db, scope, (tx) => sql`update api_keys set name = 'hijacked' where id = ${bKeyId}`.execute(tx));
    assert.equal(Number(updated.numAffectedRows), 0);
    const deleted = await withTenant(t.db, scope, (tx) => sql`delete from api_keys where id = ${bKeyId}`.execute(tx));
    assert.equal(Number(deleted.numAffectedRows), 0);
    await assert.rejects(withTenant(t.db, scope, (tx) => sql`update api_keys set org_id = ${b.orgId} where org_id = ${a.orgId}`.execute(tx)), rlsViolation);
    const row = await t.db.selectFrom('api_keys').select(['name', 'revoked_at']).where('id', '=', bKeyId).executeTakeFirstOrThrow();
    assert.deepEqual(row, { name: 'b-key', revoked_at: null });
  });

  it('orgs and users: a tenant sees itself and its members, and cannot change its plan, limits or status', async () => {
    const scope = { orgId: a.orgId, userId: a.userId };
    const orgs = await withTenant(t.db, scope, async (tx) => (await sql<{ id: string }>`select id from orgs`.execute(tx)).rows);
    assert.deepEqual(orgs.map((o) => o.id), [a.orgId]);
    const users = await withTenant(t.db, scope, async (tx) => (await sql<{ id: string }>`select id from users`.execute(tx)).rows);
    assert.deepEqual(users.map((u) => u.id), [a.userId]);
    await assert.rejects(withTenant(t.db, scope, (tx) => sql`update orgs set plan = 'enterprise'`.execute(tx)), permissionDenied);
    await assert.rejects(withTenant(t.db, scope, (tx) => sql`update orgs set status = 'active', storage_limit_bytes = 0`.execute(tx)), permissionDenied);
    await assert.rejects(withTenant(t.db, scope, (tx) => sql`select password_hash from users`.execute(tx)), permissionDenied);
    await assert.rejects(withTenant(t.db, scope, (tx) => sql`update users set is_superadmin = true`.execute(tx)), permissionDenied);
    const renamed = await withTenant(t.db, scope, (tx) => sql`update users set display_name = 'pwned' where id = ${b.userId}`.execute(tx));
    assert.equal(Number(renamed.numAffectedRows), 0, 'a user may only edit themself');
  });

  it('system-only tables are closed to the application role', async () => {
    for (const table of ['user_tokens', 'login_attempts', 'email_outbox', 'tenantry_migrations']) {
      await assert.rejects(withTenant(t.db, { orgId: a.orgId }, (tx) => sql`select * from ${sql.table(table)}`.execute(tx)), permissionDenied, table);
    }
  });

  it('fails closed when no tenant is set: the application role sees nothing', async () => {
    const n = await t.db.connection().execute(async (conn) => {
      await sql.raw(`begin; set local role ${APP_ROLE}`).execute(conn);
      try {
        const { rows } = await sql<{ n: number }>`select (select count(*) from api_keys)::int + (select count(*) from memberships)::int + (select count(*) from orgs)::int as n`.execute(conn);
        return rows[0].n;
      } finally {
        await sql.raw('rollback').execute(conn);
      }
    });
    assert.equal(n, 0);
  });

  it('tenant settings are transaction-local: nothing leaks to the next query on the connection', async () => {
    await withTenant(t.db, { orgId: a.orgId, userId: a.userId }, (tx) => sql`select 1`.execute(tx));
    const { rows } = await sql<{ org: string | null; role: string }>`select nullif(current_setting('app.org_id', true), '') as org, current_user as role`.execute(t.db);
    assert.equal(rows[0].org, null);
    assert.notEqual(rows[0].role, APP_ROLE);
  });

  it('a failed tenant transaction rolls back and leaves the connection usable', async () => {
    await assert.rejects(withTenant(t.db, { orgId: a.orgId }, async (tx) => {
      await sql`update api_keys set name = 'rolled-back' where org_id = ${a.orgId}`.execute(tx);
      throw new Error('boom');
    }), /boom/);
    const names = await t.db.selectFrom('api_keys').select('name').where('org_id', '=', a.orgId).execute();
    assert.ok(!names.some((r) => r.name === 'rolled-back'));
    await assert.rejects(withTenant(t.db, { orgId: "x'; drop table users; --" }, async () => 1), /Invalid tenant scope/);
  });
});

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { sql } from 'kysely';
import { startTestPlatform, type TestPlatform, type TestUser } from '../../support/platform.js';
import { loadConfig } from '../../../src/platform/config/config.js';
import { withSystem, withTenant } from '../../../src/platform/db/tenant.js';
import { readAsTenant } from '../../../src/platform/db/tenant-read.js';
import { derivativesJob } from '../../../src/platform/jobs/platform-jobs.js';
import { ensureTenantLoginRole } from '../../../src/platform/db/tenant-login-role.js';
import { scramSha256Verifier } from '../../../src/platform/db/scram-verifier.js';

const databaseUrl = process.env.DATABASE_URL;

/** DATABASE_URL with another user and password: roles are per cluster, so the name carries the database's. */
function urlAs(role: string, password: string): string {
  const url = new URL(databaseUrl!);
  url.username = role;
  url.password = password;
  return url.toString();
}

async function asSuperuser<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

describe('DATABASE_APP_URL: the configuration', () => {
  it('needs PostgreSQL and a role of its own', () => {
    assert.throws(() => loadConfig({ DATABASE_APP_URL: 'postgres://tenant:pw@db/x' }), /DATABASE_APP_URL: needs DATABASE_URL/);
    assert.throws(() => loadConfig({ DATABASE_URL: 'postgres://owner:pw@db/x', DATABASE_APP_URL: 'postgres://owner:other@db/x' }), /DATABASE_APP_URL: must name its own role/);
    assert.throws(() => loadConfig({ DATABASE_URL: 'postgres://owner:pw@db/x', DATABASE_APP_URL: 'postgres://tenantry_app:pw@db/x' }), /group role/);
    assert.equal(loadConfig({ DATABASE_URL: 'postgres://owner:pw@db/x', DATABASE_APP_URL: 'postgres://tenant:pw@db/x' }).databaseAppUrl, 'postgres://tenant:pw@db/x');
  });

  it('computes the SCRAM-SHA-256 verifier of RFC 7677 (its test vector)', () => {
    // RFC 7677 section 3: user "user", password "pencil", salt W22ZaJ0SNY7soEsUEjb6gQ==.
    const verifier = scramSha256Verifier('pencil', Buffer.from('W22ZaJ0SNY7soEsUEjb6gQ==', 'base64'));
    assert.equal(verifier, 'SCRAM-SHA-256$4096:W22ZaJ0SNY7soEsUEjb6gQ==$WG5d8oPm3OtcPnkdi4Uo7BkeZkBFzpcXkuLmtbsT4qY=:wfPLwcE6nTWhTAmQ7tl2KeoiWGPlZqQxSrmfPwDl2dU=');
  });
});

describe('DATABASE_APP_URL: tenant traffic logs in as a role that cannot bypass row-level security', { skip: databaseUrl ? false : 'needs PostgreSQL (DATABASE_URL): PGlite has one built-in role and keeps SET ROLE' }, () => {
  let t: TestPlatform;
  let a: TestUser;
  let tenantRole: string;
  let owner: string;
  const password = 'tenant login password 1';
  before(async () => {
    const dbName = new URL(databaseUrl!).pathname.slice(1);
    tenantRole = `${dbName}_tenant_login`;
    owner = decodeURIComponent(new URL(databaseUrl!).username);
    // A fresh role each run, so the test sees the migrations create it.
    await asSuperuser(async (c) => {
      await c.query(`drop owned by ${c.escapeIdentifier(tenantRole)}`).catch(() => {});
      await c.query(`drop role if exists ${c.escapeIdentifier(tenantRole)}`);
    });
    t = await startTestPlatform({ env: { DATABASE_APP_URL: urlAs(tenantRole, password), WORKERS: 'off' } });
    a = await t.signup('tenant-login');
  });
  after(() => t?.close());

  it('the start creates the role: login, no superuser, no BYPASSRLS, a member of tenantry_app, its password stored as a SCRAM verifier', async () => {
    const role = await asSuperuser(async (c) => (await c.query(
      `select rolcanlogin, rolsuper, rolbypassrls, rolpassword, pg_has_role(oid, 'tenantry_app', 'member') as member from pg_authid where rolname = $1`, [tenantRole])).rows[0]);
    assert.ok(role, 'the role exists');
    assert.equal(role.rolcanlogin, true);
    assert.equal(role.rolsuper, false);
    assert.equal(role.rolbypassrls, false);
    assert.equal(role.member, true);
    assert.match(role.rolpassword, /^SCRAM-SHA-256\$4096:/);
    const salt = Buffer.from(role.rolpassword.split('$')[1].split(':')[1], 'base64');
    assert.equal(role.rolpassword, scramSha256Verifier(password, salt), 'the stored verifier is the URL\'s password');
  });

  it('tenant transactions run on the tenant login; platform flows on the owner', async () => {
    const inTenant = await withTenant(t.db, { orgId: a.orgId }, async (tx) => (await sql<{ session: string; current: string }>`select session_user as session, current_user as current`.execute(tx)).rows[0]);
    assert.deepEqual(inTenant, { session: tenantRole, current: 'tenantry_app' });
    const inSystem = await withSystem(t.db, async (tx) => (await sql<{ session: string }>`select session_user as session`.execute(tx)).rows[0]);
    assert.equal(inSystem.session, owner);
    // And the API on top works as before.
    const key = await t.request('POST', '/api/v1/api-keys', { token: a.token, body: { name: 'through the tenant login' } });
    assert.equal(key.statusCode, 201, key.body);
    const list = await t.request('GET', '/api/v1/api-keys', { token: a.token });
    assert.equal(list.statusCode, 200);
    assert.ok(list.body.includes('through the tenant login'));
  });

  it('a one-round-trip tenant read (readAsTenant) also runs on the tenant login, as tenantry_app', async () => {
    const [who] = await readAsTenant(t.db, { orgId: a.orgId }, t.db.selectNoFrom([sql<string>`session_user`.as('session'), sql<string>`current_user`.as('current')]));
    assert.deepEqual(who, { session: tenantRole, current: 'tenantry_app' });
    const audit = await t.request('GET', '/api/v1/audit', { token: a.token });
    assert.equal(audit.statusCode, 200, audit.body);
    assert.ok((audit.json() as { items: unknown[] }).items.length > 0, 'the audit list (a readAsTenant route) sees the org\'s rows');
  });

  it('a query on the tenant pool that skipped the tenant settings, or RESET ROLE, sees no rows', async () => {
    const tenantDb = t.platform.ctx.database.tenant?.db;
    assert.ok(tenantDb, 'the platform opened the tenant pool');
    const ownerCount = await t.db.selectFrom('memberships').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    assert.ok(ownerCount.n > 0, 'the owner sees memberships');
    const bare = await tenantDb.selectFrom('memberships').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    assert.equal(bare.n, 0, 'no tenant settings: no rows');
    const reset = await tenantDb.connection().execute(async (conn) => {
      await sql`reset role`.execute(conn);
      return (await sql<{ n: number }>`select count(*)::int as n from memberships`.execute(conn)).rows[0].n;
    });
    assert.equal(reset, 0, 'RESET ROLE falls back to the login role, which has no BYPASSRLS');
    await assert.rejects(
      tenantDb.connection().execute((conn) => sql.raw(`set role ${owner}`).execute(conn)),
      /permission denied to set role/,
      'the tenant login cannot become the owner',
    );
    // A system-only table (no grant to tenantry_app) is out of reach altogether.
    await assert.rejects(tenantDb.selectFrom('login_attempts').selectAll().execute(), /permission denied/);
  });

  it('a tenant transaction queues jobs for its own org, and only those', async () => {
    const other = await t.signup('tenant-login-other');
    const jobs = `"${t.platform.ctx.config.jobs.schema}".job`;
    const objectId = '00000000-0000-4000-8000-000000000001';
    const id = await withTenant(t.db, { orgId: a.orgId }, (tx) => t.platform.ctx.jobs.enqueue(derivativesJob, { orgId: a.orgId, objectId }, { tx }));
    const queued = await t.db.selectFrom(sql.raw<{ id: string; data: { orgId: string } }>(jobs).as('j')).select(['j.id', 'j.data']).where('j.id', '=', id).executeTakeFirstOrThrow();
    assert.equal(queued.data.orgId, a.orgId, 'queued in the same transaction, through the tenant login');
    // The role is restored after pg-boss's insert: the rest of the transaction is still bound by RLS.
    const after = await withTenant(t.db, { orgId: a.orgId }, async (tx) => {
      await t.platform.ctx.jobs.enqueue(derivativesJob, { orgId: a.orgId, objectId }, { tx });
      return (await sql<{ current: string; visible: number }>`select current_user as current, (select count(distinct org_id)::int from memberships) as visible`.execute(tx)).rows[0];
    });
    assert.deepEqual(after, { current: 'tenantry_app', visible: 1 });
    // Queued on its own (the one-round-trip batch), also through the tenant login, with its job_runs row.
    const alone = await t.platform.ctx.jobs.enqueue(derivativesJob, { orgId: a.orgId, objectId });
    const aloneQueued = await t.db.selectFrom(sql.raw<{ id: string; data: { orgId: string } }>(jobs).as('j')).select(['j.data']).where('j.id', '=', alone).executeTakeFirstOrThrow();
    assert.equal(aloneQueued.data.orgId, a.orgId);
    assert.ok(await t.db.selectFrom('job_runs').select('id').where('id', '=', alone).where('org_id', '=', a.orgId).executeTakeFirst(), 'its job_runs row');

    // Past the application: SQL in org A's transaction that writes the queue itself.
    const asTenant = (statement: string) => withTenant(t.db, { orgId: a.orgId }, async (tx) => {
      await sql`reset role`.execute(tx);
      return sql.raw(statement).execute(tx);
    });
    await assert.rejects(asTenant(`insert into ${jobs} (name, data) values ('storage.derivatives', '{"orgId": "${other.orgId}", "data": {}}')`), /row-level security/, "another org's job");
    await assert.rejects(asTenant(`insert into ${jobs} (name, data) values ('storage.delete-org-files', '{"orgId": null, "data": {"deletedOrgId": "${other.orgId}"}}')`), /row-level security/, 'a system job');
    await assert.rejects(asTenant(`select data from ${jobs}`), /permission denied/, "other jobs' data");
    await assert.rejects(asTenant(`update ${jobs} set priority = 1`), /permission denied/);
    await assert.rejects(asTenant(`delete from ${jobs}`), /permission denied/);
  });

  it('two processes starting at once both find the role they raced to create', async () => {
    const racing = `${tenantRole}_race`;
    await asSuperuser((c) => c.query(`drop role if exists ${c.escapeIdentifier(racing)}`));
    const pool = t.platform.ctx.database.pool;
    await Promise.all([ensureTenantLoginRole(pool, urlAs(racing, 'pw one')), ensureTenantLoginRole(pool, urlAs(racing, 'pw one'))]);
    const member = await asSuperuser(async (c) => (await c.query(`select pg_has_role($1, 'tenantry_app', 'member') as m`, [racing])).rows[0].m);
    assert.equal(member, true);
    await asSuperuser((c) => c.query(`drop role ${c.escapeIdentifier(racing)}`));
  });

  it('refuses a DATABASE_APP_URL role that bypasses row-level security, saying what to change', async () => {
    const bypassing = `${tenantRole}_bypass`;
    await asSuperuser((c) => c.query(`do $$ begin if not exists (select 1 from pg_roles where rolname = '${bypassing}') then create role ${c.escapeIdentifier(bypassing)} login bypassrls; end if; end $$`));
    await assert.rejects(ensureTenantLoginRole(t.platform.ctx.database.pool, urlAs(bypassing, 'x')), new RegExp(`"${bypassing}" of DATABASE_APP_URL is BYPASSRLS.*NOBYPASSRLS`));
  });
});

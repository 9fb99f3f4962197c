import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { startTestPlatform, type TestPlatform, type TestUser } from '../../support/platform.js';
import { CompiledQuery } from 'kysely';
import { batchAsTenant, readAsTenant, writeAsTenant } from '../../../src/platform/db/tenant-read.js';
import { APP_ROLE } from '../../../src/platform/db/tenant.js';

/**
 * readAsTenant (and writeAsTenant) send the tenant settings and the statement in one pipelined
 * batch: it must see exactly what a withTenant transaction sees, and nothing may stay on the
 * pooled connection.
 */
describe('readAsTenant, writeAsTenant and batchAsTenant: one round trip, the same isolation as withTenant', () => {
  let t: TestPlatform;
  let a: TestUser;
  let b: TestUser;
  before(async () => {
    t = await startTestPlatform();
    a = await t.signup('read-a');
    b = await t.signup('read-b');
    // Rows of both orgs in one table: the sign-ups audit themselves; one more each to be sure.
    for (const u of [a, b]) await t.request('POST', '/api/v1/api-keys', { token: u.token, body: { name: `${u.orgId}-key` } });
  });
  after(() => t.close());

  it('control: the owner reading without a scope sees both orgs', async () => {
    const { rows } = await sql<{ org_id: string }>`select distinct org_id from audit_log`.execute(t.db);
    const orgs = rows.map((r) => r.org_id);
    assert.ok(orgs.includes(a.orgId) && orgs.includes(b.orgId));
  });

  it('runs as the application role with the org set, so RLS hides the other org even without a where clause', async () => {
    const rows = await readAsTenant(t.db, { orgId: a.orgId, userId: a.userId }, t.db.selectFrom('audit_log').select(['org_id', 'action']));
    assert.ok(rows.length >= 2, 'the org sees its own audit rows');
    assert.deepEqual([...new Set(rows.map((r) => r.org_id))], [a.orgId]);
    const [who] = await readAsTenant(
      t.db,
      { orgId: b.orgId, userId: b.userId },
      t.db.selectNoFrom([sql<string>`current_user`.as('role'), sql<string>`current_setting('app.org_id')`.as('org'), sql<string>`current_setting('app.user_id')`.as('user')]),
    );
    assert.deepEqual(who, { role: APP_ROLE, org: b.orgId, user: b.userId });
  });

  it('parameters are bound and values parsed as pg parses them (dates, json)', async () => {
    const rows = await readAsTenant(
      t.db,
      { orgId: a.orgId },
      t.db.selectFrom('audit_log').select(['created_at', 'metadata']).where('action', '=', "x' or '1'='1").where('org_id', '=', a.orgId),
    );
    assert.deepEqual(rows, [], 'a quote in a value is a value');
    const [row] = await readAsTenant(t.db, { orgId: a.orgId }, t.db.selectFrom('audit_log').select(['created_at', 'metadata']).limit(1));
    assert.ok(row!.created_at instanceof Date);
    assert.equal(typeof row!.metadata, 'object');
  });

  it('leaves nothing on the connection: the next query on the pool is the owner again, after success and after an error', async () => {
    const pool = t.platform.ctx.database.tenant?.pool ?? t.platform.ctx.database.pool;
    const ownerRole = (await pool.query<{ role: string }>('select current_user as role')).rows[0]!.role;
    await readAsTenant(t.db, { orgId: a.orgId }, t.db.selectFrom('audit_log').select('id').limit(1));
    await assert.rejects(
      readAsTenant(t.db, { orgId: a.orgId }, t.db.selectFrom('audit_log').select(sql<number>`1 / 0`.as('boom'))),
      (err: { code?: string }) => err.code === '22012',
    );
    // Every connection of the pool, not only the one used last.
    const clients = await Promise.all(Array.from({ length: Math.min(pool.totalCount || 1, 4) }, () => pool.connect()));
    try {
      for (const c of clients) {
        const { rows } = await c.query<{ role: string; org: string | null }>("select current_user as role, current_setting('app.org_id', true) as org");
        assert.equal(rows[0]!.role, ownerRole, 'the role switch ended with the batch');
        assert.ok(!rows[0]!.org, 'app.org_id is empty outside a tenant read');
      }
    } finally {
      for (const c of clients) c.release();
    }
  });

  it('refuses a scope that is not a UUID before anything reaches the database', async () => {
    await assert.rejects(readAsTenant(t.db, { orgId: "x'; drop table audit_log; --" }, t.db.selectFrom('audit_log').select('id')), /Invalid tenant scope/);
  });

  it('writeAsTenant: one write commits as the tenant; RLS hides and refuses the other org, and a refused write leaves nothing', async () => {
    const run = (orgId: string) => ({ id: randomUUID(), org_id: orgId, name: 'test.write-as-tenant', max_attempts: 1 });
    const mine = run(a.orgId);
    const [inserted] = await writeAsTenant(t.db, { orgId: a.orgId }, t.db.insertInto('job_runs').values(mine).returning(['id', 'state']));
    assert.deepEqual(inserted, { id: mine.id, state: 'queued' });
    // Committed at the batch's end: the owner, on another connection, sees it.
    const stateOf = async (id: string) => (await t.db.selectFrom('job_runs').select('state').where('id', '=', id).executeTakeFirst())?.state;
    assert.equal(await stateOf(mine.id), 'queued');

    // Org b cannot see org a's row to change it: no row answered, nothing changed.
    const moved = await writeAsTenant(t.db, { orgId: b.orgId }, t.db.updateTable('job_runs').set({ state: 'cancelled' }).where('id', '=', mine.id).returning('id'));
    assert.deepEqual(moved, []);
    assert.equal(await stateOf(mine.id), 'queued');
    // Control: the same update in org a's scope changes it.
    const [own] = await writeAsTenant(t.db, { orgId: a.orgId }, t.db.updateTable('job_runs').set({ state: 'cancelled' }).where('id', '=', mine.id).returning('state'));
    assert.deepEqual(own, { state: 'cancelled' });

    // A row for another org is refused by the policy's check, and the refused batch commits nothing.
    const theirs = run(b.orgId);
    await assert.rejects(writeAsTenant(t.db, { orgId: a.orgId }, t.db.insertInto('job_runs').values(theirs)), (err: { code?: string }) => err.code === '42501');
    assert.equal(await stateOf(theirs.id), undefined);
  });

  it('batchAsTenant: the steps run in order as the tenant, a step may reset the role, and all commit or none does', async () => {
    const insertRun = (id: string, orgId: string) => CompiledQuery.raw('insert into job_runs (id, org_id, name, max_attempts) values ($1, $2, $3, $4)', [id, orgId, 'test.batch', 1]);
    const whoAmI = CompiledQuery.raw("select current_user as role, current_setting('app.org_id') as org", []) as CompiledQuery<{ role: string; org: string }>;
    const resetRole = CompiledQuery.raw("select set_config('role', 'none', true)", []);
    const stateOf = async (id: string) => (await t.db.selectFrom('job_runs').select('state').where('id', '=', id).executeTakeFirst())?.state;

    // The first step runs as the application role (RLS), the last after the reset as the connecting role, the org still set.
    const first = randomUUID();
    const [answer] = await batchAsTenant(t.db, { orgId: a.orgId }, [insertRun(first, a.orgId), resetRole], whoAmI);
    assert.notEqual(answer!.role, APP_ROLE);
    assert.equal(answer!.org, a.orgId);
    assert.equal(await stateOf(first), 'queued', 'committed at the end of the batch');
    // Control: without the reset the last step is still the application role.
    const [plain] = await batchAsTenant(t.db, { orgId: a.orgId }, [], whoAmI);
    assert.equal(plain!.role, APP_ROLE);

    // A step refused by RLS (another org's row) stops the batch: the steps before it are rolled back too.
    const before = randomUUID();
    const theirs = randomUUID();
    await assert.rejects(batchAsTenant(t.db, { orgId: a.orgId }, [insertRun(before, a.orgId), insertRun(theirs, b.orgId)], whoAmI), (err: { code?: string }) => err.code === '42501');
    assert.equal(await stateOf(before), undefined, 'the first insert was rolled back with the refused one');
    // The last statement failing rolls the steps back as well.
    const beforeFailure = randomUUID();
    await assert.rejects(batchAsTenant(t.db, { orgId: a.orgId }, [insertRun(beforeFailure, a.orgId)], CompiledQuery.raw('select 1/0', [])), /division by zero/);
    assert.equal(await stateOf(beforeFailure), undefined);

    // Nothing stays on the pooled connection: the next query is the owner's, with no org set.
    const { rows } = await sql<{ role: string; org: string | null }>`select current_user as role, current_setting('app.org_id', true) as org`.execute(t.db);
    assert.notEqual(rows[0]!.role, APP_ROLE);
    assert.ok(!rows[0]!.org, `no org left set (${rows[0]!.org})`);
    await assert.rejects(batchAsTenant(t.db, { orgId: a.orgId }, [CompiledQuery.raw('select $1', [{ an: 'object' }])], whoAmI), /text, numbers or null/);
  });
});

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { startTestPlatform, uniqueEmail, type TestPlatform, type TestUser } from '../support/platform.js';
import { assertError } from '../support/envelope.js';
import { createSuperadmin, SUPERADMIN_ORG_NAME } from '../../src/platform/admin/superadmin.js';

describe('superadmin', () => {
  let t: TestPlatform;
  let root: { token: string; userId: string; orgId: string; email: string };
  let tenant: TestUser;
  before(async () => {
    t = await startTestPlatform();
    // The code path of `tenantry admin create-superadmin`.
    const email = uniqueEmail('root');
    const created = await createSuperadmin(t.db, { email, password: 'root password 1', storageLimitBytes: 1024 });
    assert.equal(created.created, true);
    const login = await t.request('POST', '/api/v1/auth/login', { body: { email, password: 'root password 1' } });
    assert.equal(login.statusCode, 200, `a superadmin made by the CLI can log in: ${login.body}`);
    root = { token: login.json().access_token, userId: created.id, orgId: created.orgId, email };
    tenant = await t.signup('tenant');
  });
  after(() => t.close());

  const admin = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, body?: unknown) => t.request(method, `/api/v1/admin${url}`, { token: root.token, body });

  it('create-superadmin gives the superadmin an org of their own, and promotes an existing user', async () => {
    const me = (await t.request('GET', '/api/v1/auth/me', { token: root.token })).json();
    assert.equal(me.user.is_superadmin, true);
    assert.equal(me.org.name, SUPERADMIN_ORG_NAME);
    const existing = await t.signup('promoted');
    const promoted = await createSuperadmin(t.db, { email: existing.email.toUpperCase(), password: 'new root password', storageLimitBytes: 1024 });
    assert.deepEqual(promoted, { id: existing.userId, created: false, orgId: existing.orgId }, 'keeps their own org');
    const login = await t.request('POST', '/api/v1/auth/login', { body: { email: existing.email, password: 'new root password' } });
    assert.equal(login.statusCode, 200);
    assert.equal((await t.request('GET', '/api/v1/admin/stats', { token: login.json().access_token })).statusCode, 200);
    await assert.rejects(createSuperadmin(t.db, { email: 'nope', password: 'long enough', storageLimitBytes: 1 }), /--email/);
    await assert.rejects(createSuperadmin(t.db, { email: uniqueEmail(), password: 'short', storageLimitBytes: 1 }), /--password/);
  });

  it('refuses every admin route to non-superadmins with 403, and to anonymous callers with 401', async () => {
    const key = (await t.request('POST', '/api/v1/api-keys', { token: tenant.token, body: { name: 'k', role: 'admin' } })).json().key;
    const routes: ['GET' | 'POST' | 'PATCH' | 'DELETE', string, unknown?][] = [
      ['GET', '/orgs'],
      ['POST', '/orgs', { name: 'Sneaky' }],
      ['GET', `/orgs/${tenant.orgId}`],
      ['PATCH', `/orgs/${tenant.orgId}`, { plan: 'enterprise' }],
      ['POST', `/orgs/${tenant.orgId}/suspend`],
      ['POST', `/orgs/${tenant.orgId}/activate`],
      ['DELETE', `/orgs/${tenant.orgId}`],
      ['GET', '/stats'],
      ['GET', '/activity'],
      ['GET', '/usage/daily'],
    ];
    for (const [method, url, body] of routes) {
      assertError(await t.request(method, `/api/v1/admin${url}`, { token: tenant.token, body }), 403, 'SUPERADMIN_REQUIRED');
      assertError(await t.request(method, `/api/v1/admin${url}`, { token: key, body }), 403, 'SUPERADMIN_REQUIRED');
      assertError(await t.request(method, `/api/v1/admin${url}`, { body }), 401);
    }
    const org = (await admin('GET', `/orgs/${tenant.orgId}`)).json();
    assert.equal(org.plan, 'free', 'nothing changed');
    assert.equal(org.status, 'active');
  });

  it('lists orgs with their usage, with paging, status and search filters', async () => {
    const res = await admin('GET', '/orgs?limit=100');
    assert.equal(res.statusCode, 200, res.body);
    const body = res.json();
    assert.ok(body.total >= 2);
    const mine = body.items.find((o: { id: string }) => o.id === tenant.orgId);
    assert.ok(mine, 'lists every tenant');
    for (const field of ['name', 'slug', 'plan', 'status', 'storage_limit_bytes', 'storage_used_bytes', 'members', 'usage_events_30d']) assert.ok(field in mine, `has ${field}`);
    assert.equal(mine.members, 1);
    const slug = mine.slug as string;
    const searched = (await admin('GET', `/orgs?search=${encodeURIComponent(slug)}`)).json();
    assert.deepEqual(searched.items.map((o: { id: string }) => o.id), [tenant.orgId]);
    const page = (await admin('GET', '/orgs?limit=1&page=2')).json();
    assert.equal(page.items.length, 1);
    assert.equal(page.limit, 1);
    assertError(await admin('GET', '/orgs?status=deleted'), 400, 'VALIDATION_ERROR');
  });

  it('creates an org with a new owner who can log in, or with an existing user as owner', async () => {
    const ownerEmail = uniqueEmail('new-owner');
    const slug = `acme-${randomBytes(3).toString('hex')}`;
    const res = await admin('POST', '/orgs', { name: 'Acme', slug, plan: 'pro', storage_limit_bytes: 10_000, owner_email: ownerEmail, owner_password: 'owner password 1' });
    assert.equal(res.statusCode, 201, res.body);
    const org = res.json();
    assert.deepEqual([org.name, org.slug, org.plan, org.storage_limit_bytes, org.status], ['Acme', slug, 'pro', 10_000, 'active']);
    const login = await t.request('POST', '/api/v1/auth/login', { body: { email: ownerEmail, password: 'owner password 1' } });
    assert.equal(login.statusCode, 200, login.body);
    assert.deepEqual([login.json().user.org_id, login.json().user.role], [org.id, 'owner']);

    const existingOwner = await admin('POST', '/orgs', { name: 'Second', owner_email: tenant.email });
    assert.equal(existingOwner.statusCode, 201);
    const membership = await t.db.selectFrom('memberships').select('role').where('org_id', '=', existingOwner.json().id).where('user_id', '=', tenant.userId).executeTakeFirst();
    assert.equal(membership?.role, 'owner');

    assertError(await admin('POST', '/orgs', { name: 'Dup', slug }), 409, 'SLUG_TAKEN');
    assertError(await admin('POST', '/orgs', { name: 'Bad', slug: 'Not A Slug' }), 400, 'VALIDATION_ERROR');
    assertError(await admin('POST', '/orgs', { name: 'Bad', plan: 'platinum' }), 400, 'VALIDATION_ERROR');
  });

  it('changes plan and storage limit', async () => {
    const res = await admin('PATCH', `/orgs/${tenant.orgId}`, { plan: 'enterprise', storage_limit_bytes: 123_456_789 });
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual([res.json().plan, res.json().storage_limit_bytes], ['enterprise', 123_456_789]);
    const org = (await t.request('GET', '/api/v1/org', { token: tenant.token })).json();
    assert.deepEqual([org.plan, org.storage_limit_bytes], ['enterprise', 123_456_789], 'the tenant sees the new plan');
    assertError(await admin('PATCH', `/orgs/${tenant.orgId}`, {}), 400, 'VALIDATION_ERROR');
    assertError(await admin('PATCH', `/orgs/${tenant.orgId}`, { storage_limit_bytes: -1 }), 400, 'VALIDATION_ERROR');
    assertError(await admin('PATCH', '/orgs/00000000-0000-4000-8000-000000000000', { plan: 'pro' }), 404, 'NOT_FOUND');
    assertError(await admin('GET', '/orgs/00000000-0000-4000-8000-000000000000'), 404, 'NOT_FOUND');
    assertError(await admin('GET', '/orgs/not-a-uuid'), 400, 'VALIDATION_ERROR');
  });

  it('suspending an org stops its users and API keys on every request (403 ORG_SUSPENDED); activating restores them', async () => {
    const victim = await t.signup('suspended');
    const key = (await t.request('POST', '/api/v1/api-keys', { token: victim.token, body: { name: 'k' } })).json().key;
    const bystander = await t.signup('bystander');
    assert.equal((await t.request('GET', '/api/v1/auth/me', { token: victim.token })).statusCode, 200);
    assert.equal((await t.request('GET', '/api/v1/auth/me', { token: key })).statusCode, 200);

    const res = await admin('POST', `/orgs/${victim.orgId}/suspend`);
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.json().status, 'suspended');
    for (const [method, url] of [['GET', '/api/v1/auth/me'], ['GET', '/api/v1/members'], ['GET', '/api/v1/org'], ['POST', '/api/v1/auth/verify-email/request'], ['GET', '/api/v1/api-keys']] as const) {
      assertError(await t.request(method, url, { token: victim.token }), 403, 'ORG_SUSPENDED');
      assertError(await t.request(method, url, { token: key }), 403, 'ORG_SUSPENDED');
    }
    assertError(await t.request('POST', '/api/v1/auth/login', { body: { email: victim.email, password: victim.password } }), 403, 'ORG_SUSPENDED');
    assertError(await t.request('POST', '/api/v1/auth/refresh', { body: { refresh_token: victim.refreshToken } }), 403, 'ORG_SUSPENDED');
    assert.equal((await t.request('GET', '/api/v1/auth/me', { token: bystander.token })).statusCode, 200, 'other orgs are unaffected');
    const suspendedList = (await admin('GET', '/orgs?status=suspended&limit=100')).json();
    assert.ok(suspendedList.items.some((o: { id: string }) => o.id === victim.orgId));

    const back = await admin('POST', `/orgs/${victim.orgId}/activate`);
    assert.equal(back.json().status, 'active');
    assert.equal((await t.request('GET', '/api/v1/auth/me', { token: victim.token })).statusCode, 200);
    assert.equal((await t.request('GET', '/api/v1/auth/me', { token: key })).statusCode, 200);
    assert.equal((await t.request('POST', '/api/v1/auth/refresh', { body: { refresh_token: victim.refreshToken } })).statusCode, 200);
    assertError(await admin('POST', '/orgs/00000000-0000-4000-8000-000000000000/suspend'), 404, 'NOT_FOUND');
  });

  it('deletes an org with everything in it; the record of it stays in the audit log', async () => {
    const doomed = await t.signup('doomed');
    const key = (await t.request('POST', '/api/v1/api-keys', { token: doomed.token, body: { name: 'k' } })).json().key;
    assert.equal((await admin('DELETE', `/orgs/${doomed.orgId}`)).statusCode, 204);
    assertError(await admin('GET', `/orgs/${doomed.orgId}`), 404, 'NOT_FOUND');
    assertError(await admin('DELETE', `/orgs/${doomed.orgId}`), 404, 'NOT_FOUND');
    assertError(await t.request('GET', '/api/v1/auth/me', { token: doomed.token }), 401, 'NOT_A_MEMBER');
    assertError(await t.request('GET', '/api/v1/auth/me', { token: key }), 401, 'INVALID_API_KEY');
    assertError(await t.request('POST', '/api/v1/auth/refresh', { body: { refresh_token: doomed.refreshToken } }), 401, 'INVALID_REFRESH_TOKEN');
    const rows = await t.db.selectFrom('audit_log').select(['action', 'actor_type']).where('org_id', '=', doomed.orgId).where('action', '=', 'admin.org_deleted').execute();
    assert.deepEqual(rows, [{ action: 'admin.org_deleted', actor_type: 'superadmin' }]);
  });

  it('reports platform stats', async () => {
    const res = await admin('GET', '/stats');
    assert.equal(res.statusCode, 200);
    const stats = res.json();
    for (const field of ['orgs', 'suspended_orgs', 'users', 'storage_used_bytes', 'storage_limit_bytes', 'active_api_keys']) {
      assert.equal(typeof stats[field], 'number', `${field} is a number`);
    }
    assert.ok(stats.orgs >= 3 && stats.users >= 3);
    const before = stats.orgs;
    await admin('POST', '/orgs', { name: 'Counted' });
    // At least: other test files may share this PostgreSQL database and create orgs concurrently.
    assert.ok((await admin('GET', '/stats')).json().orgs >= before + 1);
  });

  it('records every superadmin change in the affected org\u2019s audit log as actor_type superadmin', async () => {
    const subject = await t.signup('audited');
    await admin('PATCH', `/orgs/${subject.orgId}`, { plan: 'pro' });
    await admin('POST', `/orgs/${subject.orgId}/suspend`);
    await admin('POST', `/orgs/${subject.orgId}/activate`);
    const created = (await admin('POST', '/orgs', { name: 'Audited new' })).json();
    const rows = await t.db
      .selectFrom('audit_log')
      .select(['org_id', 'action', 'actor_type', 'actor_user_id', 'request_id'])
      .where('org_id', 'in', [subject.orgId, created.id])
      .where('action', 'like', 'admin.%')
      .orderBy('created_at')
      .execute();
    assert.deepEqual(rows.map((r) => [r.org_id, r.action]), [
      [subject.orgId, 'admin.org_updated'],
      [subject.orgId, 'admin.org_suspended'],
      [subject.orgId, 'admin.org_activated'],
      [created.id, 'admin.org_created'],
    ]);
    for (const r of rows) {
      assert.equal(r.actor_type, 'superadmin');
      assert.equal(r.actor_user_id, root.userId);
      assert.ok(r.request_id, 'ties the change to its request');
    }
    // The tenant's admins see what the platform did to their org.
    const visible = (await t.request('GET', '/api/v1/audit?action=admin.*', { token: subject.token })).json();
    assert.equal(visible.items.length, 3);
  });

  it('feeds every org\u2019s activity newest first with the org\u2019s name, in cursor pages, filtered by org and action', async () => {
    const subject = await t.signup('activity');
    await admin('POST', `/orgs/${subject.orgId}/suspend`);
    await admin('POST', `/orgs/${subject.orgId}/activate`);
    const feed = async (query: string) => {
      const res = await admin('GET', `/activity?${query}`);
      assert.equal(res.statusCode, 200, res.body);
      return res.json() as { items: Array<{ id: string; org_id: string; org_name: string | null; action: string; actor_type: string; created_at: string }>; next_cursor: string | null };
    };
    const own = await feed(`org_id=${subject.orgId}&limit=100`);
    assert.deepEqual(own.items.map((i) => i.action), ['admin.org_activated', 'admin.org_suspended', 'auth.signup'], 'newest first');
    const orgName = (await admin('GET', `/orgs/${subject.orgId}`)).json().name;
    assert.ok(own.items.every((i) => i.org_id === subject.orgId && i.org_name === orgName));
    assert.equal(own.items[0].actor_type, 'superadmin');
    // Across orgs: the tenant's signup and the subject's changes both appear.
    const all = await feed('limit=100&action=auth.*');
    assert.ok(all.items.some((i) => i.org_id === tenant.orgId) && all.items.some((i) => i.org_id === subject.orgId));
    assert.ok(all.items.every((i) => i.action.startsWith('auth.')));
    // Paging: one at a time, no repeats, same entries.
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await feed(`org_id=${subject.orgId}&limit=1${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...page.items.map((i) => i.id));
      cursor = page.next_cursor;
    } while (cursor);
    assert.deepEqual(seen, own.items.map((i) => i.id));
    assertError(await admin('GET', '/activity?cursor=nonsense'), 400, 'INVALID_CURSOR');
    assertError(await admin('GET', '/activity?org_id=not-a-uuid'), 400, 'VALIDATION_ERROR');
    // A deleted org's entries stay, without a name.
    const doomed = (await admin('POST', '/orgs', { name: 'Doomed' })).json();
    assert.equal((await admin('DELETE', `/orgs/${doomed.id}`)).statusCode, 204);
    const gone = await feed(`org_id=${doomed.id}`);
    assert.deepEqual(gone.items.map((i) => [i.action, i.org_name]), [['admin.org_deleted', null], ['admin.org_created', null]]);
  });

  it('gives the platform\u2019s (or one org\u2019s) metered actions per day with its storage', async () => {
    const subject = await t.signup('series');
    const day = new Date(Date.now() - 3 * 86_400_000).toISOString().slice(0, 10);
    await t.db.insertInto('usage_events').values([
      { org_id: subject.orgId, action: 'visant.capture', bytes: 1000, created_at: new Date(`${day}T08:00:00Z`) },
      { org_id: subject.orgId, action: 'visant.capture', bytes: 500, created_at: new Date(`${day}T20:00:00Z`) },
      { org_id: tenant.orgId, action: 'visant.capture', bytes: 7, created_at: new Date(`${day}T10:00:00Z`) },
    ]).execute();
    await t.db.updateTable('orgs').set({ storage_used_bytes: 1500, storage_limit_bytes: 10_000 }).where('id', '=', subject.orgId).execute();
    const one = await admin('GET', `/usage/daily?org_id=${subject.orgId}`);
    assert.equal(one.statusCode, 200, one.body);
    assert.deepEqual(one.json().days, [{ day, action: 'visant.capture', events: 2, bytes: 1500 }]);
    assert.deepEqual(one.json().storage, { storage_used_bytes: 1500, storage_limit_bytes: 10_000 });
    const all = (await admin('GET', '/usage/daily')).json() as { days: Array<{ day: string; action: string; events: number; bytes: number }>; storage: { storage_used_bytes: number } };
    const captures = all.days.find((d) => d.day === day && d.action === 'visant.capture');
    // At least: other test files may share this PostgreSQL database.
    assert.ok(captures && captures.events >= 3 && captures.bytes >= 1507, 'sums every org');
    assert.ok(all.storage.storage_used_bytes >= 1500);
    assertError(await admin('GET', `/usage/daily?org_id=${randomUUID()}`), 404, 'NOT_FOUND');
    const now = Date.now();
    assertError(await admin('GET', `/usage/daily?from=${new Date(now - 400 * 86_400_000).toISOString()}&to=${new Date(now).toISOString()}`), 400, 'INVALID_RANGE');
  });
});

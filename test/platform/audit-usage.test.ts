import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { startTestPlatform, uniqueEmail, type TestPlatform, type TestUser } from '../support/platform.js';
import { tokenFromEmail } from '../support/outbox.js';
import { assertError } from '../support/envelope.js';
import { withSystem, withTenant } from '../../src/platform/db/tenant.js';
import { recordAudit } from '../../src/platform/audit/audit.service.js';
import { recordUsage } from '../../src/platform/usage/usage.service.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface AuditItem {
  id: string;
  action: string;
  actor_type: string;
  actor_user_id: string | null;
  target_type: string | null;
  created_at: string;
}

// One platform for the file: starting one is the slow part of a test.
let t: TestPlatform;
before(async () => {
  t = await startTestPlatform();
});
after(() => t.close());

describe('audit log', () => {
  let owner: TestUser;
  let member: { userId: string; token: string };
  let mark: string;
  before(async () => {
    owner = await t.signup('audit');
    const memberEmail = uniqueEmail('audited-member');
    await t.request('POST', '/api/v1/invites', { token: owner.token, body: { email: memberEmail, role: 'member' } });
    const accepted = (await t.request('POST', '/api/v1/invites/accept', { body: { token: await tokenFromEmail(t.db, memberEmail, 'inv_'), password: 'member password' } })).json();
    member = { userId: accepted.user.id, token: accepted.access_token };
    for (const name of ['one', 'two', 'three']) await t.request('POST', '/api/v1/api-keys', { token: owner.token, body: { name } });
    await sleep(50);
    mark = new Date().toISOString();
    await sleep(50);
    for (const name of ['four', 'five']) await t.request('POST', '/api/v1/api-keys', { token: owner.token, body: { name } });
    await t.request('POST', '/api/v1/org/leave', { token: member.token });
    // Several entries written by one transaction share created_at: pagination must still see each once.
    await withSystem(t.db, async (tx) => {
      for (let i = 0; i < 7; i++) await recordAudit(tx, 'system', { orgId: owner.orgId, action: 'test.bulk', targetType: 'thing', targetId: String(i) });
    });
  });

  const audit = async (query = '', token = owner.token) => {
    const res = await t.request('GET', `/api/v1/audit${query ? `?${query}` : ''}`, { token });
    assert.equal(res.statusCode, 200, res.body);
    return res.json() as { items: AuditItem[]; next_cursor: string | null };
  };

  it('lists the org\u2019s entries newest first with who, what and where', async () => {
    const { items, next_cursor } = await audit('limit=100');
    assert.equal(next_cursor, null);
    const actions = items.map((i) => i.action);
    for (const a of ['auth.signup', 'invite.created', 'invite.accepted', 'api_key.created', 'member.left', 'test.bulk']) assert.ok(actions.includes(a), `has ${a}`);
    const times = items.map((i) => Date.parse(i.created_at));
    assert.deepEqual(times, [...times].sort((a, b) => b - a), 'newest first');
    const signup = items.find((i) => i.action === 'auth.signup') as AuditItem & { ip: string; request_id: string };
    assert.equal(signup.actor_user_id, owner.userId);
    assert.equal(signup.actor_type, 'user');
    assert.ok(signup.ip, 'records the address');
    assert.ok(signup.request_id, 'records the request id');
    assert.equal((signup as unknown as { org_id?: string }).org_id, undefined, 'org_id is implied, not repeated');
  });

  it('pages with a cursor across the whole log with no duplicates and no gaps', async () => {
    const all = (await audit('limit=100')).items.map((i) => i.id);
    assert.ok(all.length >= 14);
    for (const limit of [1, 2, 3, 5]) {
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const page = await audit(`limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
        assert.ok(page.items.length <= limit);
        seen.push(...page.items.map((i) => i.id));
        cursor = page.next_cursor;
        assert.ok(++pages <= all.length + 1, 'pagination terminates');
      } while (cursor);
      assert.deepEqual(seen, all, `pages of ${limit} walk the same list in the same order`);
    }
    const bulk: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await audit(`action=test.bulk&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      bulk.push(...page.items.map((i) => i.id));
      cursor = page.next_cursor;
    } while (cursor);
    assert.equal(new Set(bulk).size, 7, 'entries of one transaction (same created_at) are each seen once');
  });

  it('filters by action (exact or prefix.*), actor, target type and time range', async () => {
    const created = (await audit('action=api_key.created')).items;
    assert.equal(created.length, 5);
    assert.ok(created.every((i) => i.action === 'api_key.created'));
    const prefixed = (await audit('action=invite.*')).items.map((i) => i.action).sort();
    assert.deepEqual(prefixed, ['invite.accepted', 'invite.created']);
    const byMember = (await audit(`actor_user_id=${member.userId}`)).items.map((i) => i.action).sort();
    assert.deepEqual(byMember, ['invite.accepted', 'member.left']);
    const things = (await audit('target_type=thing&limit=100')).items;
    assert.equal(things.length, 7);
    const later = (await audit(`action=api_key.created&from=${encodeURIComponent(mark)}`)).items;
    assert.equal(later.length, 2, '"from" is inclusive of everything after it');
    const earlier = (await audit(`action=api_key.created&to=${encodeURIComponent(mark)}`)).items;
    assert.equal(earlier.length, 3, '"to" excludes everything after it');
    assert.equal((await audit(`actor_user_id=${owner.userId}&target_type=org`)).items.length, 0);
  });

  it('refuses bad filters and cursors with 400', async () => {
    assertError(await t.request('GET', '/api/v1/audit?cursor=bm90LWEtY3Vyc29y', { token: owner.token }), 400, 'INVALID_CURSOR');
    assertError(await t.request('GET', '/api/v1/audit?actor_user_id=bob', { token: owner.token }), 400, 'VALIDATION_ERROR');
    assertError(await t.request('GET', '/api/v1/audit?limit=0', { token: owner.token }), 400, 'VALIDATION_ERROR');
  });

  it('is for admins: a member gets 403; another org sees none of these entries', async () => {
    const host = await t.signup('audit-host');
    const plainEmail = uniqueEmail('plain');
    await t.request('POST', '/api/v1/invites', { token: host.token, body: { email: plainEmail, role: 'member' } });
    const plain = (await t.request('POST', '/api/v1/invites/accept', { body: { token: await tokenFromEmail(t.db, plainEmail, 'inv_'), password: 'member password' } })).json();
    assertError(await t.request('GET', '/api/v1/audit', { token: plain.access_token }), 403, 'INSUFFICIENT_ROLE');
    const theirs = (await audit('limit=100', host.token)).items;
    const ours = new Set((await audit('limit=100')).items.map((i) => i.id));
    assert.ok(theirs.length > 0);
    assert.ok(theirs.every((i) => !ours.has(i.id)));
  });

  it('is append-only: the application role can neither UPDATE nor DELETE entries', async () => {
    const scope = { orgId: owner.orgId, userId: owner.userId };
    await assert.rejects(withTenant(t.db, scope, (tx) => sql`update audit_log set action = 'tampered' where org_id = ${owner.orgId}`.execute(tx)), (err: { code?: string; message: string }) => {
      assert.equal(err.code, '42501', err.message);
      assert.match(err.message, /permission denied/);
      return true;
    });
    await assert.rejects(withTenant(t.db, scope, (tx) => sql`delete from audit_log where org_id = ${owner.orgId}`.execute(tx)), /permission denied/);
    await assert.rejects(withTenant(t.db, scope, (tx) => sql`truncate audit_log`.execute(tx)), /permission denied/);
    const tampered = await t.db.selectFrom('audit_log').select('id').where('action', '=', 'tampered').execute();
    assert.equal(tampered.length, 0);
    // It may append, inside its own org.
    await withTenant(t.db, scope, (tx) => recordAudit(tx, 'system', { orgId: owner.orgId, action: 'test.appended' }));
    assert.equal((await audit('action=test.appended')).items.length, 1);
  });
});

describe('usage', () => {
  let a: TestUser;
  let b: TestUser;
  before(async () => {
    a = await t.signup('usage-a');
    b = await t.signup('usage-b');
    await withTenant(t.db, { orgId: a.orgId, userId: a.userId }, async (tx) => {
      for (let i = 0; i < 3; i++) await recordUsage(tx, { orgId: a.orgId, userId: a.userId, action: 'render', bytes: 100 });
      await recordUsage(tx, { orgId: a.orgId, action: 'upload', bytes: 5_000_000_000, metadata: { file: 'big.mov' } });
      await recordUsage(tx, { orgId: a.orgId, action: 'ai.call' });
    });
    await withTenant(t.db, { orgId: b.orgId }, (tx) => recordUsage(tx, { orgId: b.orgId, action: 'render', bytes: 7 }));
    // An old event, outside the default 30-day window.
    await t.db.insertInto('usage_events').values({ org_id: a.orgId, action: 'render', bytes: 1, created_at: new Date(Date.now() - 40 * 86_400_000) }).execute();
  });

  it('aggregates the org\u2019s metered actions over the last 30 days by default', async () => {
    const res = await t.request('GET', '/api/v1/usage', { token: a.token });
    assert.equal(res.statusCode, 200, res.body);
    const body = res.json();
    assert.deepEqual(body.actions, [
      { action: 'ai.call', events: 1, bytes: 0 },
      { action: 'render', events: 3, bytes: 300 },
      { action: 'upload', events: 1, bytes: 5_000_000_000 },
    ]);
    assert.equal(typeof body.storage.storage_limit_bytes, 'number');
    assert.ok(Math.abs(Date.parse(body.to) - Date.parse(body.from) - 30 * 86_400_000) < 1000);
    const other = (await t.request('GET', '/api/v1/usage', { token: b.token })).json();
    assert.deepEqual(other.actions, [{ action: 'render', events: 1, bytes: 7 }], 'each org sees only its own usage');
  });

  it('takes an explicit range', async () => {
    const from = new Date(Date.now() - 60 * 86_400_000).toISOString();
    const wide = (await t.request('GET', `/api/v1/usage?from=${encodeURIComponent(from)}`, { token: a.token })).json();
    assert.deepEqual(wide.actions.find((x: { action: string }) => x.action === 'render'), { action: 'render', events: 4, bytes: 301 });
    const to = new Date(Date.now() - 35 * 86_400_000).toISOString();
    const old = (await t.request('GET', `/api/v1/usage?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`, { token: a.token })).json();
    assert.deepEqual(old.actions, [{ action: 'render', events: 1, bytes: 1 }]);
    assertError(await t.request('GET', `/api/v1/usage?from=${encodeURIComponent(to)}&to=${encodeURIComponent(from)}`, { token: a.token }), 400, 'INVALID_RANGE');
    assertError(await t.request('GET', '/api/v1/usage?from=last-week', { token: a.token }), 400, 'VALIDATION_ERROR');
  });

  it('gives a daily series per action, in UTC days, of the org alone', async () => {
    // Two events on a known day of last week, so the day boundaries are tested, not just "today".
    const day = new Date(Date.now() - 7 * 86_400_000).toISOString().slice(0, 10);
    const c = await t.signup('usage-c');
    await t.db.insertInto('usage_events').values([
      { org_id: a.orgId, action: 'render', bytes: 10, created_at: new Date(`${day}T00:00:00.000Z`) },
      { org_id: a.orgId, action: 'render', bytes: 20, created_at: new Date(`${day}T23:59:59.000Z`) },
      { org_id: c.orgId, action: 'render', bytes: 99, created_at: new Date(`${day}T12:00:00.000Z`) },
    ]).execute();
    const res = await t.request('GET', '/api/v1/usage/daily', { token: a.token });
    assert.equal(res.statusCode, 200, res.body);
    const body = res.json() as { from: string; to: string; days: Array<{ day: string; action: string; events: number; bytes: number }> };
    assert.deepEqual(body.days.filter((d) => d.day === day), [{ day, action: 'render', events: 2, bytes: 30 }], 'both ends of the UTC day, not the other org\u2019s event');
    const today = new Date().toISOString().slice(0, 10);
    const todays = body.days.filter((d) => d.day === today || d.day === new Date(Date.now() - 86_400_000).toISOString().slice(0, 10));
    assert.equal(todays.reduce((n, d) => n + (d.action === 'render' ? d.events : 0), 0), 3, 'today\u2019s three renders');
    assert.ok(!body.days.some((d) => Date.parse(d.day) < Date.now() - 31 * 86_400_000), 'the 40-day-old event is outside the default window');
    assert.deepEqual(body.days.map((d) => d.day), [...body.days.map((d) => d.day)].sort(), 'oldest day first');
    const other = (await t.request('GET', '/api/v1/usage/daily', { token: c.token })).json() as typeof body;
    assert.deepEqual(other.days, [{ day, action: 'render', events: 1, bytes: 99 }], 'c sees only its own usage');
  });

  it('refuses a daily series over a reversed or too long period', async () => {
    const now = Date.now();
    const iso = (ms: number) => encodeURIComponent(new Date(ms).toISOString());
    assertError(await t.request('GET', `/api/v1/usage/daily?from=${iso(now)}&to=${iso(now - 86_400_000)}`, { token: a.token }), 400, 'INVALID_RANGE');
    const long = await t.request('GET', `/api/v1/usage/daily?from=${iso(now - 400 * 86_400_000)}&to=${iso(now)}`, { token: a.token });
    assertError(long, 400, 'INVALID_RANGE');
    assert.match(long.json().error, /366 days/);
    assert.equal((await t.request('GET', `/api/v1/usage/daily?from=${iso(now - 366 * 86_400_000)}&to=${iso(now)}`, { token: a.token })).statusCode, 200, 'a whole year is fine');
  });

  it('is for admins', async () => {
    const viewerEmail = uniqueEmail('usage-viewer');
    await t.request('POST', '/api/v1/invites', { token: a.token, body: { email: viewerEmail, role: 'viewer' } });
    const viewer = (await t.request('POST', '/api/v1/invites/accept', { body: { token: await tokenFromEmail(t.db, viewerEmail, 'inv_'), password: 'viewer password' } })).json();
    assertError(await t.request('GET', '/api/v1/usage', { token: viewer.access_token }), 403, 'INSUFFICIENT_ROLE');
    assertError(await t.request('GET', '/api/v1/usage/daily', { token: viewer.access_token }), 403, 'INSUFFICIENT_ROLE');
    assertError(await t.request('GET', '/api/v1/usage/daily'), 401);
  });

  it('recordUsage inside a tenant transaction cannot write another org\u2019s usage', async () => {
    await assert.rejects(
      withTenant(t.db, { orgId: a.orgId }, (tx) => recordUsage(tx, { orgId: b.orgId, action: 'render', bytes: 1_000_000 })),
      /row-level security/,
    );
    const other = (await t.request('GET', '/api/v1/usage', { token: b.token })).json();
    assert.deepEqual(other.actions, [{ action: 'render', events: 1, bytes: 7 }]);
  });
});

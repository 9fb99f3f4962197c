import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestPlatform, type TestPlatform, type TestUser } from '../../support/platform.js';

/** Management of share links under /api/v1/share-links: create, list, get, update, revoke, isolation. */
describe('share links API', () => {
  let t: TestPlatform;
  let alice: TestUser;
  let bob: TestUser;
  before(async () => {
    t = await startTestPlatform();
    alice = await t.signup('alice');
    bob = await t.signup('bob');
  });
  after(() => t.close());

  const create = (u: TestUser, body: Record<string, unknown> = {}) =>
    t.request('POST', '/api/v1/share-links', { token: u.token, body: { app: 'demo', resource_type: 'gallery', resource_id: 'g-1', ...body } });

  it('creates a link: token shown once, stored only as a hash, 7-day default expiry', async () => {
    const res = await create(alice, { filters: { from: '2025-01-01' }, title: 'Lobby camera' });
    assert.equal(res.statusCode, 201, res.body);
    const link = res.json();
    assert.match(link.token, /^[A-Za-z0-9_-]{43}$/);
    assert.equal(link.token_prefix, link.token.slice(0, 8));
    assert.equal(link.url, `http://localhost:80/s/${link.token}`);
    assert.equal(link.qr_url, `${link.url}/qr`);
    assert.equal(link.status, 'active');
    assert.equal(link.has_password, false);
    assert.deepEqual(link.filters, { from: '2025-01-01' });
    const days = (new Date(link.expires_at).getTime() - Date.now()) / 86_400_000;
    assert.ok(days > 6.99 && days <= 7, `expires in ${days} days`);

    const row = await t.db.selectFrom('share_links').selectAll().where('id', '=', link.id).executeTakeFirstOrThrow();
    assert.notEqual(row.token_hash, link.token);
    assert.ok(!JSON.stringify(row).includes(link.token), 'the token itself is stored nowhere');
    assert.equal(row.created_by, alice.userId);

    const got = await t.request('GET', `/api/v1/share-links/${link.id}`, { token: alice.token });
    assert.equal(got.statusCode, 200);
    assert.equal(got.json().token, undefined, 'the token is never shown again');
    assert.equal(got.json().token_hash, undefined);
    assert.equal(got.json().password_hash, undefined);
  });

  it('uses PUBLIC_URL for share URLs when set', async () => {
    const other = await startTestPlatform({ env: { PUBLIC_URL: 'https://share.example.test/' } });
    try {
      const u = await other.signup('pub');
      const res = await other.request('POST', '/api/v1/share-links', { token: u.token, body: { app: 'demo', resource_type: 'gallery', resource_id: 'x' } });
      assert.equal(res.statusCode, 201, res.body);
      assert.match(res.json().url, /^https:\/\/share\.example\.test\/s\/[A-Za-z0-9_-]{43}$/);
    } finally {
      await other.close();
    }
  });

  it('validates input with clear 4xx errors', async () => {
    const cases: [Record<string, unknown>, number, RegExp][] = [
      [{ app: 'Bad App' }, 400, /app/],
      [{ resource_id: '' }, 400, /resource_id/],
      [{ max_views: 0 }, 400, /max_views/],
      [{ password: 'abc' }, 400, /password/],
      [{ expires_in_days: 366 }, 422, /between 1 and 365/],
      [{ expires_in_days: 2, expires_at: new Date(Date.now() + 86_400_000).toISOString() }, 422, /either/],
      [{ expires_at: new Date(Date.now() - 1000).toISOString() }, 422, /future/],
      [{ surprise: true }, 400, /surprise|Unrecognized/i],
      [{ filters: 'not an object' }, 400, /filters/],
    ];
    for (const [body, status, message] of cases) {
      const res = await create(alice, body);
      assert.equal(res.statusCode, status, `${JSON.stringify(body)} → ${res.body}`);
      assert.equal(res.json().success, false);
      assert.match(res.json().error, message);
    }
  });

  it('requires a login, and the member role to create', async () => {
    assert.equal((await t.request('GET', '/api/v1/share-links')).statusCode, 401);
    const key = await t.request('POST', '/api/v1/api-keys', { token: alice.token, body: { name: 'read only', role: 'viewer' } });
    assert.equal(key.statusCode, 201, key.body);
    const viewer = key.json().key as string;
    const denied = await t.request('POST', '/api/v1/share-links', { token: viewer, body: { app: 'demo', resource_type: 'gallery', resource_id: 'g' } });
    assert.equal(denied.statusCode, 403);
    assert.equal(denied.json().code, 'INSUFFICIENT_ROLE');
    assert.equal((await t.request('GET', '/api/v1/share-links', { token: viewer })).statusCode, 200);
  });

  it('lists the org\'s links newest first, filtered by resource and status', async () => {
    const u = await t.signup('lister');
    const a = (await create(u, { resource_id: 'cam-1' })).json();
    const b = (await create(u, { resource_id: 'cam-2', max_views: 1 })).json();
    const c = (await create(u, { resource_id: 'cam-1' })).json();
    await t.request('DELETE', `/api/v1/share-links/${c.id}`, { token: u.token });
    await t.request('GET', `/api/s/${b.token}`); // uses its only view

    const all = (await t.request('GET', '/api/v1/share-links', { token: u.token })).json();
    assert.equal(all.total, 3);
    assert.deepEqual(all.items.map((l: { id: string }) => l.id), [c.id, b.id, a.id]);
    const statuses = Object.fromEntries(all.items.map((l: { id: string; status: string }) => [l.id, l.status]));
    assert.deepEqual(statuses, { [a.id]: 'active', [b.id]: 'exhausted', [c.id]: 'revoked' });

    const cam1 = (await t.request('GET', '/api/v1/share-links?resource_id=cam-1&status=active', { token: u.token })).json();
    assert.deepEqual(cam1.items.map((l: { id: string }) => l.id), [a.id]);
    const exhausted = (await t.request('GET', '/api/v1/share-links?status=exhausted', { token: u.token })).json();
    assert.deepEqual(exhausted.items.map((l: { id: string }) => l.id), [b.id]);
    const paged = (await t.request('GET', '/api/v1/share-links?limit=2&page=2', { token: u.token })).json();
    assert.deepEqual([paged.total, paged.pages, paged.items.length], [3, 2, 1]);
    assert.equal((await t.request('GET', '/api/v1/share-links?status=bogus', { token: u.token })).statusCode, 400);
  });

  it('updates expiry, view limit, title and password, by id or by token (PUT and PATCH)', async () => {
    const link = (await create(alice, { max_views: 5 })).json();
    const put = await t.request('PUT', `/api/v1/share-links/${link.token}`, { token: alice.token, body: { expires_in_days: 30, max_views: 10, title: 'Renamed' } });
    assert.equal(put.statusCode, 200, put.body);
    const days = (new Date(put.json().expires_at).getTime() - Date.now()) / 86_400_000;
    assert.ok(days > 29.9 && days <= 30);
    assert.equal(put.json().max_views, 10);
    assert.equal(put.json().title, 'Renamed');

    const pw = await t.request('PATCH', `/api/v1/share-links/${link.id}`, { token: alice.token, body: { password: 'open sesame', max_views: null } });
    assert.equal(pw.statusCode, 200, pw.body);
    assert.equal(pw.json().has_password, true);
    assert.equal(pw.json().max_views, null);
    assert.equal((await t.request('GET', `/api/s/${link.token}`)).statusCode, 401);
    assert.equal((await t.request('GET', `/api/s/${link.token}`, { headers: { 'x-share-password': 'open sesame' } })).statusCode, 200);

    const unset = await t.request('PATCH', `/api/v1/share-links/${link.id}`, { token: alice.token, body: { password: null } });
    assert.equal(unset.json().has_password, false);
    assert.equal((await t.request('GET', `/api/s/${link.token}`)).statusCode, 200);

    // An expired link can be brought back by giving it a new expiry.
    await t.db.updateTable('share_links').set({ expires_at: new Date(Date.now() - 1000) }).where('id', '=', link.id).execute();
    assert.equal((await t.request('GET', `/api/s/${link.token}`)).statusCode, 404);
    const revived = await t.request('PUT', `/api/v1/share-links/${link.id}`, { token: alice.token, body: { expires_in_days: 1 } });
    assert.equal(revived.json().status, 'active');
    assert.equal((await t.request('GET', `/api/s/${link.token}`)).statusCode, 200);

    const audit = await t.db.selectFrom('audit_log').select('action').where('target_id', '=', link.id).execute();
    assert.deepEqual(audit.map((a) => a.action).sort(), ['share_link.created', 'share_link.updated', 'share_link.updated', 'share_link.updated', 'share_link.updated']);
  });

  it('refuses a view limit below the views already counted', async () => {
    const link = (await create(alice, { max_views: 5 })).json();
    await t.request('GET', `/api/s/${link.token}`);
    await t.request('GET', `/api/s/${link.token}`);
    const res = await t.request('PATCH', `/api/v1/share-links/${link.id}`, { token: alice.token, body: { max_views: 1 } });
    assert.equal(res.statusCode, 422);
    assert.equal(res.json().code, 'MAX_VIEWS_BELOW_COUNT');
    assert.equal((await t.request('PATCH', `/api/v1/share-links/${link.id}`, { token: alice.token, body: { max_views: 2 } })).json().status, 'exhausted');
  });

  it('revokes by token or id; a revoked link is gone publicly and cannot be changed', async () => {
    const link = (await create(alice)).json();
    assert.equal((await t.request('GET', `/api/s/${link.token}`)).statusCode, 200);
    const del = await t.request('DELETE', `/api/v1/share-links/${link.token}`, { token: alice.token });
    assert.equal(del.statusCode, 204);
    assert.equal((await t.request('GET', `/api/s/${link.token}`)).statusCode, 404);
    assert.equal((await t.request('DELETE', `/api/v1/share-links/${link.id}`, { token: alice.token })).statusCode, 404);
    const change = await t.request('PATCH', `/api/v1/share-links/${link.id}`, { token: alice.token, body: { expires_in_days: 3 } });
    assert.equal(change.statusCode, 409);
    assert.equal(change.json().code, 'SHARE_REVOKED');
    assert.equal((await t.request('GET', `/api/v1/share-links/${link.id}`, { token: alice.token })).json().status, 'revoked');
  });

  it('answers 404 for another org\'s link, by id and by token, on every route', async () => {
    const link = (await create(alice, { resource_id: 'private' })).json();
    for (const ref of [link.id, link.token]) {
      const reqs = [
        t.request('GET', `/api/v1/share-links/${ref}`, { token: bob.token }),
        t.request('PUT', `/api/v1/share-links/${ref}`, { token: bob.token, body: { max_views: 1 } }),
        t.request('PATCH', `/api/v1/share-links/${ref}`, { token: bob.token, body: { expires_in_days: 1 } }),
        t.request('DELETE', `/api/v1/share-links/${ref}`, { token: bob.token }),
      ];
      for (const res of await Promise.all(reqs)) {
        assert.equal(res.statusCode, 404, res.body);
        assert.equal(res.json().code, 'NOT_FOUND');
      }
    }
    const list = (await t.request('GET', '/api/v1/share-links', { token: bob.token })).json();
    assert.ok(!list.items.some((l: { id: string }) => l.id === link.id));
    // Nothing changed for its owner.
    const mine = (await t.request('GET', `/api/v1/share-links/${link.id}`, { token: alice.token })).json();
    assert.equal(mine.status, 'active');
    assert.equal(mine.max_views, null);
    // Unknown references are 404 as well, whatever their shape.
    for (const ref of ['00000000-0000-0000-0000-000000000000', 'x'.repeat(43), 'not-a-ref']) {
      assert.equal((await t.request('GET', `/api/v1/share-links/${ref}`, { token: alice.token })).statusCode, 404);
    }
  });

  it('row-level security hides other orgs\' links even from a query that forgets org_id', async () => {
    const link = (await create(alice)).json();
    const { withTenant } = await import('../../../src/platform/db/tenant.js');
    const seen = await withTenant(t.db, { orgId: bob.orgId, userId: bob.userId }, (tx) => tx.selectFrom('share_links').select('id').where('id', '=', link.id).execute());
    assert.equal(seen.length, 0);
    await assert.rejects(
      withTenant(t.db, { orgId: bob.orgId, userId: bob.userId }, (tx) =>
        tx.insertInto('share_links').values({ org_id: alice.orgId, app: 'demo', resource_type: 'x', resource_id: 'y', token_prefix: 'p', token_hash: `h-${Date.now()}`, expires_at: new Date(Date.now() + 1000) }).execute(),
      ),
      /row-level security/,
    );
  });
});

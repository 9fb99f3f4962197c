import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestPlatform, type TestPlatform, type TestUser } from '../../support/platform.js';
import type { TenantryApp } from '../../../src/platform/apps.js';
import type { ResolvedShare } from '../../../src/platform/sharing/share-handler.js';
import { escapeHtml, renderPage } from '../../../src/platform/sharing/html.js';
import { withTenant } from '../../../src/platform/db/tenant.js';
import { notFound, tooManyRequests } from '../../../src/platform/errors.js';

/**
 * Apps plug their own pages into /s/:token. This fake "gallery" app reads the org name
 * through withTenant(share.orgId), as a real app reads its rows, so the test sees the
 * renderer receive the right tenant.
 */
function galleryApp(seen: ResolvedShare[]): TenantryApp {
  return {
    name: 'gallery',
    prefix: '/gallery',
    share: {
      async renderHtml(share, ctx) {
        seen.push(share);
        if (share.resourceId === 'deleted') throw notFound('Gallery');
        const org = await withTenant(ctx.database.db, { orgId: share.orgId }, (tx) => tx.selectFrom('orgs').select('name').where('id', '=', share.orgId).executeTakeFirstOrThrow());
        return renderPage({ title: 'Gallery', bodyHtml: `<h1>Gallery ${escapeHtml(share.resourceId)} of ${escapeHtml(org.name)}</h1><p>views: ${share.viewCount}</p>` });
      },
      renderJson(share) {
        return { gallery: share.resourceId, photos: [`${share.resourceId}-1.jpg`], filters: share.filters };
      },
      // Refuses visits that say x-closed: yes (as a visit limit would), before the view counts.
      admit(link, _ctx, request) {
        if (request.headers['x-closed'] === 'yes') throw tooManyRequests(7, `Gallery ${link.app} is resting`);
      },
      authorizeCreate(_principal, target) {
        if (target.resourceId.startsWith('not-mine')) throw notFound('Gallery');
      },
    },
  };
}

const noAuthorizeApp: TenantryApp = { name: 'strict', prefix: '/strict', share: { renderHtml: () => '<p>strict</p>' } };

describe('app share handlers', () => {
  let t: TestPlatform;
  let u: TestUser;
  const seen: ResolvedShare[] = [];
  before(async () => {
    t = await startTestPlatform({ apps: [galleryApp(seen), noAuthorizeApp] });
    u = await t.signup('galleryowner');
  });
  after(() => t.close());

  const create = (body: Record<string, unknown>) => t.request('POST', '/api/v1/share-links', { token: u.token, body: { resource_type: 'gallery', ...body } });

  it('dispatches /s/:token to the app\'s page and /api/s/:token to its JSON, with the link\'s tenant', async () => {
    const link = (await create({ app: 'gallery', resource_id: 'summer', filters: { tag: 'beach' } })).json();
    const page = await t.request('GET', `/s/${link.token}`);
    assert.equal(page.statusCode, 200, page.body);
    assert.match(page.body, /<h1>Gallery summer of galleryowner org<\/h1>/);
    assert.match(page.body, /views: 1/);
    const last = seen.at(-1)!;
    assert.equal(last.orgId, u.orgId);
    assert.equal(last.linkId, link.id);
    assert.equal(last.app, 'gallery');
    assert.deepEqual(last.filters, { tag: 'beach' });
    assert.equal(last.url, link.url);

    const json = await t.request('GET', `/api/s/${link.token}`);
    assert.deepEqual(json.json(), { gallery: 'summer', photos: ['summer-1.jpg'], filters: { tag: 'beach' } });
  });

  it('lets the app refuse a visit before the view is counted (admit), as a page and as JSON', async () => {
    const link = (await create({ app: 'gallery', resource_id: 'busy', max_views: 2 })).json();
    const views = async () => (await t.db.selectFrom('share_links').select('view_count').where('id', '=', link.id).executeTakeFirstOrThrow()).view_count;
    const refused = await t.request('GET', `/api/s/${link.token}`, { headers: { 'x-closed': 'yes' } });
    assert.equal(refused.statusCode, 429, refused.body);
    assert.equal(refused.headers['retry-after'], '7');
    const page = await t.request('GET', `/s/${link.token}`, { headers: { 'x-closed': 'yes' } });
    assert.equal(page.statusCode, 429);
    assert.match(page.body, /Gallery gallery is resting\. Wait 7 seconds, then try again\./);
    assert.equal(await views(), 0, 'refused visits use up no view');
    assert.equal((await t.request('GET', `/api/s/${link.token}`)).statusCode, 200);
    assert.equal((await t.request('GET', `/api/s/${link.token}`)).statusCode, 200);
    assert.equal(await views(), 2, 'both of the link\'s views went to admitted visits');
  });

  it('shows the friendly 404 when the app reports its resource gone', async () => {
    const link = (await create({ app: 'gallery', resource_id: 'deleted' })).json();
    const page = await t.request('GET', `/s/${link.token}`);
    assert.equal(page.statusCode, 404);
    assert.match(page.body, /This link is not available|not found/i);
    assert.match(String(page.headers['content-type']), /text\/html/);
  });

  it('lets the app decide who may create its links through the generic route', async () => {
    const denied = await create({ app: 'gallery', resource_id: 'not-mine-1' });
    assert.equal(denied.statusCode, 404);
    const strict = await create({ app: 'strict', resource_id: 'x' });
    assert.equal(strict.statusCode, 403);
    assert.equal(strict.json().code, 'SHARE_CREATE_VIA_APP');
    // The app itself creates links through the service, which has no such gate.
    const created = await t.platform.ctx.shares.create(
      { kind: 'user', orgId: u.orgId, userId: u.userId, role: 'owner', isSuperadmin: false },
      { app: 'strict', resourceType: 'page', resourceId: 'x' },
    );
    assert.equal((await t.request('GET', `/s/${created.token}`)).body, '<p>strict</p>');
    // Direct callers get the same rules as the HTTP API, as 422s rather than database errors.
    const owner = { kind: 'user' as const, orgId: u.orgId, userId: u.userId, role: 'owner' as const, isSuperadmin: false };
    for (const bad of [{ app: 'Strict!' }, { resourceType: '' }, { resourceId: '' }, { maxViews: 0 }, { maxViews: 1.5 }]) {
      await assert.rejects(t.platform.ctx.shares.create(owner, { app: 'strict', resourceType: 'page', resourceId: 'x', ...bad }), (err: { status: number; code: string }) => err.status === 422 && err.code === 'INVALID_SHARE');
    }
    // Links of apps that registered no handler get the generic page.
    const generic = (await create({ app: 'other', resource_id: 'y' })).json();
    assert.match((await t.request('GET', `/s/${generic.token}`)).body, /Shared gallery/);
  });
});

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestPlatform, type TestPlatform, type TestUser } from '../../support/platform.js';
import { visantApp } from '../../../src/apps/visant/index.js';
import { visantDb } from '../../../src/apps/visant/db.js';
import { GALLERY_PAGE_SIZE } from '../../../src/apps/visant/sharing/gallery.js';

const VIEWS_PER_MINUTE = 4;

/** The public gallery (issue #16, item 11): paging, the view limit, the sign-up link. */
describe('visant public gallery', () => {
  let t: TestPlatform;
  let owner: TestUser;
  let other: TestUser;
  let token: string;
  let linkId: string;

  const fromIp = (ip: string, url: string, headers: Record<string, string> = {}) => t.server.inject({ method: 'GET', url, headers, remoteAddress: ip });
  const viewCount = async () => (await t.db.selectFrom('share_links').select('view_count').where('id', '=', linkId).executeTakeFirstOrThrow()).view_count;

  before(async () => {
    t = await startTestPlatform({ apps: [visantApp], env: { VISANT_SHARE_VIEWS_PER_MINUTE: String(VIEWS_PER_MINUTE), VISANT_SIGNUP_URL: 'https://get.visant.example/start' } });
    owner = await t.signup('visant-gallery');
    other = await t.signup('visant-gallery-other');
    assert.equal((await t.request('POST', '/visant/v1/devices', { token: owner.token, body: { device_id: 'shop', friendly_name: 'Shop floor' } })).statusCode, 201);
    // 65 judged captures, a minute apart (more than a page holds), written as the job would leave them.
    const db = visantDb.db(t.platform.ctx);
    const device = await db.selectFrom('visant_devices').select('id').where('org_id', '=', owner.orgId).executeTakeFirstOrThrow();
    await db
      .insertInto('visant_captures')
      .values(Array.from({ length: GALLERY_PAGE_SIZE + 5 }, (_, i) => ({
        org_id: owner.orgId,
        device_uuid: device.id,
        record_id: `cap-${String(i).padStart(3, '0')}`,
        captured_at: new Date(Date.UTC(2026, 10, 3, 9, i)),
        evaluation_status: 'completed' as const,
        state: i % 10 === 0 ? ('abnormal' as const) : ('normal' as const),
        score: i % 10 === 0 ? 0.9 : 0.1,
        reason: 'owner-only wording: mark a capture as normal',
        agent_details: JSON.stringify({ evaluator: 'baseline-ssim', basis: 'learned_background', most_changed_region: 'top left of the frame' }),
      })))
      .execute();
    const created = await t.request('POST', '/visant/v1/devices/shop/share', { token: owner.token, body: { max_views: 50 } });
    assert.equal(created.statusCode, 201, created.body);
    token = created.json().token;
    linkId = created.json().id;
  });
  after(() => t.close());

  it('pages beyond the newest 60 captures with a cursor, through the API and the page', async () => {
    const first = await fromIp('192.0.2.10', `/api/s/${token}`);
    assert.equal(first.statusCode, 200, first.body);
    const page1 = first.json();
    assert.equal(page1.captures.length, GALLERY_PAGE_SIZE);
    assert.equal(page1.captures[0].record_id, 'cap-064', 'newest first');
    assert.equal(page1.stats.captures, GALLERY_PAGE_SIZE + 5, 'the stats cover every page');
    assert.equal(page1.get_visant_url, 'https://get.visant.example/start', 'VISANT_SIGNUP_URL, when set, is where "Get Visant" leads');
    assert.ok(page1.next_cursor);
    const page2 = (await fromIp('192.0.2.10', `/api/s/${token}?cursor=${page1.next_cursor}`)).json();
    assert.deepEqual(page2.captures.map((c: { record_id: string }) => c.record_id), ['cap-004', 'cap-003', 'cap-002', 'cap-001', 'cap-000']);
    assert.equal(page2.next_cursor, null);
    assert.equal(page2.captures.at(-1).reason, 'Something looks different from the usual view, most of all in the top left of the frame.');
    assert.equal(page2.captures[0].reason, 'Looks like the usual view of this camera.');

    const html = await fromIp('192.0.2.11', `/s/${token}`);
    assert.equal(html.statusCode, 200);
    assert.doesNotMatch(html.body, /owner-only wording/);
    assert.doesNotMatch(html.body, />Newest captures</, 'the first page needs no link to itself');
    assert.match(html.body, /<a class="button" href="https:\/\/get\.visant\.example\/start">Get Visant<\/a>/);
    const older = /<a href="([^"]+)" rel="next">Older captures<\/a>/.exec(html.body)?.[1];
    assert.ok(older, 'the first page links to older captures');
    const olderPage = await fromIp('192.0.2.11', new URL(older.replaceAll('&amp;', '&')).pathname + new URL(older.replaceAll('&amp;', '&')).search);
    assert.equal(olderPage.statusCode, 200);
    assert.match(olderPage.body, /<time datetime="2026-11-03T09:00:00.000Z">/, 'the oldest capture is on the second page');
    assert.doesNotMatch(olderPage.body, /<time datetime="2026-11-03T10:04:00.000Z">/, 'the newest is not');
    assert.match(olderPage.body, />Newest captures</);
    assert.doesNotMatch(olderPage.body, /Older captures/);

    const tampered = await fromIp('192.0.2.12', `/api/s/${token}?cursor=${page1.next_cursor.slice(0, -3)}`);
    assert.equal(tampered.statusCode, 400, tampered.body);
    assert.equal(tampered.json().code, 'INVALID_CURSOR');
    const tamperedPage = await fromIp('192.0.2.12', `/s/${token}?cursor=nonsense`);
    assert.equal(tamperedPage.statusCode, 400);
    assert.match(tamperedPage.body, /Invalid cursor/);
  });

  it('refuses a visitor over the view limit with 429, and a refused visit does not use up a view', async () => {
    const before = await viewCount();
    for (let i = 0; i < VIEWS_PER_MINUTE; i++) assert.equal((await fromIp('198.51.100.7', `/api/s/${token}`)).statusCode, 200);
    assert.equal(await viewCount(), before + VIEWS_PER_MINUTE);
    const refused = await fromIp('198.51.100.7', `/api/s/${token}`);
    assert.equal(refused.statusCode, 429, refused.body);
    assert.equal(refused.json().code, 'RATE_LIMITED');
    assert.ok(Number(refused.headers['retry-after']) >= 1);
    const refusedPage = await fromIp('198.51.100.7', `/s/${token}`, { accept: 'text/html' });
    assert.equal(refusedPage.statusCode, 429);
    assert.match(refusedPage.body, /Too many gallery views from your address\. Wait \d+ seconds, then try again\./);
    assert.equal(await viewCount(), before + VIEWS_PER_MINUTE, 'the refused visits counted no view');
    assert.equal((await fromIp('198.51.100.8', `/api/s/${token}`)).statusCode, 200, 'another visitor is not affected');
  });

  it('answers the link\'s device on PUT, and keeps other orgs out', async () => {
    const updated = await t.request('PUT', `/visant/v1/share-links/${token}`, { token: owner.token, body: { max_views: 60 } });
    assert.equal(updated.statusCode, 200, updated.body);
    assert.equal(updated.json().device_id, 'shop');
    assert.equal(updated.json().max_views, 60);
    assert.equal((await t.request('PUT', `/visant/v1/share-links/${token}`, { token: other.token, body: { max_views: 70 } })).statusCode, 404);
  });
});

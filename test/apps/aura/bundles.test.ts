import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import JSZip from 'jszip';
import { startTestPlatform, type TestPlatform, type TestUser } from '../../support/platform.js';
import { auraApp } from '../../../src/apps/aura/index.js';
import { createPhoto, type FixturePhoto } from './photo-fixtures.js';
import { tenantStorageKey } from '../../../src/platform/storage/keys.js';

const zipOf = async (raw: Buffer) => {
  const zip = await JSZip.loadAsync(raw);
  const files = Object.values(zip.files).filter((f) => !f.dir);
  return new Map(await Promise.all(files.map(async (f) => [f.name, await f.async('nodebuffer')] as const)));
};

/** Issue #11 item 6: bundles, their share links and streamed ZIPs. */
describe('aura bundles', () => {
  let t: TestPlatform;
  let admin: TestUser;
  let employee: TestUser;
  let other: TestUser;
  let photos: FixturePhoto[];
  let otherPhoto: FixturePhoto;
  let bundleId: string;

  before(async () => {
    t = await startTestPlatform({ apps: [auraApp] });
    admin = await t.signup('aura-bundles');
    employee = await t.addMember(admin, 'member', 'aura-bundles-employee');
    other = await t.signup('aura-bundles-other');
    photos = [
      await createPhoto(t.platform.ctx, admin, { folder: 'wedding', name: 'IMG_0001.jpg' }),
      await createPhoto(t.platform.ctx, admin, { folder: 'reception', name: 'IMG_0001.jpg' }),
      await createPhoto(t.platform.ctx, admin, { folder: 'wedding', name: 'IMG_0002.jpg' }),
    ];
    otherPhoto = await createPhoto(t.platform.ctx, other, { folder: 'theirs' });
  });
  after(() => t.close());

  it('lets employees create bundles and add photos, but only admins rename, remove and delete', async () => {
    const created = await t.request('POST', '/aura/api/bundles', { token: employee.token, body: { name: 'Smith wedding', photo_ids: [photos[0].id, photos[1].id] } });
    assert.equal(created.statusCode, 201, created.body);
    const bundle = created.json();
    bundleId = bundle.id;
    assert.equal(bundle.photo_count, 2);
    assert.equal(bundle.created_by, employee.userId);

    const added = await t.request('POST', `/aura/api/bundles/${bundleId}/photos`, { token: employee.token, body: { photo_ids: [photos[2].id, photos[0].id] } });
    assert.equal(added.statusCode, 200, added.body);
    assert.deepEqual(added.json().photos.map((p: { id: string }) => p.id).sort(), photos.map((p) => p.id).sort(), 'a photo added twice is there once');

    assert.equal((await t.request('PATCH', `/aura/api/bundles/${bundleId}`, { token: employee.token, body: { name: 'x' } })).statusCode, 403);
    assert.equal((await t.request('DELETE', `/aura/api/bundles/${bundleId}/photos/${photos[2].id}`, { token: employee.token })).statusCode, 403);
    assert.equal((await t.request('DELETE', `/aura/api/bundles/${bundleId}`, { token: employee.token })).statusCode, 403);

    const renamed = await t.request('PATCH', `/aura/api/bundles/${bundleId}`, { token: admin.token, body: { name: 'Smith / wedding' } });
    assert.equal(renamed.json().name, 'Smith / wedding');
    const list = await t.request('GET', '/aura/api/bundles', { token: employee.token });
    assert.equal(list.statusCode, 200, list.body);
    assert.deepEqual(list.json().items.map((b: { id: string; photo_count: number }) => [b.id, b.photo_count]), [[bundleId, 3]]);

    const scratch = (await t.request('POST', '/aura/api/bundles', { token: employee.token, body: { name: 'scratch', photo_ids: [photos[2].id] } })).json();
    const removed = await t.request('DELETE', `/aura/api/bundles/${scratch.id}/photos/${photos[2].id}`, { token: admin.token });
    assert.equal(removed.json().photo_count, 0);
    assert.equal((await t.request('DELETE', `/aura/api/bundles/${scratch.id}/photos/${photos[2].id}`, { token: admin.token })).statusCode, 404);
    assert.equal((await t.request('DELETE', `/aura/api/bundles/${scratch.id}`, { token: admin.token })).statusCode, 204);
    assert.equal((await t.request('GET', `/aura/api/bundles/${scratch.id}`, { token: admin.token })).statusCode, 404);

    const empty = await t.request('POST', '/aura/api/bundles', { token: employee.token, body: { name: '  ' } });
    assert.equal(empty.statusCode, 400);
  });

  it('answers 404 for another org\'s bundles and photos', async () => {
    for (const [method, url, body] of [
      ['GET', `/aura/api/bundles/${bundleId}`, undefined],
      ['GET', `/aura/api/bundles/${bundleId}/zip`, undefined],
      ['PATCH', `/aura/api/bundles/${bundleId}`, { name: 'mine' }],
      ['POST', `/aura/api/bundles/${bundleId}/photos`, { photo_ids: [otherPhoto.id] }],
      ['POST', `/aura/api/bundles/${bundleId}/share`, {}],
      ['DELETE', `/aura/api/bundles/${bundleId}/photos/${photos[0].id}`, undefined],
      ['DELETE', `/aura/api/bundles/${bundleId}`, undefined],
    ] as const) {
      const res = await t.request(method, url, { token: other.token, body });
      assert.equal(res.statusCode, 404, `${method} ${url}: ${res.body}`);
    }
    const foreign = await t.request('POST', `/aura/api/bundles/${bundleId}/photos`, { token: admin.token, body: { photo_ids: [otherPhoto.id] } });
    assert.equal(foreign.statusCode, 404, 'another org\'s photo cannot be added');
    assert.equal((await t.request('POST', '/aura/api/bundles', { token: other.token, body: { name: 'steal', photo_ids: [photos[0].id] } })).statusCode, 404);
    assert.equal((await t.request('GET', '/aura/api/bundles', { token: other.token })).json().total, 0);
  });

  it('streams the bundle as a ZIP of its originals, leaving out trashed photos', async () => {
    const res = await t.request('GET', `/aura/api/bundles/${bundleId}/zip`, { token: employee.token });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.headers['content-type'], 'application/zip');
    assert.match(String(res.headers['content-disposition']), /Smith _ wedding\.zip/);
    const files = await zipOf(res.rawPayload);
    assert.deepEqual([...files.keys()].sort(), ['IMG_0001 (2).jpg', 'IMG_0001.jpg', 'IMG_0002.jpg']);
    const hex = (b: Buffer | undefined) => b?.toString('hex');
    assert.deepEqual(
      [hex(files.get('IMG_0001.jpg')), hex(files.get('IMG_0001 (2).jpg'))].sort(),
      [hex(photos[0].bytes), hex(photos[1].bytes)].sort(),
      'the same name twice is kept apart, each with its own bytes',
    );
    assert.deepEqual(files.get('IMG_0002.jpg'), photos[2].bytes);

    assert.equal((await t.request('DELETE', `/aura/api/photos/${photos[2].id}`, { token: admin.token })).statusCode, 200);
    const after = await zipOf((await t.request('GET', `/aura/api/bundles/${bundleId}/zip`, { token: employee.token })).rawPayload);
    assert.deepEqual([...after.keys()].sort(), ['IMG_0001 (2).jpg', 'IMG_0001.jpg'], 'a trashed photo leaves the bundle\'s views');
    assert.equal((await t.request('GET', `/aura/api/bundles/${bundleId}`, { token: employee.token })).json().photo_count, 2);
    assert.equal((await t.request('POST', `/aura/api/trash/restore/${photos[2].id}`, { token: admin.token })).statusCode, 200);
    assert.equal((await t.request('GET', `/aura/api/bundles/${bundleId}`, { token: employee.token })).json().photo_count, 3, 'and comes back with a restore');
  });

  it('shares a bundle by link with a password, a QR code and the ZIP, until the link expires', async () => {
    const shortPw = await t.request('POST', `/aura/api/bundles/${bundleId}/share`, { token: employee.token, body: { password: 'short' } });
    assert.equal(shortPw.statusCode, 400);
    const created = await t.request('POST', `/aura/api/bundles/${bundleId}/share`, { token: employee.token, body: { password: 'guest password 1', expires_in_days: 3, max_views: 10 } });
    assert.equal(created.statusCode, 201, created.body);
    const share = created.json();
    assert.equal(share.has_password, true);
    const path = (url: string) => new URL(url).pathname + new URL(url).search;

    const locked = await t.request('GET', `/api/s/${share.token}`);
    assert.equal(locked.statusCode, 401);
    assert.equal(locked.json().code, 'SHARE_PASSWORD_REQUIRED');
    assert.equal((await t.request('GET', path(share.zip_url))).statusCode, 401, 'the ZIP needs the password too');
    assert.equal((await t.request('GET', path(share.zip_url), { headers: { 'x-share-password': 'wrong password' } })).statusCode, 401);

    const opened = await t.request('GET', `/api/s/${share.token}`, { headers: { 'x-share-password': 'guest password 1' } });
    assert.equal(opened.statusCode, 200, opened.body);
    const view = opened.json();
    assert.equal(view.app, 'aura');
    assert.deepEqual(view.bundle, { name: 'Smith / wedding', photo_count: 3 });
    assert.ok(view.photos.every((p: { thumb_url: string | null }) => p.thumb_url), 'thumbnails are linked');

    const zip = await t.request('GET', path(share.zip_url), { headers: { 'x-share-password': 'guest password 1' } });
    assert.equal(zip.statusCode, 200, zip.body);
    assert.equal((await zipOf(zip.rawPayload)).size, 3);

    // The page, unlocked by the form: its download link carries the unlock proof.
    const page = await t.server.inject({ method: 'POST', url: `/s/${share.token}`, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'password=guest+password+1' });
    assert.equal(page.statusCode, 200, page.body);
    assert.match(page.body, /Smith \/ wedding/);
    const link = /href="([^"]+\/zip\?unlock=[^"]+)" download/.exec(page.body)?.[1];
    assert.ok(link, 'the page links to the ZIP');
    assert.equal((await t.request('GET', path(link.replaceAll('&amp;', '&')))).statusCode, 200, 'the page\'s link downloads without the password');
    const qr = await t.request('GET', `/s/${share.token}/qr`);
    assert.equal(qr.statusCode, 200);
    assert.equal(qr.headers['content-type'], 'image/png');

    await t.db.updateTable('share_links').set({ expires_at: new Date(Date.now() - 1000) }).where('id', '=', share.id).execute();
    assert.equal((await t.request('GET', path(share.zip_url), { headers: { 'x-share-password': 'guest password 1' } })).statusCode, 404, 'an expired link serves nothing');
    assert.equal((await t.request('GET', `/api/s/${share.token}`, { headers: { 'x-share-password': 'guest password 1' } })).statusCode, 404);
  });

  it('stops a link at its view limit, and revokes links of a deleted bundle', async () => {
    const b = (await t.request('POST', '/aura/api/bundles', { token: employee.token, body: { name: 'Once', photo_ids: [photos[0].id] } })).json();
    const share = (await t.request('POST', `/aura/api/bundles/${b.id}/share`, { token: employee.token, body: { max_views: 1 } })).json();
    assert.equal(share.has_password, false);
    const zipPath = new URL(share.zip_url).pathname;
    assert.equal((await t.request('GET', zipPath)).statusCode, 200, 'a link without a password downloads directly');
    assert.equal((await t.request('GET', zipPath)).statusCode, 404, 'the one view is used');

    const again = (await t.request('POST', `/aura/api/bundles/${b.id}/share`, { token: employee.token, body: {} })).json();
    assert.equal((await t.request('DELETE', `/aura/api/bundles/${b.id}`, { token: admin.token })).statusCode, 204);
    assert.equal((await t.request('GET', `/api/s/${again.token}`)).statusCode, 404);
  });

  it('cuts the ZIP off when a photo\'s bytes cannot be read, rather than sending an archive without it', async () => {
    const broken = await createPhoto(t.platform.ctx, admin, { folder: 'broken' });
    await t.platform.ctx.storage.driver.delete(tenantStorageKey(admin.orgId, broken.fullPath));
    const b = (await t.request('POST', '/aura/api/bundles', { token: admin.token, body: { name: 'Broken', photo_ids: [photos[0].id, broken.id] } })).json();
    const outcome = await t.request('GET', `/aura/api/bundles/${b.id}/zip`, { token: admin.token }).then(
      async (res) => JSZip.loadAsync(res.rawPayload).then(() => 'complete archive', () => 'unreadable archive'),
      () => 'connection cut',
    );
    assert.notEqual(outcome, 'complete archive');
  });
});

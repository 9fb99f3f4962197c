import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { startTestPlatform, type TestPlatform, type TestUser } from '../../support/platform.js';
import { assertError } from '../../support/envelope.js';
import { auraApp } from '../../../src/apps/aura/index.js';
import { jpegPart, photoJpeg, slugOf, uploadPhotos } from './aura-fixtures.js';

const HEIC = Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypheic'), Buffer.alloc(4), Buffer.from('mif1heic'), Buffer.alloc(200)]);

describe('aura photos', () => {
  let t: TestPlatform;
  let owner: TestUser;
  let employee: TestUser;
  let viewer: TestUser;
  let slug: string;
  let eventId: string;
  const year = new Date().getUTCFullYear();

  before(async () => {
    t = await startTestPlatform({ apps: [auraApp], env: { AURA_MAX_PHOTO_MB: '1' } });
    owner = await t.signup('aura-photos-owner');
    employee = await t.addMember(owner, 'member', 'aura-photos-employee');
    viewer = await t.addMember(owner, 'viewer', 'aura-photos-viewer');
    slug = await slugOf(t, owner);
    eventId = (await t.request('POST', '/aura/api/events', { token: owner.token, body: { name: 'Wedding Jan 15' } })).json().id;
  });
  after(() => t.close());

  const org = () => t.db.selectFrom('orgs').select(['storage_used_bytes', 'storage_reserved_bytes', 'storage_limit_bytes']).where('id', '=', owner.orgId).executeTakeFirstOrThrow();
  const objects = () => t.db.selectFrom('storage_objects').select(['key', 'size_bytes', 'status', 'content_type']).where('org_id', '=', owner.orgId).execute();

  it('stores many photos at once at the seed\'s paths, with 2000 px and 400 px WebP variants', async () => {
    const big = await photoJpeg({ width: 2600, height: 1300, color: '#aa3344' });
    const png = await sharp({ create: { width: 30, height: 20, channels: 3, background: '#00ff00' } }).png().toBuffer();
    const res = await uploadPhotos(t, employee.token, { event_id: eventId, source_type: 'event_temp' }, [jpegPart('IMG_0001.JPG', big), jpegPart('C:\\Users\\me\\green.png', png, 'image/png')]);
    assert.equal(res.statusCode, 200, res.body);
    const body = res.json();
    assert.deepEqual([body.stored, body.duplicates, body.failed], [2, 0, 0], res.body);
    const [first, second] = body.files;
    assert.equal(first.status, 'stored');
    const prefix = `photos/${slug}/${year}/wedding-jan-15/`;
    assert.equal(first.photo.full_path, `${prefix}originals/IMG_0001.jpg`);
    assert.equal(first.photo.full_key, `${prefix}optimized/full/IMG_0001.webp`);
    assert.equal(first.photo.thumb_key, `${prefix}optimized/thumbs/IMG_0001.webp`);
    assert.equal(first.photo.event_id, eventId);
    assert.equal(first.photo.source_type, 'event_temp');
    assert.equal(first.photo.original_name, 'IMG_0001.JPG');
    assert.deepEqual([first.photo.width, first.photo.height], [2600, 1300]);
    assert.equal(first.photo.size_bytes, big.length);
    assert.equal(second.photo.path, 'green.png', 'only the last segment of a client path is kept');
    assert.equal(second.photo.content_type, 'image/png');

    const full = await t.request('GET', `/aura/api/photos/${first.photo.id}/full`, { token: viewer.token });
    assert.equal(full.statusCode, 200);
    assert.equal(full.headers['content-type'], 'image/webp');
    const fullMeta = await sharp(full.rawPayload).metadata();
    assert.deepEqual([fullMeta.format, fullMeta.width, fullMeta.height], ['webp', 2000, 1000]);
    const thumbMeta = await sharp((await t.request('GET', `/aura/api/photos/${first.photo.id}/thumb`, { token: viewer.token })).rawPayload).metadata();
    assert.deepEqual([thumbMeta.width, thumbMeta.height], [400, 200]);
    const original = await t.request('GET', `/aura/api/photos/${first.photo.id}/original`, { token: viewer.token });
    assert.ok(original.rawPayload.equals(big), 'the original is stored byte for byte');
    const smallFull = await sharp((await t.request('GET', `/aura/api/photos/${second.photo.id}/full`, { token: viewer.token })).rawPayload).metadata();
    assert.deepEqual([smallFull.width, smallFull.height], [30, 20], 'small photos are not enlarged');

    const stored = await objects();
    const sum = stored.filter((o) => o.status === 'active').reduce((s, o) => s + Number(o.size_bytes), 0);
    assert.equal(Number((await org()).storage_used_bytes), sum, 'the quota counts the originals and the variants');
    const usage = await t.db.selectFrom('usage_events').select(['action', 'bytes']).where('org_id', '=', owner.orgId).where('action', '=', 'aura.photo.upload').execute();
    assert.equal(usage.length, 2);
    const audit = await t.db.selectFrom('audit_log').select('target_id').where('org_id', '=', owner.orgId).where('action', '=', 'aura.photo.upload').execute();
    assert.deepEqual(audit.map((a) => a.target_id).sort(), [first.photo.id, second.photo.id].sort());
  });

  it('the same bytes twice are one photo; another file with a taken name gets a suffix', async () => {
    const a = await photoJpeg({ color: '#101010' });
    const b = await photoJpeg({ color: '#202020' });
    const first = (await uploadPhotos(t, employee.token, {}, [jpegPart('IMG_1.jpg', a)])).json().files[0];
    assert.equal(first.photo.full_path, `photos/${slug}/${year}/unsorted/originals/IMG_1.jpg`);
    assert.equal(first.photo.event_id, null);
    assert.equal(first.photo.source_type, 'cloud');
    const again = (await uploadPhotos(t, owner.token, {}, [jpegPart('renamed.jpg', a), jpegPart('IMG_1.jpg', b), jpegPart('IMG_1.jpg', b)])).json();
    assert.equal(again.files[0].status, 'duplicate');
    assert.equal(again.files[0].photo.id, first.photo.id);
    assert.equal(again.files[1].status, 'stored');
    assert.equal(again.files[1].photo.path, 'IMG_1-1.jpg');
    assert.equal(again.files[1].photo.thumb_key, `photos/${slug}/${year}/unsorted/optimized/thumbs/IMG_1-1.webp`);
    assert.equal(again.files[2].status, 'duplicate', 'a duplicate within one batch too');
    // A PNG named like a stored JPEG would share its WebP variant's name: it gets a suffix too.
    const png = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#123456' } }).png().toBuffer();
    const clash = (await uploadPhotos(t, owner.token, {}, [jpegPart('IMG_1.png', png, 'image/png')])).json().files[0];
    assert.equal(clash.photo.path, 'IMG_1-2.png');
  });

  it('refuses non-images, HEIC and oversized files per file, keeping the good ones', async () => {
    const good = await photoJpeg({ color: '#303030' });
    const junk = Buffer.alloc(1_200_000, 7);
    const res = await uploadPhotos(t, employee.token, {}, [
      jpegPart('notes.jpg', Buffer.from('just some text, not a photo')),
      jpegPart('iphone.heic', HEIC, 'image/heic'),
      jpegPart('huge.jpg', junk),
      jpegPart('fine.jpg', good),
    ]);
    assert.equal(res.statusCode, 200, res.body);
    const files = res.json().files;
    assert.deepEqual(files.map((f: { status: string }) => f.status), ['failed', 'failed', 'failed', 'stored']);
    assert.deepEqual(files.slice(0, 3).map((f: { error: { status: number; code: string } }) => [f.error.status, f.error.code]), [[415, 'NOT_AN_IMAGE'], [415, 'HEIC_NOT_SUPPORTED'], [413, 'FILE_TOO_LARGE']]);
    assert.match(files[1].error.message, /export them as JPEG/);
  });

  it('applies EXIF orientation and takes photo_date (and the year in the path) from EXIF', async () => {
    const turned = await photoJpeg({ width: 80, height: 40, orientation: 6, takenAt: '2024:05:06 07:08:09', color: '#405060' });
    const photo = (await uploadPhotos(t, employee.token, { event_id: eventId }, [jpegPart('turned.jpg', turned)])).json().files[0].photo;
    assert.deepEqual([photo.width, photo.height], [40, 80], 'the upright size');
    assert.equal(photo.photo_date, '2024-05-06T07:08:09.000Z');
    assert.equal(photo.full_path, `photos/${slug}/2024/wedding-jan-15/originals/turned.jpg`);
    const thumb = await sharp((await t.request('GET', `/aura/api/photos/${photo.id}/thumb`, { token: owner.token })).rawPayload).metadata();
    assert.deepEqual([thumb.width, thumb.height], [40, 80], 'the variant is turned upright');
    assert.equal(thumb.orientation, undefined, 'and carries no orientation tag to apply twice');
  });

  it('keeps the EXIF read at upload when an admin replaces the metadata, and refuses to set it', async () => {
    const dated = await photoJpeg({ width: 60, height: 40, takenAt: '2023:01:02 03:04:05', color: '#506070' });
    const photo = (await uploadPhotos(t, employee.token, { event_id: eventId }, [jpegPart('dated.jpg', dated)])).json().files[0].photo;
    const exif = photo.metadata.exif;
    assert.ok(exif && typeof exif === 'object', `EXIF stored at upload: ${JSON.stringify(photo.metadata)}`);
    const patched = await t.request('PATCH', `/aura/api/photos/${photo.id}`, { token: owner.token, body: { metadata: { album: 'ceremony' } } });
    assert.equal(patched.statusCode, 200, patched.body);
    assert.deepEqual(patched.json().metadata, { album: 'ceremony', exif });
    const refused = assertError(await t.request('PATCH', `/aura/api/photos/${photo.id}`, { token: owner.token, body: { metadata: { exif: 'none' } } }), 400, 'VALIDATION_ERROR');
    assert.match(JSON.stringify(refused), /read from the photo's file/);
    assert.deepEqual((await t.request('GET', `/aura/api/photos/${photo.id}`, { token: owner.token })).json().metadata, { album: 'ceremony', exif });
  });

  it('a batch over the quota: the photos that fit stay, the rest get 413 each', async () => {
    const before = await org();
    const [probe, ...photos] = await Promise.all(['#909090', '#a1a1a1', '#b2b2b2', '#c3c3c3'].map((color) => photoJpeg({ color, width: 300, height: 200 })));
    // What one such photo takes with its variants, measured; then room for one and a half more.
    await uploadPhotos(t, employee.token, {}, [jpegPart('probe.jpg', probe!)]);
    const probed = await org();
    const onePhoto = Number(probed.storage_used_bytes) - Number(before.storage_used_bytes);
    await t.db.updateTable('orgs').set({ storage_limit_bytes: Number(probed.storage_used_bytes) + Math.floor(onePhoto * 1.5) }).where('id', '=', owner.orgId).execute();
    const res = await uploadPhotos(t, employee.token, {}, photos.map((p, i) => jpegPart(`quota-${i}.jpg`, p)));
    const files = res.json().files;
    assert.equal(files[0].status, 'stored', res.body);
    assert.deepEqual(files.slice(1).map((f: { status: string; error: { status: number; code: string } }) => [f.status, f.error.status, f.error.code]), [['failed', 413, 'QUOTA_EXCEEDED'], ['failed', 413, 'QUOTA_EXCEEDED']]);
    const after = await org();
    assert.equal(Number(after.storage_reserved_bytes), 0, 'no reservation left behind');
    const active = (await objects()).filter((o) => o.status === 'active');
    assert.equal(Number(after.storage_used_bytes), active.reduce((s, o) => s + Number(o.size_bytes), 0), 'used bytes match the stored files exactly');
    assert.equal(active.some((o) => o.key.includes('quota-1')), false, 'nothing of a refused photo is kept');
    assert.equal((await objects()).some((o) => o.status !== 'active'), false, 'no pending objects');
    await t.db.updateTable('orgs').set({ storage_limit_bytes: before.storage_limit_bytes }).where('id', '=', owner.orgId).execute();
  });

  it('lists with filters and pages, reads one, and lets only admins change one', async () => {
    const all = (await t.request('GET', '/aura/api/photos?limit=100', { token: viewer.token })).json();
    assert.ok(all.total >= 6);
    const inEvent = (await t.request('GET', `/aura/api/photos?event_id=${eventId}`, { token: viewer.token })).json();
    assert.ok(inEvent.items.length >= 3 && inEvent.items.every((p: { event_id: string }) => p.event_id === eventId));
    const temp = (await t.request('GET', '/aura/api/photos?source_type=event_temp', { token: viewer.token })).json();
    assert.ok(temp.items.length >= 2 && temp.items.every((p: { source_type: string }) => p.source_type === 'event_temp'));
    const page2 = (await t.request('GET', '/aura/api/photos?limit=2&page=2', { token: viewer.token })).json();
    assert.equal(page2.items[0].id, all.items[2].id, 'a stable order across pages');
    assertError(await t.request('GET', '/aura/api/photos?source_type=dropbox', { token: viewer.token }), 400, 'VALIDATION_ERROR');

    const id = all.items[0].id;
    assert.equal((await t.request('GET', `/aura/api/photos/${id}`, { token: viewer.token })).json().id, id);
    assertError(await t.request('PATCH', `/aura/api/photos/${id}`, { token: employee.token, body: { metadata: { album: 'x' } } }), 403, 'INSUFFICIENT_ROLE');
    const patched = await t.request('PATCH', `/aura/api/photos/${id}`, { token: owner.token, body: { metadata: { album: 'best of' }, source_type: 'cloud', event_id: null } });
    assert.equal(patched.statusCode, 200, patched.body);
    const { exif: _fromFile, ...given } = patched.json().metadata;
    assert.deepEqual(given, { album: 'best of' }, 'the metadata replaced (EXIF read from the file aside)');
    assert.equal(patched.json().event_id, null);
    assertError(await t.request('PATCH', `/aura/api/photos/${id}`, { token: owner.token, body: { event_id: '00000000-0000-4000-8000-000000000000' } }), 404, 'NOT_FOUND');
    assertError(await t.request('GET', '/aura/api/photos/00000000-0000-4000-8000-000000000000/thumb', { token: owner.token }), 404, 'NOT_FOUND');
    assertError(await t.request('GET', `/aura/api/photos/${id}/raw`, { token: owner.token }), 404, 'ROUTE_NOT_FOUND');
  });

  it('refuses viewers, bad fields, unknown events and a form without files', async () => {
    const jpeg = await photoJpeg({ color: '#999999' });
    assertError(await uploadPhotos(t, viewer.token, {}, [jpegPart('a.jpg', jpeg)]), 403, 'INSUFFICIENT_ROLE');
    assertError(await uploadPhotos(t, employee.token, { source_type: 'dropbox' }, [jpegPart('a.jpg', jpeg)]), 400, 'VALIDATION_ERROR');
    assertError(await uploadPhotos(t, employee.token, { event_id: '00000000-0000-4000-8000-000000000000' }, [jpegPart('a.jpg', jpeg)]), 404, 'NOT_FOUND');
    assertError(await uploadPhotos(t, employee.token, { source_type: 'cloud' }, []), 400, 'NO_FILES');
    assertError(await t.request('POST', '/aura/api/photos', { token: employee.token, body: { source_type: 'cloud' } }), 400, 'MULTIPART_REQUIRED');
  });

  it('a suspended studio is refused', async () => {
    await t.db.updateTable('orgs').set({ status: 'suspended' }).where('id', '=', owner.orgId).execute();
    try {
      // Membership and org status are cached for two seconds at most: wait for the refusal.
      let res = await t.request('GET', '/aura/api/photos', { token: employee.token });
      while (res.statusCode === 200) {
        await new Promise((r) => setTimeout(r, 100));
        res = await t.request('GET', '/aura/api/photos', { token: employee.token });
      }
      assertError(res, 403, 'ORG_SUSPENDED');
      assertError(await uploadPhotos(t, employee.token, {}, [jpegPart('s.jpg', await photoJpeg({ color: '#777777' }))]), 403, 'ORG_SUSPENDED');
    } finally {
      await t.db.updateTable('orgs').set({ status: 'active' }).where('id', '=', owner.orgId).execute();
    }
  });
});

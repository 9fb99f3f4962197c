import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import sharp from 'sharp';
import { startTestPlatform, type TestPlatform, type TestUser } from '../../support/platform.js';
import { makeDerivatives } from '../../../src/platform/storage/derivatives.js';
import { storeObject } from '../../../src/platform/storage/uploads.js';
import { orgStorage } from './helpers.js';

describe('image derivatives', () => {
  let t: TestPlatform;
  let u: TestUser;
  before(async () => {
    t = await startTestPlatform();
    u = await t.signup('derivatives');
  });
  after(() => t.close());

  async function download(id: string): Promise<Buffer> {
    const res = await t.request('GET', `/api/v1/files/${id}/content`, { token: u.token });
    assert.equal(res.statusCode, 200);
    return res.rawPayload;
  }

  it('makes WebP full and thumb versions, applying EXIF orientation and stripping metadata', async () => {
    // 3000x1000 stored pixels, tagged "rotate 90° clockwise to display" (orientation 6): shown as 1000x3000.
    const jpeg = await sharp({ create: { width: 3000, height: 1000, channels: 3, background: '#aa5500' } })
      .jpeg()
      .withMetadata({ orientation: 6, exif: { IFD0: { Copyright: 'secret camera owner' } } })
      .toBuffer();
    const meta = await sharp(jpeg).metadata();
    assert.equal(meta.orientation, 6);
    assert.ok(meta.exif, 'the source carries EXIF');
    const original = await t.request('POST', '/api/v1/files?kind=image&key=shoots/portrait.jpg', { token: u.token, raw: jpeg, headers: { 'content-type': 'image/jpeg' } });
    assert.equal(original.statusCode, 201, original.body);

    const made = await makeDerivatives(t.platform.ctx, { orgId: u.orgId, objectId: original.json().id });
    assert.equal(made.full.key, 'shoots/portrait.jpg~full.webp');
    assert.equal(made.thumb.key, 'shoots/portrait.jpg~thumb.webp');
    for (const [variant, longest] of [['full', 2000], ['thumb', 400]] as const) {
      const o = made[variant];
      assert.equal(o.contentType, 'image/webp');
      assert.equal(o.derivedFrom, original.json().id);
      assert.equal(o.variant, variant);
      const out = await sharp(await download(o.id)).metadata();
      assert.equal(out.format, 'webp');
      // Rotated: portrait now, the long side vertical.
      assert.equal(out.height, longest);
      assert.equal(out.width, Math.round(longest / 3));
      assert.equal(out.exif, undefined, 'no EXIF in the derivative');
      assert.ok(!out.orientation || out.orientation === 1, 'no orientation left to apply');
    }

    const state = await orgStorage(t, u.orgId);
    assert.equal(state.used, jpeg.length + made.full.sizeBytes + made.thumb.sizeBytes, 'derivatives count against the quota');

    // Idempotent: a retried job returns the same objects without new uploads.
    const again = await makeDerivatives(t.platform.ctx, { orgId: u.orgId, objectId: original.json().id });
    assert.equal(again.full.id, made.full.id);
    assert.equal((await orgStorage(t, u.orgId)).rows.length, 3);

    // Derivatives follow the original to the trash, back, and away for good.
    await t.request('DELETE', `/api/v1/files/${original.json().id}`, { token: u.token });
    assert.equal((await t.request('GET', `/api/v1/files/${made.thumb.id}`, { token: u.token })).json().trashed_at !== null, true);
    await t.request('POST', `/api/v1/files/${original.json().id}/restore`, { token: u.token });
    assert.equal((await t.request('GET', `/api/v1/files/${made.thumb.id}`, { token: u.token })).json().trashed_at, null);
    assert.equal((await t.request('DELETE', `/api/v1/files/${original.json().id}/permanent`, { token: u.token })).statusCode, 204);
    const after = await orgStorage(t, u.orgId);
    assert.deepEqual({ used: after.used, rows: after.rows.length, stored: after.stored }, { used: 0, rows: 0, stored: [] });
  });

  it('deletes an original while a derivative of it is still being written: both go, the late upload removes its own bytes', async () => {
    const v = await t.signup('derivative-race');
    const jpeg = await sharp({ create: { width: 640, height: 480, channels: 3, background: '#884422' } }).jpeg().toBuffer();
    const original = (await t.request('POST', '/api/v1/files?kind=image&key=race/photo.jpg', { token: v.token, raw: jpeg, headers: { 'content-type': 'image/jpeg' } })).json();
    // A derivatives job mid-upload: its pending row (referencing the original) exists, its bytes have not all come.
    const body = new PassThrough();
    const webp = await sharp(jpeg).resize(400).webp().toBuffer();
    body.write(webp);
    const late = storeObject(t.platform.ctx, { orgId: v.orgId }, { stream: body, kind: 'image', key: 'race/photo.jpg~thumb.webp', derivedFrom: { id: original.id, variant: 'thumb' } });
    const settled = late.then(() => 'stored', (err: Error) => err.message);
    for (let i = 0; !(await orgStorage(t, v.orgId)).rows.some((r) => r.status === 'pending'); i++) {
      assert.ok(i < 400, 'the derivative\'s pending row appears');
      await new Promise((r) => setTimeout(r, 25));
    }

    assert.equal((await t.request('DELETE', `/api/v1/files/${original.id}/permanent`, { token: v.token })).statusCode, 204);
    body.end();
    assert.match(await settled, /lost its pending catalog row/);
    const state = await orgStorage(t, v.orgId);
    assert.deepEqual({ used: state.used, reserved: state.reserved, rows: state.rows, stored: state.stored }, { used: 0, reserved: 0, rows: [], stored: [] });
  });

  it('does not enlarge small images, and refuses non-images, damaged images and other tenants', async () => {
    const small = await sharp({ create: { width: 120, height: 80, channels: 3, background: '#00ff00' } }).png().toBuffer();
    const img = (await t.request('POST', '/api/v1/files?kind=image', { token: u.token, raw: small, headers: { 'content-type': 'image/png' } })).json();
    const made = await makeDerivatives(t.platform.ctx, { orgId: u.orgId, objectId: img.id });
    const thumb = await sharp(await download(made.thumb.id)).metadata();
    assert.deepEqual([thumb.width, thumb.height], [120, 80]);

    const text = (await t.request('POST', '/api/v1/files', { token: u.token, raw: Buffer.from('hello'), headers: { 'content-type': 'text/plain' } })).json();
    await assert.rejects(makeDerivatives(t.platform.ctx, { orgId: u.orgId, objectId: text.id }), (err: { code?: string }) => err.code === 'NOT_AN_IMAGE');
    const jpeg = await sharp({ create: { width: 300, height: 200, channels: 3, background: '#336699' } }).jpeg().toBuffer();
    const cut = (await t.request('POST', '/api/v1/files?kind=image', { token: u.token, raw: jpeg.subarray(0, jpeg.length >> 1), headers: { 'content-type': 'image/jpeg' } })).json();
    await assert.rejects(makeDerivatives(t.platform.ctx, { orgId: u.orgId, objectId: cut.id }), (err: { code?: string; message?: string }) => {
      assert.equal(err.code, 'IMAGE_UNREADABLE');
      assert.equal(err.message, 'The image is damaged or not a complete JPEG: upload the original file again', 'no image-library internals');
      return true;
    });
    const other = await t.signup('other-derivatives');
    await assert.rejects(makeDerivatives(t.platform.ctx, { orgId: other.orgId, objectId: img.id }), (err: { status?: number }) => err.status === 404);
  });
});

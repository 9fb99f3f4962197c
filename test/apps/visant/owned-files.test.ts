import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestPlatform, type TestPlatform, type TestUser } from '../../support/platform.js';
import { assertError } from '../../support/envelope.js';
import { visantApp } from '../../../src/apps/visant/index.js';
import { sceneJpeg } from '../../support/images.js';

/** Capture images are evidence: read-only in the generic files API, attached once. */
describe('visant capture images', () => {
  let t: TestPlatform;
  let owner: TestUser;
  let deviceKey: string;
  before(async () => {
    t = await startTestPlatform({ apps: [visantApp] });
    owner = await t.signup('visant-evidence');
    deviceKey = (await t.request('POST', '/visant/v1/devices', { token: owner.token, body: { device_id: 'dock' } })).json().api_key;
  });
  after(() => t.close());

  const imageObjects = async () =>
    (await t.request('GET', '/api/v1/files?prefix=devices/dock/', { token: owner.token })).json().items as Array<{ id: string; key: string; sha256: string }>;

  it("does not let a member trash a capture's image through /api/v1/files; Visant's own delete still works", async () => {
    const img = await sceneJpeg();
    assert.equal((await t.request('POST', '/visant/v1/captures', { token: deviceKey, body: { device_id: 'dock', record_id: 'ev-1', image_base64: img.toString('base64') } })).statusCode, 201);
    const member = (await t.addMember(owner, 'member', 'visant-member')).token;
    const objects = await imageObjects();
    assert.equal(objects.length, 2, 'image and thumbnail');
    for (const o of objects) {
      assertError(await t.request('DELETE', `/api/v1/files/${o.id}`, { token: member }), 403, 'APP_OWNED_FILE');
      assertError(await t.request('DELETE', `/api/v1/files/${o.id}/permanent`, { token: owner.token }), 403, 'APP_OWNED_FILE');
    }
    assert.equal((await t.request('GET', '/visant/v1/captures/ev-1', { token: owner.token })).json().image_stored, true);
    assert.equal((await t.request('DELETE', '/visant/v1/captures/ev-1', { token: owner.token })).statusCode, 204);
    assert.deepEqual(await imageObjects(), []);
  });

  it('attaches an image once: a second attach (device key or editor) is refused and the first image stays', async () => {
    assert.equal((await t.request('POST', '/visant/v1/captures', { token: deviceKey, body: { device_id: 'dock', record_id: 'ev-2', image_to_follow: true } })).statusCode, 201);
    const first = await sceneJpeg();
    const attach = (token: string, img: Buffer) => t.request('POST', '/visant/v1/captures/ev-2/image', { token, raw: img, headers: { 'content-type': 'image/jpeg' } });
    assert.equal((await attach(deviceKey, first)).statusCode, 200);
    const before = await imageObjects();
    assert.equal(before.length, 2);
    const other = await sceneJpeg({ intruder: { x: 10, y: 10, w: 80, h: 80 } });
    for (const token of [deviceKey, owner.token]) assertError(await attach(token, other), 409, 'IMAGE_ALREADY_ATTACHED');
    assert.deepEqual(await imageObjects(), before, 'the stored image and thumbnail are untouched');
    const got = await t.request('GET', '/visant/v1/captures/ev-2', { token: owner.token });
    assert.equal(got.json().image_stored, true);
  });
});

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestPlatform, type TestPlatform, type TestUser } from '../../support/platform.js';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { visantApp } from '../../../src/apps/visant/index.js';
import { importDatalake } from '../../../src/apps/visant/import/import-datalake.js';
import { sceneJpeg } from '../../support/images.js';

describe('visant devices', () => {
  let t: TestPlatform;
  let owner: TestUser;
  let other: TestUser;
  before(async () => {
    t = await startTestPlatform({ apps: [visantApp] });
    owner = await t.signup('cam-owner');
    other = await t.signup('cam-other');
  });
  after(() => t.close());

  it('registers a device and shows its key, config file and QR code once', async () => {
    const res = await t.request('POST', '/visant/v1/devices', { token: owner.token, body: { device_id: 'camera-01', friendly_name: 'Front door' } });
    assert.equal(res.statusCode, 201, res.body);
    const body = res.json();
    assert.match(body.api_key, /^tnt_/);
    assert.equal(body.device.device_id, 'camera-01');
    assert.equal(body.device.online, false);
    const file = JSON.parse(body.config_file.content);
    assert.equal(file.api_key, body.api_key);
    assert.equal(file.device_id, 'camera-01');
    assert.match(body.qr_code, /^data:image\/png;base64,/);
    const again = await t.request('GET', '/visant/v1/devices/camera-01', { token: owner.token });
    assert.equal(again.statusCode, 200);
    assert.equal(again.json().api_key, undefined, 'the key is never shown again');
  });

  it('rejects a duplicate device id in the same org but allows it in another org', async () => {
    const dup = await t.request('POST', '/visant/v1/devices', { token: owner.token, body: { device_id: 'camera-01' } });
    assert.equal(dup.statusCode, 409);
    assert.equal(dup.json().code, 'DEVICE_EXISTS');
    const elsewhere = await t.request('POST', '/visant/v1/devices', { token: other.token, body: { device_id: 'camera-01' } });
    assert.equal(elsewhere.statusCode, 201);
  });

  it('keeps per-device configuration and validates it', async () => {
    const put = await t.request('PUT', '/visant/v1/devices/camera-01/config', {
      token: owner.token,
      body: { normal_description: 'An empty hallway', trigger: { enabled: true, interval_seconds: 30 }, notifications: { email_recipients: ['ops@example.test'], cooldown_minutes: 15 } },
    });
    assert.equal(put.statusCode, 200, put.body);
    const got = (await t.request('GET', '/visant/v1/devices/camera-01/config', { token: owner.token })).json();
    assert.equal(got.normal_description, 'An empty hallway');
    assert.equal(got.trigger.interval_seconds, 30);
    const bad = await t.request('PUT', '/visant/v1/devices/camera-01/config', { token: owner.token, body: { trigger: { enabled: true, interval_seconds: 1 } } });
    assert.equal(bad.statusCode, 400);
    const otherOrgConfig = (await t.request('GET', '/visant/v1/devices/camera-01/config', { token: other.token })).json();
    assert.equal(otherOrgConfig.normal_description, '', "the other org's camera-01 is a different device");
  });

  it('lists devices with paging and reports status', async () => {
    const list = await t.request('GET', '/visant/v1/devices?limit=10', { token: owner.token });
    assert.equal(list.statusCode, 200);
    assert.equal(list.json().total, 1);
    const status = await t.request('GET', '/visant/v1/devices/camera-01/status', { token: owner.token });
    assert.equal(status.json().captures_count, 0);
    assert.equal(status.json().online, false);
  });

  it("answers 404 for another org's device and 400 for a malformed id", async () => {
    const dev = await t.request('POST', '/visant/v1/devices', { token: owner.token, body: { device_id: 'private-cam' } });
    assert.equal(dev.statusCode, 201);
    for (const [method, url] of [['GET', '/visant/v1/devices/private-cam'], ['GET', '/visant/v1/devices/private-cam/status'], ['GET', '/visant/v1/devices/private-cam/config'], ['DELETE', '/visant/v1/devices/private-cam']] as const) {
      const res = await t.request(method, url, { token: other.token });
      assert.equal(res.statusCode, 404, `${method} ${url}`);
    }
    const malformed = await t.request('GET', '/visant/v1/devices/..%2Fetc', { token: owner.token });
    assert.equal(malformed.statusCode, 400);
  });

  it('deactivating a device revokes its key', async () => {
    const reg = (await t.request('POST', '/visant/v1/devices', { token: owner.token, body: { device_id: 'short-lived' } })).json();
    const del = await t.request('DELETE', '/visant/v1/devices/short-lived', { token: owner.token });
    assert.equal(del.statusCode, 200);
    assert.equal(del.json().status, 'inactive');
    const withKey = await t.request('GET', '/visant/v1/devices', { token: reg.api_key });
    assert.equal(withKey.statusCode, 401);
  });

  it('deactivating or transferring a device revokes a key rotated through /api-keys too', async () => {
    for (const [deviceId, change] of [['rotated-cam', { method: 'DELETE' as const }], ['moved-cam', { method: 'PUT' as const, body: { status: 'transferred' } }]] as const) {
      const reg = (await t.request('POST', '/visant/v1/devices', { token: owner.token, body: { device_id: deviceId } })).json();
      const keys = (await t.request('GET', '/api/v1/api-keys', { token: owner.token })).json();
      const registered = keys.items.find((k: { prefix: string }) => reg.api_key.startsWith(k.prefix));
      const rotated = await t.request('POST', `/api/v1/api-keys/${registered.id}/rotate`, { token: owner.token });
      assert.equal(rotated.statusCode, 201, rotated.body);
      const newKey = rotated.json().key;
      const upload = { device_id: deviceId, record_id: `${deviceId}-1`, image_to_follow: true };
      assert.equal((await t.request('POST', '/visant/v1/captures', { token: newKey, body: upload })).statusCode, 201, 'the rotated key works for its device');
      const res = await t.request(change.method, `/visant/v1/devices/${deviceId}`, { token: owner.token, ...('body' in change ? { body: change.body } : {}) });
      assert.equal(res.statusCode, 200, res.body);
      for (const key of [reg.api_key, newKey]) {
        const after = await t.request('POST', '/visant/v1/captures', { token: key, body: { device_id: deviceId, record_id: `${deviceId}-2` } });
        assert.equal(after.statusCode, 401, `${deviceId}: ${after.body}`);
      }
    }
  });

  it('holds API keys to their scopes: a camera key reaches no platform route, a Visant key no other', async () => {
    const camKey = (await t.request('POST', '/visant/v1/devices', { token: owner.token, body: { device_id: 'scoped-cam' } })).json().api_key;
    for (const url of ['/api/v1/members', '/api/v1/files', '/api/v1/api-keys', '/api/v1/org']) {
      const res = await t.request('GET', url, { token: camKey });
      assert.equal(res.statusCode, 403, `${url}: ${res.body}`);
      assert.ok(['INSUFFICIENT_SCOPE', 'INSUFFICIENT_ROLE'].includes(res.json().code), res.body);
    }
    const orgKey = (await t.request('POST', '/api/v1/api-keys', { token: owner.token, body: { name: 'dashboard', scopes: ['visant'], role: 'viewer' } })).json().key;
    assert.equal((await t.request('GET', '/visant/v1/devices', { token: orgKey })).statusCode, 200);
    const members = await t.request('GET', '/api/v1/members', { token: orgKey });
    assert.equal(members.statusCode, 403);
    assert.equal(members.json().code, 'INSUFFICIENT_SCOPE');
    const otherApp = (await t.request('POST', '/api/v1/api-keys', { token: owner.token, body: { name: 'other', scopes: ['genads'], role: 'viewer' } })).json().key;
    assert.equal((await t.request('GET', '/visant/v1/devices', { token: otherApp })).json().code, 'INSUFFICIENT_SCOPE');
  });

  it('does not let a device key manage devices', async () => {
    const reg = (await t.request('POST', '/visant/v1/devices', { token: owner.token, body: { device_id: 'nosy-cam' } })).json();
    const res = await t.request('GET', '/visant/v1/devices', { token: reg.api_key });
    assert.equal(res.statusCode, 403);
    assert.equal(res.json().code, 'DEVICE_KEY_NOT_ALLOWED');
  });

  const upload = async (key: string, deviceId: string, recordId: string, extra: Record<string, unknown> = {}) =>
    t.request('POST', '/visant/v1/captures', { token: key, body: { device_id: deviceId, record_id: recordId, image_base64: (await sceneJpeg({ width: 160, height: 120 })).toString('base64'), ...extra } });
  const auditActions = async (token: string, action: string) =>
    ((await t.request('GET', `/api/v1/audit?action=${action}`, { token })).json().items as { action: string }[]).map((e) => e.action);

  it('issues a key for a camera brought in by the datalake import, owner or admin only, audited', async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'visant-keys-'));
    try {
      const day = path.join(root, 'imported-cam', '2025', '10', '30');
      await mkdir(day, { recursive: true });
      await writeFile(path.join(day, '20251030_101500.jpg'), await sceneJpeg({ width: 160, height: 120 }));
      await importDatalake(t.platform.ctx, root, owner.orgId);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
    const again = await t.request('POST', '/visant/v1/devices', { token: owner.token, body: { device_id: 'imported-cam' } });
    assert.equal(again.statusCode, 409, 'registering it again still conflicts: the device exists');

    const editor = await t.addMember(owner, 'editor', 'key-editor');
    const byEditor = await t.request('POST', '/visant/v1/devices/imported-cam/key', { token: editor.token });
    assert.equal(byEditor.statusCode, 403, byEditor.body);
    assert.equal((await t.request('POST', '/visant/v1/devices/imported-cam/key', { token: other.token })).statusCode, 404, "another org's owner");

    const first = await t.request('POST', '/visant/v1/devices/imported-cam/key', { token: owner.token });
    assert.equal(first.statusCode, 201, first.body);
    const issued = first.json();
    assert.match(issued.api_key, /^tnt_/);
    assert.equal(JSON.parse(issued.config_file.content).api_key, issued.api_key);
    assert.match(issued.qr_code, /^data:image\/png;base64,/);
    const up = await upload(issued.api_key, 'imported-cam', 'imported-cam-live-1');
    assert.equal(up.statusCode, 201, up.body);

    const admin = await t.addMember(owner, 'admin', 'key-admin');
    const second = await t.request('POST', '/visant/v1/devices/imported-cam/key', { token: admin.token });
    assert.equal(second.statusCode, 201, second.body);
    assert.equal((await upload(issued.api_key, 'imported-cam', 'imported-cam-live-2')).statusCode, 401, 'the earlier key is revoked');
    assert.equal((await upload(second.json().api_key, 'imported-cam', 'imported-cam-live-3')).statusCode, 201);
    assert.deepEqual(await auditActions(owner.token, 'visant.device_key_issued'), ['visant.device_key_issued', 'visant.device_key_issued']);
  });

  it('reactivates a deactivated device with a new key; the old key stays revoked', async () => {
    const reg = (await t.request('POST', '/visant/v1/devices', { token: owner.token, body: { device_id: 'comeback-cam' } })).json();
    assert.equal((await t.request('DELETE', '/visant/v1/devices/comeback-cam', { token: owner.token })).statusCode, 200);
    const keyWhileInactive = await t.request('POST', '/visant/v1/devices/comeback-cam/key', { token: owner.token });
    assert.equal(keyWhileInactive.statusCode, 409);
    assert.equal(keyWhileInactive.json().code, 'DEVICE_INACTIVE');
    assert.match(keyWhileInactive.json().error, /reactivate/);
    const viaPut = await t.request('PUT', '/visant/v1/devices/comeback-cam', { token: owner.token, body: { status: 'active' } });
    assert.equal(viaPut.statusCode, 409);
    assert.match(viaPut.json().error, /\/reactivate/);

    const editor = await t.addMember(owner, 'editor', 'react-editor');
    assert.equal((await t.request('POST', '/visant/v1/devices/comeback-cam/reactivate', { token: editor.token })).statusCode, 403);
    assert.equal((await t.request('POST', '/visant/v1/devices/comeback-cam/reactivate', { token: other.token })).statusCode, 404);
    const res = await t.request('POST', '/visant/v1/devices/comeback-cam/reactivate', { token: owner.token });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.json().device.status, 'active');
    assert.equal((await upload(reg.api_key, 'comeback-cam', 'comeback-1')).statusCode, 401, 'the key revoked at deactivation stays revoked');
    assert.equal((await upload(res.json().api_key, 'comeback-cam', 'comeback-2')).statusCode, 201);
    const twice = await t.request('POST', '/visant/v1/devices/comeback-cam/reactivate', { token: owner.token });
    assert.equal(twice.statusCode, 409);
    assert.equal(twice.json().code, 'DEVICE_ACTIVE');
    assert.deepEqual(await auditActions(owner.token, 'visant.device_reactivated'), ['visant.device_reactivated']);
  });

  it("lets a device key read its own configuration, not change it, not another device's", async () => {
    const mine = (await t.request('POST', '/visant/v1/devices', { token: owner.token, body: { device_id: 'config-cam', config: { trigger: { enabled: true, interval_seconds: 20 } } } })).json();
    await t.request('POST', '/visant/v1/devices', { token: owner.token, body: { device_id: 'neighbour-cam' } });
    const own = await t.request('GET', '/visant/v1/devices/config-cam/config', { token: mine.api_key });
    assert.equal(own.statusCode, 200, own.body);
    assert.deepEqual(own.json().trigger, { enabled: true, interval_seconds: 20 });
    const neighbour = await t.request('GET', '/visant/v1/devices/neighbour-cam/config', { token: mine.api_key });
    assert.equal(neighbour.statusCode, 404, neighbour.body);
    const otherOrg = await t.request('GET', '/visant/v1/devices/camera-01/config', { token: mine.api_key });
    assert.equal(otherOrg.statusCode, 404);
    const change = await t.request('PUT', '/visant/v1/devices/config-cam/config', { token: mine.api_key, body: { trigger: { enabled: false, interval_seconds: 20 } } });
    assert.equal(change.statusCode, 403);
    assert.equal(change.json().code, 'DEVICE_KEY_NOT_ALLOWED');
  });

  it('refuses captures while the trigger is disabled, and keeps the version a camera reports', async () => {
    const cam = (await t.request('POST', '/visant/v1/devices', { token: owner.token, body: { device_id: 'paused-cam' } })).json();
    const ok = await upload(cam.api_key, 'paused-cam', 'paused-1', { device_version: 'tenantry-camera/1.2.3' });
    assert.equal(ok.statusCode, 201, ok.body);
    const status = (await t.request('GET', '/visant/v1/devices/paused-cam/status', { token: owner.token })).json();
    assert.equal(status.device_version, 'tenantry-camera/1.2.3');
    assert.equal((await upload(cam.api_key, 'paused-cam', 'paused-bad', { device_version: 'x'.repeat(51) })).statusCode, 400);

    await t.request('PUT', '/visant/v1/devices/paused-cam/config', { token: owner.token, body: { trigger: { enabled: false, interval_seconds: 60 } } });
    for (const token of [cam.api_key, owner.token]) {
      const refused = await upload(token, 'paused-cam', `paused-2-${token === owner.token ? 'owner' : 'key'}`);
      assert.equal(refused.statusCode, 409, refused.body);
      assert.equal(refused.json().code, 'TRIGGER_DISABLED');
      assert.match(refused.json().error, /trigger is disabled.*PUT \/visant\/v1\/devices\/paused-cam\/config/);
    }
    await t.request('PUT', '/visant/v1/devices/paused-cam/config', { token: owner.token, body: { trigger: { enabled: true, interval_seconds: 60 } } });
    assert.equal((await upload(cam.api_key, 'paused-cam', 'paused-3')).statusCode, 201);
  });
});

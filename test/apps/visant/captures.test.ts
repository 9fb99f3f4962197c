import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { startTestPlatform, type TestPlatform, type TestUser } from '../../support/platform.js';
import { visantApp } from '../../../src/apps/visant/index.js';
import { sceneJpeg } from '../../support/images.js';

async function waitForEvaluation(t: TestPlatform, token: string, recordId: string, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await t.request('GET', `/visant/v1/captures/${recordId}/status`, { token });
    const body = res.json();
    if (body.evaluation_status === 'completed' || body.evaluation_status === 'failed') return body;
    if (Date.now() > deadline) throw new Error(`evaluation of ${recordId} did not finish: ${res.body}`);
    await sleep(150);
  }
}

describe('visant captures and evaluation', () => {
  let t: TestPlatform;
  let owner: TestUser;
  let other: TestUser;
  let deviceKey: string;
  let secondKey: string;
  const recipient = `ops-${Date.now()}@example.test`;

  before(async () => {
    t = await startTestPlatform({ apps: [visantApp] });
    owner = await t.signup('visant');
    other = await t.signup('visant-other');
    deviceKey = (await t.request('POST', '/visant/v1/devices', { token: owner.token, body: { device_id: 'yard', friendly_name: 'Back <b>yard</b>', config: { notifications: { email_recipients: [recipient], cooldown_minutes: 60 } } } })).json().api_key;
    secondKey = (await t.request('POST', '/visant/v1/devices', { token: owner.token, body: { device_id: 'gate' } })).json().api_key;
  });
  after(() => t.close());

  const upload = async (key: string, body: Record<string, unknown>) => t.request('POST', '/visant/v1/captures', { token: key, body });

  it('accepts a capture from the device key, stores it at the seed path and evaluates it (uncertain: no history yet)', async () => {
    const img = await sceneJpeg();
    const res = await upload(deviceKey, { device_id: 'yard', record_id: 'rec-001', captured_at: '2026-11-01T10:00:00Z', image_base64: img.toString('base64'), trigger_label: 'motion' });
    assert.equal(res.statusCode, 201, res.body);
    assert.equal(res.json().evaluation_status, 'pending');
    const objects = await t.db.selectFrom('storage_objects' as never).select(['key' as never, 'storage_key' as never]).where('org_id' as never, '=', owner.orgId as never).execute() as Array<{ key: string; storage_key: string }>;
    assert.ok(objects.some((o) => o.storage_key === `${owner.orgId}/devices/yard/captures/2026/11/01/rec-001.jpeg`), JSON.stringify(objects));
    assert.ok(objects.some((o) => o.key === 'devices/yard/captures/2026/11/01/rec-001_thumb.jpeg'));
    const status = await waitForEvaluation(t, deviceKey, 'rec-001');
    assert.equal(status.evaluation_status, 'completed');
    assert.equal(status.state, 'uncertain');
    assert.match(status.reason, /^Not enough history yet/);
    const device = (await t.request('GET', '/visant/v1/devices/yard', { token: owner.token })).json();
    assert.equal(device.online, true, 'an upload marks the device as seen');
  });

  it('learns the normal scene from captures marked normal and flags a change as abnormal, emailing once per cooldown', async () => {
    const marked = await t.request('POST', '/visant/v1/captures/rec-001/mark-normal', { token: owner.token, body: { normal: true } });
    assert.equal(marked.statusCode, 200, marked.body);
    assert.equal(marked.json().marked_normal, true);

    const same = await upload(deviceKey, { device_id: 'yard', record_id: 'rec-002', image_base64: (await sceneJpeg({ brightness: 1.15 })).toString('base64') });
    assert.equal(same.statusCode, 201);
    assert.equal((await waitForEvaluation(t, deviceKey, 'rec-002')).state, 'normal');

    for (const id of ['rec-003', 'rec-004']) {
      const changed = await upload(deviceKey, { device_id: 'yard', record_id: id, image_base64: (await sceneJpeg({ intruder: { x: 0.1, y: 0.05, w: 0.7, h: 0.8 } })).toString('base64') });
      assert.equal(changed.statusCode, 201);
      const result = await waitForEvaluation(t, deviceKey, id);
      assert.equal(result.state, 'abnormal', result.reason);
      assert.ok(result.score > 0.6);
    }
    const mails = await t.db.selectFrom('email_outbox').select(['subject', 'text_body']).where('to_address', '=', recipient).execute();
    assert.equal(mails.length, 1, 'two abnormal captures within the cooldown send one email');
    assert.match(mails[0]!.subject, /Back <b>yard<\/b>/);
  });

  it('lists captures newest first with cursor pages and filters', async () => {
    const first = await t.request('GET', '/visant/v1/captures?device_id=yard&limit=2', { token: owner.token });
    assert.equal(first.statusCode, 200);
    const page1 = first.json();
    assert.equal(page1.items.length, 2);
    assert.ok(page1.next_cursor);
    const page2 = (await t.request('GET', `/visant/v1/captures?device_id=yard&limit=2&cursor=${page1.next_cursor}`, { token: owner.token })).json();
    const ids = [...page1.items, ...page2.items].map((c: { record_id: string }) => c.record_id);
    assert.equal(new Set(ids).size, 4);
    assert.ok(page1.items[0].thumbnail_url);
    const tampered = await t.request('GET', `/visant/v1/captures?device_id=yard&limit=2&cursor=${page1.next_cursor.slice(0, -4)}`, { token: owner.token });
    assert.equal(tampered.statusCode, 400, tampered.body);
    assert.equal(tampered.json().code, 'INVALID_CURSOR');
    const abnormal = (await t.request('GET', '/visant/v1/captures?state=abnormal', { token: owner.token })).json();
    assert.deepEqual(abnormal.items.map((c: { record_id: string }) => c.record_id).sort(), ['rec-003', 'rec-004']);
    const one = (await t.request('GET', '/visant/v1/captures/rec-001', { token: owner.token })).json();
    assert.ok(one.image_url, 'a single capture carries a signed image URL');
    const img = await t.server.inject({ method: 'GET', url: one.image_url.replace(/^https?:\/\/[^/]+/, '') });
    assert.equal(img.statusCode, 200);
    assert.equal(img.headers['content-type'], 'image/jpeg');
  });

  it('rejects bad input with clear errors', async () => {
    const cases: Array<[Record<string, unknown>, number, string]> = [
      [{ device_id: 'yard', image_base64: 'not base64 !!!' }, 400, 'INVALID_BASE64'],
      [{ device_id: 'yard', image_base64: Buffer.from('%PDF-1.4 hello').toString('base64') }, 415, 'UNSUPPORTED_IMAGE_TYPE'],
      [{ device_id: 'yard', image_base64: Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]).toString('base64') }, 422, 'CORRUPT_IMAGE'],
      [{ device_id: 'yard', record_id: 'rec-001', image_base64: (await sceneJpeg()).toString('base64') }, 409, 'CAPTURE_EXISTS'],
      [{ device_id: 'gate', image_base64: (await sceneJpeg()).toString('base64') }, 403, 'DEVICE_MISMATCH'],
      [{ image_base64: 'AAAA' }, 400, 'VALIDATION_ERROR'],
    ];
    for (const [body, status, code] of cases) {
      const res = await upload(deviceKey, body);
      assert.equal(res.statusCode, status, `${code}: ${res.body}`);
      assert.equal(res.json().code, code);
    }
    const huge = await upload(deviceKey, { device_id: 'yard', image_base64: Buffer.alloc(11 * 1024 * 1024, 1).toString('base64') });
    assert.ok([413, 400].includes(huge.statusCode), huge.body.slice(0, 200));
    const unknown = await upload(secondKey, { device_id: 'gate', image_base64: (await sceneJpeg()).toString('base64'), extra: 1 });
    assert.equal(unknown.statusCode, 400);
  });

  it('accepts multipart uploads and a separate image upload', async () => {
    const img = await sceneJpeg({ width: 320, height: 240 });
    const boundary = '----visant';
    const payload = Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="device_id"\r\n\r\ngate\r\n--${boundary}\r\nContent-Disposition: form-data; name="record_id"\r\n\r\nmp-1\r\n--${boundary}\r\nContent-Disposition: form-data; name="image"; filename="x.jpg"\r\nContent-Type: image/jpeg\r\n\r\n`),
      img,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    const res = await t.request('POST', '/visant/v1/captures', { token: secondKey, raw: payload, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } });
    assert.equal(res.statusCode, 201, res.body);
    assert.equal(res.json().image_stored, true);

    const bare = await upload(secondKey, { device_id: 'gate', record_id: 'later-1', image_to_follow: true });
    assert.equal(bare.statusCode, 201);
    assert.equal(bare.json().image_stored, false);
    assert.equal(bare.json().evaluation_status, 'awaiting_image');
    const waiting = (await t.request('GET', '/visant/v1/captures/later-1/status', { token: secondKey })).json();
    assert.equal(waiting.evaluation_status, 'awaiting_image', 'the status says the capture waits for its image, not "pending"');
    const listed = (await t.request('GET', '/visant/v1/captures?evaluation_status=awaiting_image', { token: owner.token })).json();
    assert.deepEqual(listed.items.map((c: { record_id: string }) => c.record_id), ['later-1']);
    const attach = await t.request('POST', '/visant/v1/captures/later-1/image', { token: secondKey, raw: img, headers: { 'content-type': 'image/jpeg' } });
    assert.equal(attach.statusCode, 200, attach.body);
    assert.equal(attach.json().image_stored, true);
    assert.equal((await waitForEvaluation(t, secondKey, 'later-1')).evaluation_status, 'completed');
  });

  it('refuses a capture without its image unless the client says the image follows', async () => {
    const json = await upload(secondKey, { device_id: 'gate', record_id: 'no-image' });
    assert.equal(json.statusCode, 400, json.body);
    assert.equal(json.json().code, 'IMAGE_REQUIRED');
    assert.match(json.json().error, /image_to_follow/);
    assert.equal((await upload(secondKey, { device_id: 'gate', record_id: 'no-image', image_to_follow: false })).json().code, 'IMAGE_REQUIRED');
    assert.equal((await upload(secondKey, { device_id: 'gate', record_id: 'no-image', image_to_follow: 'yes' })).json().code, 'VALIDATION_ERROR');
    assert.equal((await t.request('GET', '/visant/v1/captures/no-image', { token: owner.token })).statusCode, 404, 'nothing was stored');

    const boundary = '----visant-follow';
    const form = (fields: Record<string, string>) => Buffer.from(
      Object.entries(fields).map(([name, value]) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`).join('') + `--${boundary}--\r\n`,
    );
    const multipart = (fields: Record<string, string>) =>
      t.request('POST', '/visant/v1/captures', { token: secondKey, raw: form(fields), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } });
    const refused = await multipart({ device_id: 'gate', record_id: 'mp-no-image' });
    assert.equal(refused.statusCode, 400, refused.body);
    assert.equal(refused.json().code, 'IMAGE_REQUIRED');
    const taken = await multipart({ device_id: 'gate', record_id: 'mp-no-image', image_to_follow: 'true' });
    assert.equal(taken.statusCode, 201, taken.body);
    assert.equal(taken.json().evaluation_status, 'awaiting_image');
    assert.equal((await t.request('POST', '/visant/v1/captures/mp-no-image/evaluate', { token: owner.token })).json().code, 'IMAGE_MISSING');
  });

  it("hides other orgs' captures (404) and deletes captures with their images", async () => {
    for (const [method, url] of [['GET', '/visant/v1/captures/rec-001'], ['GET', '/visant/v1/captures/rec-001/status'], ['DELETE', '/visant/v1/captures/rec-001'], ['POST', '/visant/v1/captures/rec-001/evaluate']] as const) {
      assert.equal((await t.request(method, url, { token: other.token })).statusCode, 404, `${method} ${url}`);
    }
    assert.equal((await t.request('GET', '/visant/v1/captures', { token: other.token })).json().items.length, 0);
    const usedBefore = (await t.db.selectFrom('orgs').select('storage_used_bytes').where('id', '=', owner.orgId).executeTakeFirstOrThrow()).storage_used_bytes;
    const del = await t.request('DELETE', '/visant/v1/captures/rec-002', { token: owner.token });
    assert.equal(del.statusCode, 204);
    assert.equal((await t.request('GET', '/visant/v1/captures/rec-002', { token: owner.token })).statusCode, 404);
    const usedAfter = (await t.db.selectFrom('orgs').select('storage_used_bytes').where('id', '=', owner.orgId).executeTakeFirstOrThrow()).storage_used_bytes;
    assert.ok(usedAfter < usedBefore, 'deleting frees the quota');
  });

  it('shares a device publicly: gallery shows completed captures only, escapes names, counts views', async () => {
    assert.equal((await upload(deviceKey, { device_id: 'yard', record_id: 'no-image-yet', image_to_follow: true })).statusCode, 201);
    const created = await t.request('POST', '/visant/v1/devices/yard/share', { token: owner.token, body: { share_type: 'device', max_views: 3 } });
    assert.equal(created.statusCode, 201, created.body);
    const { token } = created.json();
    const html = await t.request('GET', `/s/${token}`);
    assert.equal(html.statusCode, 200, html.body.slice(0, 300));
    assert.match(html.body, /Back &lt;b&gt;yard&lt;\/b&gt;/);
    assert.doesNotMatch(html.body, /<b>yard<\/b>/);
    assert.match(html.body, /Powered by Visant/);
    assert.match(html.body, /<a class="button" href="http:\/\/[^"/]+\/signup">Get Visant<\/a>/, 'without VISANT_SIGNUP_URL, "Get Visant" leads to this instance\'s sign-up page');
    assert.match(html.body, /<a href="https:\/\/wa\.me\/\?text=[^"]+" target="_blank" rel="noopener noreferrer">WhatsApp<\/a>/);
    assert.match(html.body, /https:\/\/www\.facebook\.com\/sharer\/sharer\.php\?u=http%3A%2F%2F[^"]+%2Fs%2F/);
    assert.doesNotMatch(html.body, /<script/i, 'share buttons are plain links, no third-party scripts');
    assert.doesNotMatch(html.body, /mark a capture|marked normal|baseline/i, 'visitors read reasons written for them, not the owner\'s instructions');
    const json = (await t.request('GET', `/api/s/${token}`)).json();
    assert.match(json.get_visant_url, /^http:\/\/[^/]+\/signup$/);
    const reasons = new Map(json.captures.map((c: { record_id: string; reason: string }) => [c.record_id, c.reason]));
    assert.equal(reasons.get('rec-001'), 'Not judged yet: the camera is still learning what its view usually looks like.');
    assert.match(String(reasons.get('rec-003')), /^Something looks different from the usual view, most of all in the /);
    assert.equal(json.next_cursor, null, 'one page holds them all');
    const shown = json.captures.map((c: { record_id: string }) => c.record_id);
    assert.ok(!shown.includes('no-image-yet'), 'pending captures are not shown');
    assert.ok(shown.includes('rec-003'));
    assert.equal(json.stats.abnormal, 2);
    const qr = await t.request('GET', `/s/${token}/qr`);
    assert.equal(qr.headers['content-type'], 'image/png');
    assert.equal((await t.request('GET', `/s/${token}`)).statusCode, 200);
    assert.equal((await t.request('GET', `/s/${token}`)).statusCode, 404, 'the fourth view is past max_views');
    const list = (await t.request('GET', '/visant/v1/share-links', { token: owner.token })).json();
    assert.equal(list.items[0].view_count, 3);
    assert.equal(list.items[0].device_id, 'yard');
  });

  it('shares one capture, updates and revokes links by token, and keeps other orgs out', async () => {
    const created = (await t.request('POST', '/visant/v1/devices/yard/share', { token: owner.token, body: { share_type: 'capture', capture_id: 'rec-003', password: 'open sesame' } })).json();
    const locked = await t.request('GET', `/api/s/${created.token}`);
    assert.equal(locked.statusCode, 401, locked.body);
    const open = await t.request('GET', `/api/s/${created.token}`, { headers: { 'x-share-password': 'open sesame' } });
    assert.equal(open.statusCode, 200, open.body);
    assert.deepEqual(open.json().captures.map((c: { record_id: string }) => c.record_id), ['rec-003']);
    assert.equal((await t.request('PUT', `/visant/v1/share-links/${created.token}`, { token: other.token, body: { max_views: 5 } })).statusCode, 404);
    const upd = await t.request('PUT', `/visant/v1/share-links/${created.token}`, { token: owner.token, body: { expires_in_days: 1, password: null } });
    assert.equal(upd.statusCode, 200, upd.body);
    assert.equal(upd.json().has_password, false);
    assert.equal(upd.json().device_id, 'yard', 'PUT answers the device the link belongs to');
    assert.equal((await t.request('DELETE', `/visant/v1/share-links/${created.token}`, { token: other.token })).statusCode, 404);
    assert.equal((await t.request('DELETE', `/visant/v1/share-links/${created.token}`, { token: owner.token })).statusCode, 204);
    assert.equal((await t.request('GET', `/api/s/${created.token}`)).statusCode, 404);
    assert.equal((await t.request('POST', '/visant/v1/devices/yard/share', { token: other.token, body: {} })).statusCode, 404);
    const badCapture = await t.request('POST', '/visant/v1/devices/yard/share', { token: owner.token, body: { share_type: 'capture', capture_id: 'nope' } });
    assert.equal(badCapture.statusCode, 404);
  });
});

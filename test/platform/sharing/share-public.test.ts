import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import QRCode from 'qrcode';
import sharp from 'sharp';
import { startTestPlatform, type TestPlatform, type TestUser } from '../../support/platform.js';
import { escapeHtml } from '../../../src/platform/sharing/html.js';

/** The public side: /s/:token pages, /api/s/:token JSON, passwords, limits, QR codes. */
describe('public share links', () => {
  let t: TestPlatform;
  let owner: TestUser;
  before(async () => {
    t = await startTestPlatform({ env: { SHARE_PASSWORD_ATTEMPTS_PER_MINUTE: '3', SHARE_PASSWORD_ATTEMPTS_PER_LINK: '6' } });
    owner = await t.signup('sharer');
  });
  after(() => t.close());

  async function share(body: Record<string, unknown> = {}): Promise<{ id: string; token: string; url: string }> {
    const res = await t.request('POST', '/api/v1/share-links', { token: owner.token, body: { app: 'demo', resource_type: 'gallery', resource_id: 'g-7', ...body } });
    assert.equal(res.statusCode, 201, res.body);
    return res.json();
  }
  const viewCount = async (id: string) => (await t.db.selectFrom('share_links').select('view_count').where('id', '=', id).executeTakeFirstOrThrow()).view_count;
  const fromIp = (ip: string, method: 'GET' | 'POST', url: string, headers: Record<string, string> = {}, payload?: string) =>
    t.server.inject({ method, url, headers, payload, remoteAddress: ip });

  it('opens as JSON and as a generic page, counting each view', async () => {
    const link = await share({ filters: { camera: 'front' }, title: 'Front door' });
    const json = await t.request('GET', `/api/s/${link.token}`);
    assert.equal(json.statusCode, 200);
    const body = json.json();
    assert.equal(body.app, 'demo');
    assert.equal(body.resource_type, 'gallery');
    assert.equal(body.resource_id, 'g-7');
    assert.deepEqual(body.filters, { camera: 'front' });
    assert.equal(body.view_count, 1);
    assert.equal(body.url, `http://localhost:80/s/${link.token}`);
    assert.equal(json.headers['cache-control'], 'no-store');

    const page = await t.request('GET', `/s/${link.token}`, { headers: { accept: 'text/html' } });
    assert.equal(page.statusCode, 200);
    assert.match(String(page.headers['content-type']), /text\/html/);
    assert.match(page.body, /<h1>Front door<\/h1>/);
    assert.match(page.body, /src="\/s\/[A-Za-z0-9_-]{43}\/qr\?format=svg"/);
    assert.equal(page.headers['x-robots-tag'], 'noindex, nofollow');

    const asJson = await t.request('GET', `/s/${link.token}`, { headers: { accept: 'application/json' } });
    assert.equal(asJson.json().view_count, 3);
    assert.equal(await viewCount(link.id), 3);
    const row = await t.db.selectFrom('share_links').select('last_viewed_at').where('id', '=', link.id).executeTakeFirstOrThrow();
    assert.ok(row.last_viewed_at && Date.now() - row.last_viewed_at.getTime() < 60_000);
  });

  it('answers unknown, tampered, expired, revoked and used-up links with the same 404 (HTML page or envelope)', async () => {
    const live = await share();
    const expired = await share();
    await t.db.updateTable('share_links').set({ expires_at: new Date(Date.now() - 1) }).where('id', '=', expired.id).execute();
    const revoked = await share();
    await t.request('DELETE', `/api/v1/share-links/${revoked.id}`, { token: owner.token });
    const usedUp = await share({ max_views: 1 });
    assert.equal((await t.request('GET', `/api/s/${usedUp.token}`)).statusCode, 200);

    const flip = (s: string) => s.slice(0, -1) + (s.endsWith('A') ? 'B' : 'A');
    const dead = [flip(live.token), live.token.slice(0, -1), `${live.token}x`, expired.token, revoked.token, usedUp.token, 'abc', '%3Cscript%3Ealert(1)%3C%2Fscript%3E'];
    for (const token of dead) {
      const api = await t.request('GET', `/api/s/${token}`);
      assert.equal(api.statusCode, 404, token);
      assert.deepEqual(Object.keys(api.json()).sort(), ['code', 'error', 'requestId', 'success']);
      assert.equal(api.json().code, 'SHARE_NOT_FOUND');

      const page = await t.request('GET', `/s/${token}`, { headers: { accept: 'text/html,application/xhtml+xml,*/*' } });
      assert.equal(page.statusCode, 404, token);
      assert.match(String(page.headers['content-type']), /text\/html/);
      assert.match(page.body, /This link is not available/);
      assert.doesNotMatch(page.body, /<script>/);

      const json = await t.request('GET', `/s/${token}`, { headers: { accept: 'application/json' } });
      assert.equal(json.statusCode, 404);
      assert.equal(json.json().code, 'SHARE_NOT_FOUND');

      assert.equal((await t.request('GET', `/s/${token}/qr`)).statusCode, 404, `qr of ${token}`);
    }
    assert.equal(await viewCount(expired.id), 0, 'dead links count no views');
    assert.equal(await viewCount(usedUp.id), 1);
    assert.equal((await t.request('GET', `/api/s/${live.token}`)).statusCode, 200, 'the untampered token still works');
  });

  it('never lets concurrent views exceed max_views', async () => {
    const link = await share({ max_views: 3 });
    const results = await Promise.all(Array.from({ length: 12 }, () => t.request('GET', `/api/s/${link.token}`)));
    const ok = results.filter((r) => r.statusCode === 200);
    assert.equal(ok.length, 3, results.map((r) => r.statusCode).join(','));
    assert.ok(results.every((r) => r.statusCode === 200 || r.statusCode === 404));
    assert.deepEqual(ok.map((r) => r.json().view_count).sort(), [1, 2, 3]);
    assert.equal(await viewCount(link.id), 3);
  });

  it('never lets concurrent views exceed max_views through the service either', async () => {
    const created = await t.platform.ctx.shares.create(
      { kind: 'user', orgId: owner.orgId, userId: owner.userId, role: 'owner', isSuperadmin: false },
      { app: 'demo', resourceType: 'gallery', resourceId: 'svc', maxViews: 3 },
    );
    const settled = await Promise.allSettled(Array.from({ length: 20 }, () => t.platform.ctx.shares.resolve(created.token, { ip: '127.0.0.1' })));
    assert.equal(settled.filter((s) => s.status === 'fulfilled').length, 3);
    for (const s of settled) if (s.status === 'rejected') assert.equal((s.reason as { code: string }).code, 'SHARE_NOT_FOUND');
  });

  it('asks for the password, accepts it by header or form, and remembers it in the browser', async () => {
    const link = await share({ password: 'correct horse' });
    const noPw = await t.request('GET', `/api/s/${link.token}`);
    assert.equal(noPw.statusCode, 401);
    assert.equal(noPw.json().code, 'SHARE_PASSWORD_REQUIRED');

    const form = await t.request('GET', `/s/${link.token}`);
    assert.equal(form.statusCode, 401);
    assert.match(form.body, /<form method="post" action="\/s\/[A-Za-z0-9_-]{43}">/);
    assert.match(form.body, /type="password" name="password"/);
    assert.doesNotMatch(form.body, /not right/);
    assert.equal(await viewCount(link.id), 0, 'showing the form is not a view');

    const header = await t.request('GET', `/api/s/${link.token}`, { headers: { 'x-share-password': 'correct horse' } });
    assert.equal(header.statusCode, 200);
    // API clients get a proof back, so they need not resend (and spend password tries on) the password.
    const unlock = String(header.headers['x-share-unlock']);
    assert.match(unlock, /^[A-Za-z0-9_-]{43}$/);
    assert.equal((await t.request('GET', `/api/s/${link.token}`, { headers: { 'x-share-unlock': unlock } })).statusCode, 200);
    assert.equal((await t.request('GET', `/api/s/${link.token}`, { headers: { 'x-share-unlock': `${unlock.slice(0, -1)}${unlock.endsWith('x') ? 'y' : 'x'}` } })).statusCode, 401);

    const posted = await t.request('POST', `/s/${link.token}`, { headers: { 'content-type': 'application/x-www-form-urlencoded' }, raw: 'password=correct+horse' });
    assert.equal(posted.statusCode, 200, posted.body);
    assert.match(posted.body, /Shared gallery/);
    const cookie = String(posted.headers['set-cookie']);
    assert.match(cookie, new RegExp(`^share_unlock=[A-Za-z0-9_-]+; Path=/s/${link.token}; HttpOnly; SameSite=Lax`));

    const again = await t.request('GET', `/s/${link.token}`, { headers: { cookie: cookie.split(';')[0] } });
    assert.equal(again.statusCode, 200, 'the remembered unlock opens the page');
    const forged = await t.request('GET', `/s/${link.token}`, { headers: { cookie: 'share_unlock=forged-value' } });
    assert.equal(forged.statusCode, 401);
    assert.equal(await viewCount(link.id), 4);

    // Changing the password forgets every remembered unlock.
    await t.request('PATCH', `/api/v1/share-links/${link.id}`, { token: owner.token, body: { password: 'new password' } });
    assert.equal((await t.request('GET', `/s/${link.token}`, { headers: { cookie: cookie.split(';')[0] } })).statusCode, 401);
  });

  it('rejects a wrong password, then rate limits guesses per link and IP', async () => {
    const link = await share({ password: 'right one' });
    const other = await share({ password: 'right one' });
    const ip = '203.0.113.7';
    for (let i = 0; i < 3; i++) {
      const res = await fromIp(ip, 'GET', `/api/s/${link.token}`, { 'x-share-password': `guess ${i}` });
      assert.equal(res.statusCode, 401);
      assert.equal(res.json().code, 'SHARE_PASSWORD_INVALID');
    }
    const wrongForm = await fromIp('203.0.113.99', 'POST', `/s/${link.token}`, { 'content-type': 'application/x-www-form-urlencoded' }, 'password=nope');
    assert.equal(wrongForm.statusCode, 401);
    assert.match(wrongForm.body, /That password is not right/);

    // Over the limit even the right password waits, so guessing learns nothing.
    const limited = await fromIp(ip, 'GET', `/api/s/${link.token}`, { 'x-share-password': 'right one' });
    assert.equal(limited.statusCode, 429);
    assert.equal(limited.json().code, 'RATE_LIMITED');
    assert.ok(Number(limited.headers['retry-after']) >= 1);
    const limitedPage = await fromIp(ip, 'POST', `/s/${link.token}`, { 'content-type': 'application/x-www-form-urlencoded' }, 'password=right+one');
    assert.equal(limitedPage.statusCode, 429);
    assert.match(limitedPage.body, /Too many attempts/);

    // Another visitor, and the same visitor on another link, are not affected.
    assert.equal((await fromIp('198.51.100.1', 'GET', `/api/s/${link.token}`, { 'x-share-password': 'right one' })).statusCode, 200);
    assert.equal((await fromIp(ip, 'GET', `/api/s/${other.token}`, { 'x-share-password': 'right one' })).statusCode, 200);
    assert.equal(await viewCount(link.id), 1, 'failed and limited attempts count no views');
  });

  it('locks a link after too many wrong passwords from any mix of addresses (rotating IPs does not help)', async () => {
    const link = await share({ password: 'the right one' });
    const other = await share({ password: 'the right one' });
    for (let i = 0; i < 6; i++) {
      const res = await fromIp(`198.51.100.${100 + i}`, 'GET', `/api/s/${link.token}`, { 'x-share-password': `guess ${i}` });
      assert.equal(res.statusCode, 401, `guess ${i} from its own address is only wrong`);
    }
    const locked = await fromIp('198.51.100.200', 'GET', `/api/s/${link.token}`, { 'x-share-password': 'the right one' });
    assert.equal(locked.statusCode, 429, 'a fresh address with the right password waits too');
    assert.equal(locked.json().code, 'RATE_LIMITED');
    assert.match(locked.json().error, /locked/);
    assert.ok(Number(locked.headers['retry-after']) > 60, `locked for the lockout window, not a minute (${locked.headers['retry-after']})`);
    const page = await fromIp('198.51.100.201', 'POST', `/s/${link.token}`, { 'content-type': 'application/x-www-form-urlencoded' }, 'password=the+right+one');
    assert.equal(page.statusCode, 429);
    assert.match(page.body, /Too many attempts/);
    // Other links are not locked, and the link itself did not count a view.
    assert.equal((await fromIp('198.51.100.200', 'GET', `/api/s/${other.token}`, { 'x-share-password': 'the right one' })).statusCode, 200);
    assert.equal(await viewCount(link.id), 0);
  });

  it('refuses share passwords shorter than 8 characters, through the API and the service', async () => {
    const res = await t.request('POST', '/api/v1/share-links', { token: owner.token, body: { app: 'demo', resource_type: 'gallery', resource_id: 'g-7', password: 'seven77' } });
    assert.equal(res.statusCode, 400);
    assert.match(res.json().error, /at least 8/);
    const link = await share();
    const patch = await t.request('PATCH', `/api/v1/share-links/${link.id}`, { token: owner.token, body: { password: 'short' } });
    assert.equal(patch.statusCode, 400);
    const principal = { kind: 'user' as const, orgId: owner.orgId, userId: owner.userId, role: 'owner' as const, isSuperadmin: false };
    await assert.rejects(
      t.platform.ctx.shares.create(principal, { app: 'demo', resourceType: 'gallery', resourceId: 'g-8', password: '1234567' }),
      (err: { status?: number; message?: string }) => err.status === 422 && /8 to 256/.test(err.message ?? ''),
    );
    await assert.rejects(t.platform.ctx.shares.update(principal, link.id, { password: 'abc' }), (err: { status?: number }) => err.status === 422);
  });

  it('renders user-written fields inert in the generic page', async () => {
    const evil = '<script>alert("x")</script>';
    const link = await share({
      title: `${evil}"><img src=x onerror=alert(1)>`,
      resource_id: `'><svg onload=alert(2)>`,
      filters: { note: `</pre>${evil}`, [`<b onmouseover=alert(3)>`]: 'k' },
    });
    const page = await t.request('GET', `/s/${link.token}`);
    assert.equal(page.statusCode, 200);
    assert.doesNotMatch(page.body, /<script>alert/);
    assert.doesNotMatch(page.body, /<img src=x/);
    assert.doesNotMatch(page.body, /<svg onload/);
    assert.doesNotMatch(page.body, /<b onmouseover/);
    assert.match(page.body, /&lt;script&gt;alert\(&quot;x&quot;\)&lt;\/script&gt;/);
    assert.match(page.body, /&#39;&gt;&lt;svg onload=alert\(2\)&gt;/);
    assert.equal(escapeHtml(`<a href="x" onclick='y'>&\``), '&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;&#96;');
    assert.equal(escapeHtml(null), '');
  });

  it('serves the QR code of the share URL as PNG or SVG without counting a view or asking the password', async () => {
    const link = await share({ password: 'secret pw' });
    const png = await t.request('GET', `/s/${link.token}/qr`);
    assert.equal(png.statusCode, 200);
    assert.equal(png.headers['content-type'], 'image/png');
    const raw = png.rawPayload;
    assert.deepEqual([...raw.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const meta = await sharp(raw).metadata();
    assert.equal(meta.width, 320);

    const svg = await t.request('GET', `/s/${link.token}/qr?format=svg&size=200`);
    assert.equal(svg.statusCode, 200);
    assert.match(String(svg.headers['content-type']), /^image\/svg\+xml/);
    // The code encodes exactly this link's URL: the same matrix as a QR of that URL, unlike one of any other.
    const expected = await QRCode.toString(link.url, { type: 'svg', errorCorrectionLevel: 'M', margin: 2, width: 200 });
    const otherUrl = await QRCode.toString(`${link.url}x`, { type: 'svg', errorCorrectionLevel: 'M', margin: 2, width: 200 });
    assert.equal(svg.body, expected);
    assert.notEqual(svg.body, otherUrl);

    assert.equal((await t.request('GET', `/s/${link.token}/qr?format=gif`)).statusCode, 400);
    assert.equal((await t.request('GET', `/s/${link.token}/qr?size=5`)).statusCode, 400);
    assert.equal(await viewCount(link.id), 0);
  });

  it('does not count HEAD requests (link preview probes) as views', async () => {
    const link = await share();
    const head = await t.server.inject({ method: 'HEAD', url: `/s/${link.token}` });
    assert.notEqual(head.statusCode, 200);
    assert.equal(await viewCount(link.id), 0);
  });

  it('hides links of a suspended organization', async () => {
    const u = await t.signup('suspended');
    const res = await t.request('POST', '/api/v1/share-links', { token: u.token, body: { app: 'demo', resource_type: 'gallery', resource_id: 'z' } });
    const link = res.json();
    assert.equal((await t.request('GET', `/api/s/${link.token}`)).statusCode, 200);
    await t.db.updateTable('orgs').set({ status: 'suspended' }).where('id', '=', u.orgId).execute();
    assert.equal((await t.request('GET', `/api/s/${link.token}`)).statusCode, 404);
  });
});

import { createHash, randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { startTestPlatform, type TestPlatform, type TestUser } from '../../support/platform.js';
import { withSystem } from '../../../src/platform/db/tenant.js';
import { purgeExpiredTrash } from '../../../src/platform/storage/trash.js';
import { applyLifecycle } from '../../../src/platform/storage/lifecycle.js';
import { LocalDiskDriver } from '../../../src/platform/storage/local-driver.js';
import { multipartBody, orgStorage, pngBytes, setStorageLimit } from './helpers.js';
import { startFakeS3, type FakeS3 } from './s3rver.js';

const DAY = 86_400_000;
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

function filesSuite(driverName: 'local' | 's3') {
  describe(`files API (${driverName} driver)`, () => {
    let t: TestPlatform;
    let s3: FakeS3 | undefined;
    let alice: TestUser;
    let bob: TestUser;
    let png: Buffer;

    before(async () => {
      if (driverName === 's3') s3 = await startFakeS3();
      t = await startTestPlatform({ env: s3?.env ?? {} });
      t.platform.ctx.storage.kinds.register({ name: 'tiny', maxBytes: 1000, types: '*' });
      t.platform.ctx.storage.lifecycle.register({ name: 'scratch', prefix: 'scratch/', expireAfterDays: 1 });
      alice = await t.signup('alice');
      bob = await t.signup('bob');
      png = await pngBytes();
    });
    after(async () => {
      await t.close();
      await s3?.close();
    });

    const rawUpload = (user: TestUser, query: string, body: Buffer, type: string) =>
      t.request('POST', `/api/v1/files${query}`, { token: user.token, raw: body, headers: { 'content-type': type } });

    async function fetchLocation(location: string, headers: Record<string, string> = {}) {
      if (location.startsWith('/')) {
        const res = await t.server.inject({ method: 'GET', url: location, headers });
        return { status: res.statusCode, body: res.rawPayload, headers: res.headers, json: () => res.json() };
      }
      const res = await fetch(location, { headers });
      const body = Buffer.from(await res.arrayBuffer());
      return { status: res.status, body, headers: Object.fromEntries(res.headers), json: () => JSON.parse(body.toString()) };
    }

    it('uploads a raw body, detects its type from the bytes, counts quota, and downloads it with ranges', async () => {
      const res = await rawUpload(alice, '?kind=image&key=photos/cover.png&tags=' + encodeURIComponent('{"campaign":"spring"}'), png, 'application/octet-stream');
      assert.equal(res.statusCode, 201, res.body);
      const file = res.json();
      assert.equal(file.key, 'photos/cover.png');
      assert.equal(file.content_type, 'image/png');
      assert.equal(file.size_bytes, png.length);
      assert.equal(file.sha256, sha(png));
      assert.deepEqual(file.tags, { campaign: 'spring' });
      const state = await orgStorage(t, alice.orgId);
      assert.equal(state.used, png.length);
      assert.equal(state.reserved, 0);
      assert.deepEqual(state.stored, [`${alice.orgId}/photos/cover.png`], 'stored under the tenant prefix, nothing left in staging');

      const full = await t.request('GET', `/api/v1/files/${file.id}/content`, { token: alice.token });
      assert.equal(full.statusCode, 200);
      assert.ok(full.rawPayload.equals(png));
      assert.equal(full.headers['content-type'], 'image/png');
      assert.equal(full.headers['accept-ranges'], 'bytes');
      assert.equal(full.headers.etag, `"${sha(png)}"`);

      const part = await t.request('GET', `/api/v1/files/${file.id}/content`, { token: alice.token, headers: { range: 'bytes=1-3' } });
      assert.equal(part.statusCode, 206);
      assert.equal(part.headers['content-range'], `bytes 1-3/${png.length}`);
      assert.equal(part.rawPayload.toString('latin1'), 'PNG');
      const suffix = await t.request('GET', `/api/v1/files/${file.id}/content`, { token: alice.token, headers: { range: 'bytes=-4' } });
      assert.equal(suffix.statusCode, 206);
      assert.ok(suffix.rawPayload.equals(png.subarray(-4)));

      const past = await t.request('GET', `/api/v1/files/${file.id}/content`, { token: alice.token, headers: { range: `bytes=${png.length}-` } });
      assert.equal(past.statusCode, 416);
      assert.equal(past.headers['content-range'], `bytes */${png.length}`);
      assert.equal(past.json().code, 'RANGE_NOT_SATISFIABLE');

      const cached = await t.request('GET', `/api/v1/files/${file.id}/content`, { token: alice.token, headers: { 'if-none-match': `"${sha(png)}"` } });
      assert.equal(cached.statusCode, 304);

      const meta = await t.request('GET', `/api/v1/files/${file.id}`, { token: alice.token });
      assert.equal(meta.statusCode, 200);
      assert.equal(meta.json().id, file.id);
      const listed = await t.request('GET', '/api/v1/files?prefix=photos/', { token: alice.token });
      assert.deepEqual(listed.json().items.map((i: { id: string }) => i.id), [file.id]);
      assert.equal(listed.json().total, 1);
      assert.equal((await t.request('GET', '/api/v1/files?prefix=other/', { token: alice.token })).json().total, 0);
    });

    it('uploads multipart/form-data, with fields before the file, and ignores the declared type', async () => {
      const { payload, contentType } = multipartBody({ kind: 'image', key: 'forms/upload.png', tags: '{"via":"form"}' }, { name: 'innocent.txt', type: 'text/plain', data: png });
      const res = await t.request('POST', '/api/v1/files', { token: alice.token, raw: payload, headers: { 'content-type': contentType } });
      assert.equal(res.statusCode, 201, res.body);
      assert.equal(res.json().content_type, 'image/png');
      assert.equal(res.json().sha256, sha(png));
      assert.deepEqual(res.json().tags, { via: 'form' });
    });

    it('stores text and JSON files as raw bodies, and generates a key when none is given', async () => {
      const json = Buffer.from('{"hello":"world"}');
      const res = await rawUpload(alice, '', json, 'application/json');
      assert.equal(res.statusCode, 201, res.body);
      assert.equal(res.json().content_type, 'application/json');
      assert.match(res.json().key, /^file\/[0-9a-f-]{36}\.json$/);
      const put = await t.request('PUT', '/api/v1/files?key=notes/readme.txt', { token: alice.token, raw: Buffer.from('plain words'), headers: { 'content-type': 'text/plain; charset=utf-8' } });
      assert.equal(put.statusCode, 201, put.body);
      assert.equal(put.json().content_type, 'text/plain');
      const down = await t.request('GET', `/api/v1/files/${put.json().id}/content`, { token: alice.token });
      assert.equal(down.body, 'plain words');
      assert.match(String(down.headers['content-disposition']), /^attachment; filename="readme.txt"/);
    });

    it('refuses bad uploads with clear 4xx errors and stores and counts nothing', async () => {
      const u = await t.signup('bad-input');
      const cases: [string, () => Promise<{ statusCode: number; json(): { code: string } }>, number, string][] = [
        ['path traversal key', () => rawUpload(u, `?key=${encodeURIComponent('../../etc/passwd')}`, png, 'image/png'), 400, 'INVALID_KEY'],
        ['absolute key', () => rawUpload(u, `?key=${encodeURIComponent('/abs/x.png')}`, png, 'image/png'), 400, 'INVALID_KEY'],
        ['backslash key', () => rawUpload(u, `?key=${encodeURIComponent('a\\b.png')}`, png, 'image/png'), 400, 'INVALID_KEY'],
        ['text as image', () => rawUpload(u, '?kind=image', Buffer.from('definitely not an image'), 'image/png'), 415, 'UNSUPPORTED_FILE_TYPE'],
        ['PDF as image', () => rawUpload(u, '?kind=image', Buffer.from('%PDF-1.4\n%âãÏÓ\n1 0 obj\n<<>>\nendobj\n'), 'image/png'), 415, 'UNSUPPORTED_FILE_TYPE'],
        ['zero bytes', () => rawUpload(u, '', Buffer.alloc(0), 'application/octet-stream'), 422, 'EMPTY_FILE'],
        ['too large (declared)', () => rawUpload(u, '?kind=tiny', randomBytes(2000), 'application/octet-stream'), 413, 'FILE_TOO_LARGE'],
        ['unknown kind', () => rawUpload(u, '?kind=nope', png, 'image/png'), 400, 'UNKNOWN_UPLOAD_KIND'],
        ['unknown lifecycle class', () => rawUpload(u, '?lifecycle_class=forever', png, 'image/png'), 400, 'UNKNOWN_LIFECYCLE_CLASS'],
        ['bad tags', () => rawUpload(u, `?tags=${encodeURIComponent('{"a":1}')}`, png, 'image/png'), 400, 'INVALID_TAGS'],
        ['no content type', () => t.request('POST', '/api/v1/files', { token: u.token, raw: png }), 415, 'CONTENT_TYPE_REQUIRED'],
        ['too large (multipart, streamed)', () => {
          const { payload, contentType } = multipartBody({ kind: 'tiny' }, { name: 'big.bin', type: 'application/octet-stream', data: randomBytes(5000) });
          return t.request('POST', '/api/v1/files', { token: u.token, raw: payload, headers: { 'content-type': contentType } });
        }, 413, 'FILE_TOO_LARGE'],
        ['zero bytes (multipart)', () => {
          const { payload, contentType } = multipartBody({}, { name: 'empty.bin', type: 'application/octet-stream', data: Buffer.alloc(0) });
          return t.request('POST', '/api/v1/files', { token: u.token, raw: payload, headers: { 'content-type': contentType } });
        }, 422, 'EMPTY_FILE'],
        ['truncated multipart body', () => {
          const { payload, contentType } = multipartBody({ kind: 'file' }, { name: 'cut.bin', type: 'application/octet-stream', data: randomBytes(50_000) });
          return t.request('POST', '/api/v1/files', { token: u.token, raw: payload.subarray(0, 30_000), headers: { 'content-type': contentType } });
        }, 400, 'UPLOAD_INCOMPLETE'],
        ['multipart without a file', () => {
          const boundary = 'xyz';
          const body = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="kind"\r\n\r\nfile\r\n--${boundary}--\r\n`);
          return t.request('POST', '/api/v1/files', { token: u.token, raw: body, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } });
        }, 400, 'FILE_REQUIRED'],
      ];
      for (const [name, send, status, code] of cases) {
        const res = await send();
        assert.equal(res.statusCode, status, `${name}: ${JSON.stringify(res.json())}`);
        assert.equal(res.json().code, code, `${name}: ${JSON.stringify(res.json())}`);
      }
      const state = await orgStorage(t, u.orgId);
      assert.deepEqual({ used: state.used, reserved: state.reserved, rows: state.rows, stored: state.stored }, { used: 0, reserved: 0, rows: [], stored: [] });
    });

    it('refuses a second file at the same key with 409', async () => {
      assert.equal((await rawUpload(alice, '?key=dup/a.bin', Buffer.from('one'), 'application/octet-stream')).statusCode, 201);
      const again = await rawUpload(alice, '?key=dup/a.bin', Buffer.from('two'), 'application/octet-stream');
      assert.equal(again.statusCode, 409);
      assert.equal(again.json().code, 'KEY_EXISTS');
    });

    it('enforces the storage quota: over quota is 413 QUOTA_EXCEEDED with nothing stored or counted; deleting for good frees space', async () => {
      const u = await t.signup('quota');
      await setStorageLimit(t, u.orgId, 5000);
      const first = await rawUpload(u, '?key=q/first.bin', randomBytes(4000), 'application/octet-stream');
      assert.equal(first.statusCode, 201);
      const declared = await rawUpload(u, '?key=q/declared.bin', randomBytes(2000), 'application/octet-stream');
      assert.equal(declared.statusCode, 413);
      assert.equal(declared.json().code, 'QUOTA_EXCEEDED');
      assert.equal(declared.json().details.limit_bytes, 5000);
      const { payload, contentType } = multipartBody({ key: 'q/streamed.bin' }, { name: 's.bin', type: 'application/octet-stream', data: randomBytes(2000) });
      const streamed = await t.request('POST', '/api/v1/files', { token: u.token, raw: payload, headers: { 'content-type': contentType } });
      assert.equal(streamed.statusCode, 413);
      assert.equal(streamed.json().code, 'QUOTA_EXCEEDED');
      let state = await orgStorage(t, u.orgId);
      assert.equal(state.used, 4000);
      assert.equal(state.reserved, 0);
      assert.deepEqual(state.rows.map((r) => r.key), ['q/first.bin']);
      assert.deepEqual(state.stored, [`${u.orgId}/q/first.bin`]);

      // Trashing keeps the bytes (and the quota); deleting for good frees them.
      assert.equal((await t.request('DELETE', `/api/v1/files/${first.json().id}`, { token: u.token })).statusCode, 200);
      assert.equal((await orgStorage(t, u.orgId)).used, 4000);
      assert.equal((await t.request('DELETE', `/api/v1/files/${first.json().id}/permanent`, { token: u.token })).statusCode, 204);
      state = await orgStorage(t, u.orgId);
      assert.deepEqual({ used: state.used, rows: state.rows.length, stored: state.stored }, { used: 0, rows: 0, stored: [] });
      assert.equal((await rawUpload(u, '?key=q/fits-now.bin', randomBytes(4500), 'application/octet-stream')).statusCode, 201);
    });

    it('does not overshoot the quota with concurrent uploads', async () => {
      const u = await t.signup('race');
      await setStorageLimit(t, u.orgId, 10_000);
      const results = await Promise.all(
        Array.from({ length: 5 }, (_, i) => rawUpload(u, `?key=race/${i}.bin`, randomBytes(3000), 'application/octet-stream')),
      );
      const codes = results.map((r) => r.statusCode).sort();
      assert.deepEqual(codes, [201, 201, 201, 413, 413]);
      const state = await orgStorage(t, u.orgId);
      assert.equal(state.used, 9000);
      assert.equal(state.reserved, 0);
      assert.equal(state.rows.length, 3);
      assert.equal(state.stored.length, 3);
    });

    it("answers 404 for another tenant's files on every route", async () => {
      const mine = (await rawUpload(alice, '?key=private/secret.png', png, 'image/png')).json();
      for (const [method, url] of [
        ['GET', `/api/v1/files/${mine.id}`],
        ['GET', `/api/v1/files/${mine.id}/content`],
        ['GET', `/api/v1/files/${mine.id}/content?redirect=1`],
        ['DELETE', `/api/v1/files/${mine.id}`],
        ['POST', `/api/v1/files/${mine.id}/restore`],
        ['DELETE', `/api/v1/files/${mine.id}/permanent`],
      ] as const) {
        const res = await t.request(method, url, { token: bob.token });
        assert.equal(res.statusCode, 404, `${method} ${url}`);
        assert.equal(res.json().code, 'NOT_FOUND');
      }
      const bobs = await t.request('GET', '/api/v1/files?prefix=private/', { token: bob.token });
      assert.equal(bobs.json().total, 0);
      // Bob can use the same key in his own org: keys are per tenant.
      assert.equal((await rawUpload(bob, '?key=private/secret.png', png, 'image/png')).statusCode, 201);
      assert.equal((await t.request('GET', `/api/v1/files/${mine.id}`, { token: alice.token })).statusCode, 200);
    });

    it('trashes, lists the trash, restores, and purges after the retention period', async () => {
      const u = await t.signup('trash');
      const file = (await rawUpload(u, '?key=t/doc.png', png, 'image/png')).json();
      const trashed = await t.request('DELETE', `/api/v1/files/${file.id}`, { token: u.token });
      assert.equal(trashed.statusCode, 200);
      assert.ok(trashed.json().trashed_at);
      assert.equal(new Date(trashed.json().restore_until).getTime() - new Date(trashed.json().trashed_at).getTime(), 30 * DAY);
      assert.equal((await t.request('GET', '/api/v1/files', { token: u.token })).json().total, 0);
      const inTrash = await t.request('GET', '/api/v1/files?trashed=true', { token: u.token });
      assert.deepEqual(inTrash.json().items.map((i: { id: string }) => i.id), [file.id]);
      const blocked = await t.request('GET', `/api/v1/files/${file.id}/content`, { token: u.token });
      assert.equal(blocked.statusCode, 409);
      assert.equal(blocked.json().code, 'FILE_TRASHED');
      assert.equal((await t.request('DELETE', `/api/v1/files/${file.id}`, { token: u.token })).json().code, 'FILE_TRASHED');

      const restored = await t.request('POST', `/api/v1/files/${file.id}/restore`, { token: u.token });
      assert.equal(restored.statusCode, 200);
      assert.equal(restored.json().trashed_at, null);
      assert.equal((await t.request('POST', `/api/v1/files/${file.id}/restore`, { token: u.token })).json().code, 'FILE_NOT_TRASHED');

      await t.request('DELETE', `/api/v1/files/${file.id}`, { token: u.token });
      // Within retention nothing is purged.
      await purgeExpiredTrash(t.platform.ctx, new Date(Date.now() + 29 * DAY));
      assert.equal((await orgStorage(t, u.orgId)).rows.length, 1);
      // Past retention the file cannot be restored, and the purge deletes it for good.
      await withSystem(t.db, (tx) => tx.updateTable('storage_objects').set({ trashed_at: new Date(Date.now() - 31 * DAY) }).where('id', '=', file.id).execute());
      const late = await t.request('POST', `/api/v1/files/${file.id}/restore`, { token: u.token });
      assert.equal(late.statusCode, 410);
      assert.equal(late.json().code, 'TRASH_EXPIRED');
      const purged = await purgeExpiredTrash(t.platform.ctx);
      assert.ok(purged.objects >= 1);
      const state = await orgStorage(t, u.orgId);
      assert.deepEqual({ used: state.used, rows: state.rows.length, stored: state.stored }, { used: 0, rows: 0, stored: [] });
      assert.equal((await t.request('GET', `/api/v1/files/${file.id}`, { token: u.token })).statusCode, 404);
    });

    it("honours the org's trash_retention_days setting", async () => {
      const u = await t.signup('retention');
      await withSystem(t.db, (tx) => tx.updateTable('orgs').set({ settings: sql`settings || '{"trash_retention_days": 2}'::jsonb` }).where('id', '=', u.orgId).execute());
      const file = (await rawUpload(u, '?key=r/a.bin', Buffer.from('bytes'), 'application/octet-stream')).json();
      const trashed = (await t.request('DELETE', `/api/v1/files/${file.id}`, { token: u.token })).json();
      assert.equal(new Date(trashed.restore_until).getTime() - new Date(trashed.trashed_at).getTime(), 2 * DAY);
      await purgeExpiredTrash(t.platform.ctx, new Date(Date.now() + 1 * DAY));
      assert.equal((await orgStorage(t, u.orgId)).rows.length, 1);
      await purgeExpiredTrash(t.platform.ctx, new Date(Date.now() + 3 * DAY));
      assert.equal((await orgStorage(t, u.orgId)).rows.length, 0);
    });

    it('lets only admins delete for good, and audits it', async () => {
      const file = (await rawUpload(alice, '?key=audit/x.bin', Buffer.from('x'), 'application/octet-stream')).json();
      const key = await t.request('POST', '/api/v1/api-keys', { token: alice.token, body: { name: 'member key', role: 'member' } });
      const member = key.json().key;
      const denied = await t.request('DELETE', `/api/v1/files/${file.id}/permanent`, { token: member });
      assert.equal(denied.statusCode, 403);
      assert.equal(denied.json().code, 'INSUFFICIENT_ROLE');
      assert.equal((await t.request('DELETE', `/api/v1/files/${file.id}/permanent`, { token: alice.token })).statusCode, 204);
      const audit = await withSystem(t.db, (tx) => tx.selectFrom('audit_log').select(['action', 'actor_user_id']).where('target_id', '=', file.id).execute());
      assert.deepEqual(audit, [{ action: 'storage.object.deleted', actor_user_id: alice.userId }]);
      const viewerKey = (await t.request('POST', '/api/v1/api-keys', { token: alice.token, body: { name: 'viewer', role: 'viewer' } })).json().key;
      const viewerUpload = await rawUpload({ ...alice, token: viewerKey }, '', Buffer.from('x'), 'application/octet-stream');
      assert.equal(viewerUpload.statusCode, 403);
    });

    it('redirects to a presigned URL that serves that one object', async () => {
      const file = (await rawUpload(alice, '?key=share/pic.png', png, 'image/png')).json();
      const res = await t.request('GET', `/api/v1/files/${file.id}/content?redirect=1`, { token: alice.token });
      assert.equal(res.statusCode, 302);
      const location = String(res.headers.location);
      const got = await fetchLocation(location);
      assert.equal(got.status, 200);
      assert.ok(got.body.equals(png));
      assert.equal(got.headers['content-type'], 'image/png');
      const ranged = await fetchLocation(location, { range: 'bytes=0-3' });
      assert.equal(ranged.status, 206);
      assert.ok(ranged.body.equals(png.subarray(0, 4)));
      // SIGNED_URL_TTL_SECONDS: 15 minutes by default.
      if (driverName === 's3') {
        assert.match(location, /X-Amz-Expires=900/);
      } else {
        const url = new URL(location, 'http://x');
        const life = Number(url.searchParams.get('exp')) - Date.now() / 1000;
        assert.ok(life > 890 && life <= 900, `lives ${life} s`);
      }
    });

    if (driverName === 'local') {
      it('stops serving a signed URL once the file is trashed or the user it was issued to leaves the org', async () => {
        const file = (await rawUpload(alice, '?key=share/revoked.png', png, 'image/png')).json();
        const link = async (token: string) => String((await t.request('GET', `/api/v1/files/${file.id}/content?redirect=1`, { token })).headers.location);
        const aliceLink = await link(alice.token);
        assert.equal((await fetchLocation(aliceLink)).status, 200);
        assert.equal((await t.request('DELETE', `/api/v1/files/${file.id}`, { token: alice.token })).statusCode, 200);
        const trashed = await fetchLocation(aliceLink);
        assert.equal(trashed.status, 404);
        assert.equal(trashed.json().success, false);
        await t.request('POST', `/api/v1/files/${file.id}/restore`, { token: alice.token });
        assert.equal((await fetchLocation(aliceLink)).status, 200, 'restored: the link works again');

        const joined = await t.addMember(alice, 'member', 'leaver');
        const memberLink = await link(joined.token);
        assert.equal((await fetchLocation(memberLink)).status, 200);
        assert.equal((await t.request('DELETE', `/api/v1/members/${joined.userId}`, { token: alice.token })).statusCode, 204);
        assert.equal((await fetchLocation(memberLink)).status, 404, "a removed member's link stops at once");
        assert.equal((await fetchLocation(aliceLink)).status, 200, "the owner's link still works");
        const forged = new URL(memberLink, 'http://x');
        forged.searchParams.delete('u');
        assert.equal((await fetchLocation(forged.pathname + forged.search)).status, 403, 'the user is part of the signature');
      });

      it('has no signed upload route: writes go through the files API and its quota', async () => {
        const res = await t.server.inject({ method: 'PUT', url: `/storage/signed?m=PUT&k=${alice.orgId}/x.bin&exp=99999999999&sig=x`, payload: 'bytes' });
        // The path serves signed downloads (GET), so another method answers 405 with Allow: GET.
        assert.equal(res.statusCode, 405);
        assert.doesNotMatch(String(res.headers.allow), /PUT/);
      });

      it('refuses tampered and expired local signed URLs with a 403 envelope', async () => {
        const file = (await rawUpload(alice, '?key=share/tamper.png', png, 'image/png')).json();
        const location = String((await t.request('GET', `/api/v1/files/${file.id}/content?redirect=1`, { token: alice.token })).headers.location);
        const url = new URL(location, 'http://x');
        const otherKey = new URL(url);
        otherKey.searchParams.set('k', `${bob.orgId}/private/secret.png`);
        const longer = new URL(url);
        longer.searchParams.set('exp', String(Number(url.searchParams.get('exp')) + 86_400));
        for (const forged of [otherKey, longer]) {
          const res = await t.server.inject({ method: 'GET', url: forged.pathname + forged.search });
          assert.equal(res.statusCode, 403);
          assert.equal(res.json().code, 'INVALID_SIGNATURE');
          assert.equal(res.json().success, false);
        }
        const driver = t.platform.ctx.storage.driver as LocalDiskDriver;
        const expires = Math.floor(Date.now() / 1000) - 10;
        const key = url.searchParams.get('k')!;
        const sig = driver.signer.sign({ method: 'GET', key, expires });
        const expired = await t.server.inject({ method: 'GET', url: `/storage/signed?${new URLSearchParams({ m: 'GET', k: key, exp: String(expires), sig })}` });
        assert.equal(expired.statusCode, 403);
        assert.equal(expired.json().code, 'SIGNED_URL_EXPIRED');
      });
    }

    it('applies lifecycle rules: expiry set at upload, applyLifecycle deletes for good', async () => {
      const u = await t.signup('lifecycle');
      const file = (await rawUpload(u, '?key=scratch/tmp.bin', Buffer.from('temporary'), 'application/octet-stream')).json();
      assert.equal(file.lifecycle_class, 'scratch');
      const lifetime = new Date(file.expires_at).getTime() - Date.now();
      assert.ok(lifetime > 0.99 * DAY && lifetime <= DAY, `expires in ${lifetime} ms`);
      const keep = (await rawUpload(u, '?key=keep/a.bin', Buffer.from('keep'), 'application/octet-stream')).json();
      assert.equal(keep.expires_at, null);
      assert.equal((await applyLifecycle(t.platform.ctx)).objects, 0);
      const result = await applyLifecycle(t.platform.ctx, new Date(Date.now() + 2 * DAY));
      assert.ok(result.objects >= 1);
      const state = await orgStorage(t, u.orgId);
      assert.deepEqual(state.rows.map((r) => r.key), ['keep/a.bin']);
      assert.equal(state.used, 4);
      assert.deepEqual(state.stored, [`${u.orgId}/keep/a.bin`]);
    });
  });
}

filesSuite('local');
filesSuite('s3');

import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import sharp from 'sharp';
import { createSocialApp, socialApp } from '../../../src/apps/social/index.js';
import { storageMediaStager } from '../../../src/apps/social/providers/storage-stager.js';
import { withTenant } from '../../../src/platform/db/tenant.js';
import { tenantStorageKey } from '../../../src/platform/storage/keys.js';
import { startTestPlatform, type TestPlatform, type TestUser } from '../../support/platform.js';
import { multipartForm } from '../../support/multipart.js';
import { dataOf } from './social-fixture.js';

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/**
 * The app as deployed (no fakes): OAuth clients from SOCIAL_* settings, Mastodon instances
 * checked for private addresses, Instagram's media served from storage by signed URL.
 */
describe('social providers from settings', () => {
  let t: TestPlatform;
  let owner: TestUser;
  let port: number;
  before(async () => {
    port = await freePort();
    t = await startTestPlatform({
      apps: [socialApp],
      env: { PUBLIC_URL: `http://127.0.0.1:${port}`, SOCIAL_X_CLIENT_ID: 'x-client-from-settings', SOCIAL_X_CLIENT_SECRET: 'x-secret' },
    });
    await t.server.listen({ port, host: '127.0.0.1' });
    owner = await t.signup('social-settings');
  });
  after(() => t?.close());

  it('sends people to the network with the configured OAuth client, and says which client is missing', async () => {
    const { authorize_url } = dataOf<{ authorize_url: string }>(await t.request('POST', '/social/api/accounts/connect/x', { token: owner.token, body: {} }));
    const url = new URL(authorize_url);
    assert.equal(url.origin, 'https://x.com');
    assert.equal(url.searchParams.get('client_id'), 'x-client-from-settings');
    const linkedin = await t.request('POST', '/social/api/accounts/connect/linkedin', { token: owner.token, body: {} });
    assert.equal(linkedin.statusCode, 422);
    assert.equal(linkedin.json().code, 'SOCIAL_CLIENT_MISSING');
  });

  it('refuses at start half an OAuth client', async () => {
    await assert.rejects(
      startTestPlatform({ apps: [createSocialApp()], env: { SOCIAL_FACEBOOK_APP_ID: 'only-the-id' } }),
      (err: Error) => /SOCIAL_FACEBOOK_APP_SECRET: set together with SOCIAL_FACEBOOK_APP_ID/.test(err.message),
    );
  });

  it('refuses an instance address DNS cannot have with 400, before any lookup', async () => {
    for (const instance of ['XQ`', 'ex_ample.com', 'a..b']) {
      const res = await t.request('POST', '/social/api/accounts/connect/mastodon', { token: owner.token, body: { instance_url: instance } });
      assert.equal(res.statusCode, 400, `${instance}: ${res.body}`);
      assert.equal(res.json().code, 'SOCIAL_INSTANCE_INVALID', instance);
    }
  });

  it('refuses Mastodon instances on private or local addresses before calling them', async () => {
    for (const instance of ['127.0.0.1:5432', 'localhost', 'http://169.254.169.254', '[::1]:8080', '10.0.0.7']) {
      const res = await t.request('POST', '/social/api/accounts/connect/mastodon', { token: owner.token, body: { instance_url: instance } });
      assert.equal(res.statusCode, 422, `${instance}: ${res.body}`);
      assert.equal(res.json().code, 'SOCIAL_INSTANCE_NOT_PUBLIC', instance);
      assert.match(res.json().error, /SOCIAL_MASTODON_ALLOW_PRIVATE_INSTANCES/);
    }
  });

  it("stages Instagram's media as a signed URL of the stored object that anyone can fetch until it expires", async () => {
    // A real library upload: signed URLs serve only objects the catalog knows.
    const bytes = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#c9a227' } }).png().toBuffer();
    const form = multipartForm({}, [{ field: 'file', filename: 'staged.png', type: 'image/png', data: bytes }]);
    const media = dataOf<{ id: string }>(await t.server.inject({ method: 'POST', url: '/social/api/media', headers: { authorization: `Bearer ${owner.token}`, 'content-type': form.contentType }, payload: form.payload }), 201);
    const { storage_key } = (await withTenant(t.db, { orgId: owner.orgId }, (tx) => tx.selectFrom('social_media_assets' as never).selectAll().where('id' as never, '=', media.id as never).executeTakeFirstOrThrow())) as { storage_key: string };
    const key = tenantStorageKey(owner.orgId, storage_key);
    const opened = Readable.from(bytes);
    const staged = await storageMediaStager(t.platform.ctx).stage({ data: opened, storageKey: key, contentType: 'image/png', size: bytes.length });
    assert.ok(staged.url.startsWith(`http://127.0.0.1:${port}/`), staged.url);
    assert.ok(opened.destroyed, 'the opened stream is released, not left open');
    const res = await fetch(staged.url);
    assert.equal(res.status, 200);
    assert.deepEqual(Buffer.from(await res.arrayBuffer()), bytes);
    const tampered = await fetch(staged.url.replace(/sig=[^&]+/, 'sig=forged'));
    assert.ok(tampered.status >= 400 && tampered.status < 500, `a forged signature is refused (${tampered.status})`);
  });

  it('says to set PUBLIC_URL when Instagram could not reach a local-disk URL', async () => {
    const bare = await startTestPlatform({ apps: [createSocialApp()] });
    try {
      const user = await bare.signup('social-no-public-url');
      const key = tenantStorageKey(user.orgId, 'social/media/x.jpg');
      await bare.platform.ctx.storage.driver.put(key, Readable.from(Buffer.from('x')));
      await assert.rejects(storageMediaStager(bare.platform.ctx).stage({ data: Buffer.from('x'), storageKey: key, contentType: 'image/jpeg', size: 1 }), (err: Error & { code?: string }) => {
        assert.equal(err.code, 'SOCIAL_PUBLIC_URL_MISSING');
        assert.match(err.message, /set PUBLIC_URL/);
        return true;
      });
    } finally {
      await bare.close();
    }
  });
});

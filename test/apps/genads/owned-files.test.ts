import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { startTestPlatform, type TestPlatform } from '../../support/platform.js';
import { assertError } from '../../support/envelope.js';
import { genadsApp } from '../../../src/apps/genads/index.js';
import { GenAdsClient } from './support/genads-client.js';
import { logoPng } from './support/images.js';

/** GenAds' files (logos, guidelines, product shots, videos) are read-only in the generic files API. */
describe('genads files in /api/v1/files', () => {
  let t: TestPlatform;
  let ana: GenAdsClient;
  before(async () => {
    t = await startTestPlatform({ apps: [genadsApp], env: { WORKERS: 'off' } });
    ana = new GenAdsClient(t, await t.signup('owned-genads'));
    await ana.onboard(`Owned ${randomBytes(3).toString('hex')}`);
  });
  after(() => t.close());

  it('lets a member read a logo but not trash or overwrite it, and the app still updates it', async () => {
    const member = (await t.addMember(ana.user, 'member', 'genads-member')).token;
    const files = (await t.request('GET', '/api/v1/files?prefix=brands/', { token: member })).json().items as Array<{ id: string; key: string; sha256: string }>;
    const logo = files.find((f) => f.key.endsWith('/brand_logo.png'))!;
    assert.ok(logo, 'the logo is listed');
    assert.equal((await t.request('GET', `/api/v1/files/${logo.id}/content`, { token: member })).statusCode, 200);
    assertError(await t.request('DELETE', `/api/v1/files/${logo.id}`, { token: member }), 403, 'APP_OWNED_FILE');
    assertError(await t.request('DELETE', `/api/v1/files/${logo.id}/permanent`, { token: ana.user.token }), 403, 'APP_OWNED_FILE');
    assertError(await t.request('POST', `/api/v1/files?key=${encodeURIComponent(logo.key.replace('brand_logo.png', 'planted.png'))}`, { token: member, raw: await logoPng(), headers: { 'content-type': 'image/png' } }), 403, 'APP_OWNED_FILE');
    assert.equal((await ana.get('/genads/api/brands/me/logo')).statusCode, 302, 'the logo is still served');

    const updated = await ana.form('PUT', '/genads/api/brands/me', {}, [{ field: 'logo', filename: 'new.png', type: 'image/png', data: await logoPng(200) }]);
    assert.equal(updated.statusCode, 200, updated.body);
    const after = (await t.request('GET', `/api/v1/files?prefix=${encodeURIComponent(logo.key)}`, { token: member })).json().items;
    assert.equal(after.length, 1);
    assert.notEqual(after[0].sha256, logo.sha256, 'the app replaced its own logo');
  });
});

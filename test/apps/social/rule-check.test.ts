import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import sharp from 'sharp';
import type { TestPlatform, TestUser } from '../../support/platform.js';
import { multipartForm } from '../../support/multipart.js';
import { dataOf, startSocial } from './social-fixture.js';

/** POST /social/api/posts/check: the composer's live per-network answers, from the publisher's own rules. */
describe('social draft rule check', () => {
  let t: TestPlatform;
  let owner: TestUser;
  let viewer: TestUser;
  let stranger: TestUser;
  let pngId: string;
  before(async () => {
    t = await startSocial();
    owner = await t.signup('rules-owner');
    viewer = await t.addMember(owner, 'viewer');
    stranger = await t.signup('rules-stranger');
    const png = await sharp({ create: { width: 32, height: 32, channels: 3, background: '#cc3366' } }).png().toBuffer();
    const form = multipartForm({ name: 'pink' }, [{ field: 'file', filename: 'pink.png', type: 'image/png', data: png }]);
    pngId = dataOf(await t.server.inject({ method: 'POST', url: '/social/api/media', headers: { authorization: `Bearer ${owner.token}`, 'content-type': form.contentType }, payload: form.payload }), 201).id;
  });
  after(() => t.close());

  const check = (token: string, body: unknown) => t.request('POST', '/social/api/posts/check', { token, body });

  it('counts each network its own way and names the broken rules, variants replacing the text', async () => {
    const long = 'a'.repeat(290);
    const answers = dataOf(await check(viewer.token, { text: long, networks: ['x', 'mastodon', 'instagram'], variants: { mastodon: { text: 'short' } } }));
    const by = Object.fromEntries(answers.map((a: { network: string }) => [a.network, a]));
    assert.equal(by.x.length, 290);
    assert.equal(by.x.max_length, 280);
    assert.deepEqual(by.x.violations.map((v: { rule: string }) => v.rule), ['text_too_long']);
    assert.match(by.x.violations[0].message, /shorten it by 10/);
    assert.equal(by.mastodon.length, 5);
    assert.deepEqual(by.mastodon.violations, []);
    assert.deepEqual(by.instagram.violations.map((v: { rule: string }) => v.rule), ['media_required']);
  });

  it('checks media types per network: Instagram takes JPEG only', async () => {
    const answers = dataOf(await check(owner.token, { text: 'hello', networks: ['instagram', 'x'], media: { '*': [pngId] } }));
    const by = Object.fromEntries(answers.map((a: { network: string }) => [a.network, a]));
    assert.deepEqual(by.instagram.violations.map((v: { rule: string }) => v.rule), ['media_type']);
    assert.deepEqual(by.x.violations, []);
  });

  it('answers 404 for another workspace\'s media and 400 for an unknown network', async () => {
    const res = await check(stranger.token, { text: 'hi', networks: ['x'], media: { '*': [pngId] } });
    assert.equal(res.statusCode, 404);
    assert.equal((await check(owner.token, { text: 'hi', networks: ['myspace'] })).statusCode, 400);
    assert.equal((await check(owner.token, { text: 'hi', networks: [] })).statusCode, 400);
  });
});

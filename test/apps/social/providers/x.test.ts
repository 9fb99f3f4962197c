import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { createPkce } from '../../../../src/apps/social/oauth/pkce.js';
import { ProviderError } from '../../../../src/apps/social/providers/errors.js';
import { XProvider } from '../../../../src/apps/social/providers/x.js';
import { startFakeNetworks, type FakeNetworks } from '../fakes/index.js';
import { fakeImage, oauthRoundTrip, REDIRECT_URI } from './connect.js';

describe('X adapter (API v2)', () => {
  let fakes: FakeNetworks;
  let x: XProvider;
  before(async () => {
    fakes = await startFakeNetworks();
    x = new XProvider(fakes.providers.x);
  });
  after(() => fakes.close());

  it('connects through authorization code + PKCE (S256) with HTTP Basic client auth, and refreshes with rotation', async () => {
    const [account] = await oauthRoundTrip(x);
    assert.equal(account.remoteId, fakes.x.account.id);
    assert.equal(account.handle, 'fakex');
    assert.ok(account.tokens.refreshToken);
    assert.ok(account.tokens.expiresAt! > new Date());
    const tokenCall = fakes.x.callsTo(/oauth2\/token$/).at(-1)!;
    assert.match(tokenCall.headers.authorization!, /^Basic /);

    const refreshed = await x.refresh(account.tokens);
    assert.notEqual(refreshed.accessToken, account.tokens.accessToken);
    assert.notEqual(refreshed.refreshToken, account.tokens.refreshToken);
    // The old refresh token was rotated away: using it again means the grant is gone.
    await assert.rejects(x.refresh(account.tokens), (e: ProviderError) => e.kind === 'auth_revoked');
    const posted = await x.publish(refreshed, { text: 'posted with a refreshed token', media: [] });
    assert.ok(fakes.x.tweets.has(posted.remoteId));
  });

  it('asks for PKCE in the authorize URL and refuses a code exchanged with the wrong verifier', async () => {
    const pkce = createPkce();
    const url = new URL(x.authorizeUrl({ state: 's1', codeChallenge: pkce.challenge, redirectUri: REDIRECT_URI }));
    assert.equal(url.searchParams.get('code_challenge_method'), 'S256');
    assert.equal(url.searchParams.get('scope'), 'tweet.read tweet.write users.read offline.access media.write');
    const res = await fetch(url, { redirect: 'manual' });
    const code = new URL(res.headers.get('location')!).searchParams.get('code')!;
    await assert.rejects(x.exchangeCode({ code, codeVerifier: createPkce().verifier, redirectUri: REDIRECT_URI }), (e: ProviderError) => e.kind === 'invalid_request' && /code_verifier/.test(e.message));
    // And the code is single-use: the right verifier now fails too.
    await assert.rejects(x.exchangeCode({ code, codeVerifier: pkce.verifier, redirectUri: REDIRECT_URI }), (e: ProviderError) => e.kind === 'invalid_request');
  });

  it('publishes text, reads its public_metrics, deletes it', async () => {
    const [{ tokens }] = await oauthRoundTrip(x);
    const result = await x.publish(tokens, { text: 'Hello X', media: [] });
    assert.equal(result.url, `https://x.com/i/web/status/${result.remoteId}`);
    assert.equal(fakes.x.tweets.get(result.remoteId)!.text, 'Hello X');
    Object.assign(fakes.x.tweets.get(result.remoteId)!.metrics, { impression_count: 1200, like_count: 40, reply_count: 3, retweet_count: 5, quote_count: 2 });
    assert.deepEqual(await x.fetchMetrics(tokens, result.remoteId), { impressions: 1200, reactions: 40, comments: 3, shares: 7 });
    await x.deletePost(tokens, result.remoteId);
    await assert.rejects(x.fetchMetrics(tokens, result.remoteId), (e: ProviderError) => e.kind === 'invalid_request' && /no such post/.test(e.message));
  });

  it('uploads an image in order (initialize → append → finalize → alt text) before the post', async () => {
    const [{ tokens }] = await oauthRoundTrip(x);
    const start = fakes.x.calls.length;
    const result = await x.publish(tokens, { text: 'with a picture', media: [fakeImage(3000, 'image/png', 'A red square')] });
    const steps = fakes.x.calls.slice(start).map((c) => `${c.method} ${c.path.replace(/\d{10,}/, ':id')}`);
    assert.deepEqual(steps, ['POST /2/media/upload/initialize', 'POST /2/media/upload/:id/append', 'POST /2/media/upload/:id/finalize', 'POST /2/media/metadata', 'POST /2/tweets']);
    const tweet = fakes.x.tweets.get(result.remoteId)!;
    assert.equal(tweet.mediaIds.length, 1);
    assert.equal(fakes.x.uploads.get(tweet.mediaIds[0])!.alt, 'A red square');
  });

  it('streams a video in 4 MB segments and polls STATUS until X has processed it', async () => {
    const [{ tokens }] = await oauthRoundTrip(x);
    const size = 9 * 1024 * 1024 + 5;
    const bytes = Buffer.alloc(size, 1);
    const start = fakes.x.calls.length;
    const result = await x.publish(tokens, { text: 'a video', media: [{ data: Readable.from([bytes.subarray(0, 1000), bytes.subarray(1000)]), contentType: 'video/mp4', size }] });
    const calls = fakes.x.calls.slice(start);
    assert.equal(calls.filter((c) => /append$/.test(c.path)).length, 3);
    assert.equal(calls.filter((c) => c.path === '/2/media/upload' && c.method === 'GET').length, fakes.x.videoPolls);
    const upload = fakes.x.uploads.get(fakes.x.tweets.get(result.remoteId)!.mediaIds[0])!;
    assert.deepEqual([...upload.segments.keys()], [0, 1, 2]);
    assert.equal(Buffer.concat([...upload.segments.values()]).equals(bytes), true);
  });

  it('a stream shorter than its declared size is refused before the post is created', async () => {
    const [{ tokens }] = await oauthRoundTrip(x);
    const before = fakes.x.tweets.size;
    await assert.rejects(x.publish(tokens, { text: 'short', media: [{ data: Readable.from([Buffer.alloc(100)]), contentType: 'image/png', size: 200 }] }), /declared as 200 bytes but holds 100/);
    assert.equal(fakes.x.tweets.size, before);
  });

  it('passes X\'s own refusal through as invalid_request (duplicate content), not retryable', async () => {
    const [{ tokens }] = await oauthRoundTrip(x);
    await x.publish(tokens, { text: 'same words twice', media: [] });
    await assert.rejects(x.publish(tokens, { text: 'same words twice', media: [] }), (e: ProviderError) => e.kind === 'invalid_request' && /duplicate content/.test(e.message) && !e.retryable);
  });
});

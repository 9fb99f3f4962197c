import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ProviderError } from '../../../../src/apps/social/providers/errors.js';
import { FacebookProvider } from '../../../../src/apps/social/providers/facebook.js';
import { InstagramProvider } from '../../../../src/apps/social/providers/instagram.js';
import { startFakeNetworks, type FakeNetworks } from '../fakes/index.js';
import { fakeImage, oauthRoundTrip } from './connect.js';

describe('Facebook Pages adapter (Graph API)', () => {
  let fakes: FakeNetworks;
  let fb: FacebookProvider;
  before(async () => {
    fakes = await startFakeNetworks();
    fb = new FacebookProvider(fakes.providers.facebook);
  });
  after(() => fakes.close());

  it('connects one account per page the user can post to, each with its page token', async () => {
    const accounts = await oauthRoundTrip(fb);
    assert.deepEqual(accounts.map((a) => a.remoteId), ['100200300']); // the analyst-only page is left out
    assert.equal(accounts[0].displayName, 'Fake Page');
    // Code → short-lived token → fb_exchange_token → /me/accounts.
    assert.equal(fakes.facebook.callsTo(/oauth\/access_token$/).length, 2);
    // Page tokens do not expire; refresh checks the token still works.
    assert.deepEqual(await fb.refresh(accounts[0].tokens), accounts[0].tokens);
    fakes.facebook.revoke(accounts[0].tokens.accessToken);
    await assert.rejects(fb.refresh(accounts[0].tokens), (e: ProviderError) => e.kind === 'auth_revoked');
  });

  it('publishes text (and a link) to /feed, one photo to /photos, several photos as attached_media', async () => {
    const [{ tokens }] = await oauthRoundTrip(fb);
    const text = await fb.publish(tokens, { text: 'Hello page', media: [], link: 'https://example.com/launch' });
    assert.match(text.remoteId, /^100200300_/);
    assert.equal(fakes.facebook.posts.get(text.remoteId)!.link, 'https://example.com/launch');

    const one = await fb.publish(tokens, { text: 'One photo', media: [fakeImage(1000, 'image/png')] });
    assert.equal(fakes.facebook.posts.get(one.remoteId)!.message, 'One photo');
    assert.equal(fakes.facebook.photos.get(fakes.facebook.posts.get(one.remoteId)!.photoIds[0])!.bytes.length, 1000);

    const start = fakes.facebook.calls.length;
    const many = await fb.publish(tokens, { text: 'Three photos', media: [fakeImage(), fakeImage(), fakeImage()] });
    const steps = fakes.facebook.calls.slice(start).map((c) => c.path.split('/').pop());
    assert.deepEqual(steps, ['photos', 'photos', 'photos', 'feed']);
    assert.equal(fakes.facebook.posts.get(many.remoteId)!.photoIds.length, 3);
  });

  it('publishes a video: Facebook fetches it from the staged URL, and its status is read until it is ready', async () => {
    const [{ tokens }] = await oauthRoundTrip(fb);
    const bytes = Buffer.from(Array.from({ length: 30_000 }, (_, i) => i % 241));
    fakes.facebook.videoPolls = 2;
    const start = fakes.facebook.calls.length;
    const result = await fb.publish(tokens, { text: 'Our film', media: [{ data: bytes, contentType: 'video/mp4', size: bytes.length }] });
    const steps = fakes.facebook.calls.slice(start).map((c) => `${c.method} ${c.path.replace(/\/\d{6,}$/, '/:id')}`);
    assert.deepEqual(steps, ['POST /v21.0/100200300/videos', 'GET /v21.0/:id', 'GET /v21.0/:id', 'GET /v21.0/:id']);
    const video = fakes.facebook.videos.get(result.remoteId)!;
    assert.equal(video.bytes.equals(bytes), true);
    assert.equal(video.description, 'Our film');
    assert.equal(result.url, `https://www.facebook.com/100200300/videos/${result.remoteId}`);
    assert.equal(fakes.mediaHost.staged.size, 0, 'the staged URL is released');
  });

  it("a video Facebook cannot process fails with its reason, not retried; one whose status cannot be read counts as published (a retry would post it twice)", async () => {
    const [{ tokens }] = await oauthRoundTrip(fb);
    const video = () => ({ data: Buffer.alloc(4000, 1), contentType: 'video/mp4', size: 4000 });
    fakes.facebook.videoPolls = 0;
    fakes.facebook.videoProcessingFailure = 'The video file you uploaded is corrupt';
    try {
      await assert.rejects(fb.publish(tokens, { text: 'corrupt', media: [video()] }), (e: ProviderError) => e.kind === 'invalid_request' && !e.retryable && /could not process the video \(The video file you uploaded is corrupt\)/.test(e.message));
    } finally {
      fakes.facebook.videoProcessingFailure = undefined;
    }
    fakes.facebook.failNext(500, /^\/v21\.0\/\d+$/);
    const result = await fb.publish(tokens, { text: 'status unreadable', media: [video()] });
    assert.equal(fakes.facebook.videos.get(result.remoteId)!.description, 'status unreadable');
    assert.equal(fakes.facebook.calls.filter((c) => c.method === 'GET' && c.path === `/v21.0/${result.remoteId}`).length, 1, 'one status read, which failed');
  });

  it('reads impressions and clicks from insights, reactions, comments and shares from the post', async () => {
    const [{ tokens }] = await oauthRoundTrip(fb);
    const { remoteId } = await fb.publish(tokens, { text: 'Measure me', media: [] });
    assert.deepEqual(await fb.fetchMetrics(tokens, remoteId), { impressions: 0, clicks: 0, reactions: 0, comments: 0, shares: 0 });
    Object.assign(fakes.facebook.posts.get(remoteId)!, { impressions: 900, clicks: 31, reactions: 25, comments: 6, shares: 2 });
    assert.deepEqual(await fb.fetchMetrics(tokens, remoteId), { impressions: 900, clicks: 31, reactions: 25, comments: 6, shares: 2 });
  });

  it('an expired token answers 400 with code 190, which is auth_revoked', async () => {
    const [{ tokens }] = await oauthRoundTrip(fb);
    fakes.facebook.expire(tokens.accessToken);
    await assert.rejects(fb.publish(tokens, { text: 'x', media: [] }), (e: ProviderError) => e.kind === 'auth_revoked' && e.networkStatus === 400 && /Error validating access token/.test(e.message));
  });
});

describe('Instagram adapter (container → status → media_publish)', () => {
  let fakes: FakeNetworks;
  let ig: InstagramProvider;
  before(async () => {
    fakes = await startFakeNetworks();
    ig = new InstagramProvider(fakes.providers.instagram);
  });
  after(() => fakes.close());

  it('connects: short-lived code token → 60-day token (ig_exchange_token), and refreshes it (ig_refresh_token)', async () => {
    const [account] = await oauthRoundTrip(ig);
    assert.equal(account.remoteId, fakes.instagram.account.userId);
    assert.equal(account.handle, 'fake.insta');
    assert.ok(account.tokens.expiresAt!.getTime() > Date.now() + 59 * 86400_000);
    const refreshed = await ig.refresh(account.tokens);
    assert.notEqual(refreshed.accessToken, account.tokens.accessToken);
    fakes.instagram.revoke(refreshed.accessToken);
    await assert.rejects(ig.refresh(refreshed), (e: ProviderError) => e.kind === 'auth_revoked');
  });

  it('publishes an image: container (Instagram downloads the staged URL), status polls, media_publish, permalink; the staged file is released', async () => {
    fakes.instagram.processingPolls = 3;
    const [{ tokens }] = await oauthRoundTrip(ig);
    const start = fakes.instagram.calls.length;
    const result = await ig.publish(tokens, { text: 'A caption #summer', media: [fakeImage(4000, 'image/jpeg', 'a beach')] });
    const steps = fakes.instagram.calls.slice(start).map((c) => `${c.method} ${c.path.replace(/\/(cont|1790)\d+/, '/:id').replace(/\/\d{17}\//, '/:user/')}`);
    assert.deepEqual(steps, ['POST /v21.0/:user/media', 'GET /v21.0/:id', 'GET /v21.0/:id', 'GET /v21.0/:id', 'POST /v21.0/:user/media_publish', 'GET /v21.0/:id']);
    assert.match(result.url, /^https:\/\/www\.instagram\.com\/p\//);
    const container = fakes.instagram.containers.get(fakes.instagram.media.get(result.remoteId)!.container)!;
    assert.equal(container.fetched!.length, 4000);
    assert.equal(container.caption, 'A caption #summer');
    assert.equal(fakes.mediaHost.staged.size, 0);
    fakes.instagram.processingPolls = 1;
  });

  it('publishes several items as a carousel of child containers', async () => {
    const [{ tokens }] = await oauthRoundTrip(ig);
    const result = await ig.publish(tokens, { text: 'Carousel', media: [fakeImage(), fakeImage(), fakeImage()] });
    const parent = fakes.instagram.containers.get(fakes.instagram.media.get(result.remoteId)!.container)!;
    assert.equal(parent.kind, 'CAROUSEL');
    assert.equal(parent.children!.length, 3);
  });

  it('a container Instagram cannot process (not a JPEG) fails as invalid_request with its status, and nothing is published', async () => {
    const [{ tokens }] = await oauthRoundTrip(ig);
    const before = fakes.instagram.media.size;
    await assert.rejects(ig.publish(tokens, { text: 'png', media: [fakeImage(100, 'image/png')] }), (e: ProviderError) => e.kind === 'invalid_request' && /ERROR: Error: Only JPEG/.test(e.message));
    assert.equal(fakes.instagram.media.size, before);
    assert.equal(fakes.mediaHost.staged.size, 0);
  });

  it('media is required, before any request', async () => {
    const [{ tokens }] = await oauthRoundTrip(ig);
    const start = fakes.instagram.calls.length;
    await assert.rejects(ig.publish(tokens, { text: 'text only', media: [] }), (e: { status: number; message: string }) => e.status === 422 && /at least one image or video/.test(e.message));
    assert.equal(fakes.instagram.calls.length, start);
  });

  it('reads views, likes, comments and shares from insights', async () => {
    const [{ tokens }] = await oauthRoundTrip(ig);
    const { remoteId } = await ig.publish(tokens, { text: 'Measure', media: [fakeImage()] });
    Object.assign(fakes.instagram.media.get(remoteId)!, { views: 500, likes: 44, comments: 5, shares: 3 });
    assert.deepEqual(await ig.fetchMetrics(tokens, remoteId), { impressions: 500, reactions: 44, comments: 5, shares: 3 });
  });
});

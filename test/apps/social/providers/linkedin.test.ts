import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { ProviderError } from '../../../../src/apps/social/providers/errors.js';
import { escapeLinkedInText, LinkedInProvider } from '../../../../src/apps/social/providers/linkedin.js';
import { startFakeNetworks, type FakeNetworks } from '../fakes/index.js';
import { LINKEDIN_VIDEO_PART_BYTES } from '../fakes/fake-linkedin.js';
import { fakeImage, oauthRoundTrip } from './connect.js';

describe('LinkedIn adapter (Posts API)', () => {
  let fakes: FakeNetworks;
  let li: LinkedInProvider;
  before(async () => {
    fakes = await startFakeNetworks();
    li = new LinkedInProvider(fakes.providers.linkedin);
  });
  after(() => fakes.close());

  it('connects (code exchange with the client secret in the form), names the member by URN, refreshes keeping the refresh token', async () => {
    const [account] = await oauthRoundTrip(li);
    assert.equal(account.remoteId, 'urn:li:person:aBcD123');
    assert.equal(account.displayName, 'Fake LinkedIn Member');
    const refreshed = await li.refresh(account.tokens);
    assert.notEqual(refreshed.accessToken, account.tokens.accessToken);
    assert.equal(refreshed.refreshToken, account.tokens.refreshToken);
  });

  it('publishes text with the versioned headers; reserved characters are escaped and arrive intact', async () => {
    const [{ tokens }] = await oauthRoundTrip(li);
    const text = 'Launch day (finally) #product @team [v2] *bold* _x_ ~y~ a\\b';
    const result = await li.publish(tokens, { text, media: [] });
    assert.match(result.remoteId, /^urn:li:share:/);
    assert.equal(result.url, `https://www.linkedin.com/feed/update/${result.remoteId}/`);
    assert.equal(fakes.linkedin.posts.get(result.remoteId)!.text, text);
    const call = fakes.linkedin.callsTo(/^\/rest\/posts$/).at(-1)!;
    assert.equal(call.headers['linkedin-version'], '202411');
    assert.equal(call.headers['x-restli-protocol-version'], '2.0.0');
    assert.equal(escapeLinkedInText('(a)'), '\\(a\\)');
  });

  it('uploads images (initializeUpload then PUT) and posts them as multiImage with alt text', async () => {
    const [{ tokens }] = await oauthRoundTrip(li);
    const start = fakes.linkedin.calls.length;
    const result = await li.publish(tokens, { text: 'Two photos', media: [fakeImage(1500, 'image/jpeg', 'first'), fakeImage(1600, 'image/png', 'second')] });
    const steps = fakes.linkedin.calls.slice(start).map((c) => `${c.method} ${c.path.replace(/D4E\d+/, ':id')}`);
    assert.deepEqual(steps, ['POST /rest/images', 'PUT /dms-uploads/:id', 'POST /rest/images', 'PUT /dms-uploads/:id', 'POST /rest/posts']);
    const content = fakes.linkedin.posts.get(result.remoteId)!.content as { multiImage: { images: Array<{ id: string; altText: string }> } };
    assert.deepEqual(content.multiImage.images.map((i) => i.altText), ['first', 'second']);
    assert.equal(fakes.linkedin.images.get(content.multiImage.images[1].id)!.bytes!.length, 1600);
  });

  it('uploads a video in 4 MB parts streamed from storage, finalizes with the ETags in order, waits for AVAILABLE, then posts it', async () => {
    const [{ tokens }] = await oauthRoundTrip(li);
    const size = 2 * LINKEDIN_VIDEO_PART_BYTES + 1234;
    const bytes = Buffer.alloc(size);
    for (let i = 0; i < size; i += 4096) bytes[i] = (i / 4096) % 251; // parts that differ, so order matters
    fakes.linkedin.videoPolls = 2;
    const start = fakes.linkedin.calls.length;
    const result = await li.publish(tokens, { text: 'Our launch film', media: [{ data: Readable.from([bytes.subarray(0, 1000), bytes.subarray(1000)]), contentType: 'video/mp4', size }] });
    const steps = fakes.linkedin.calls.slice(start).map((c) => `${c.method} ${c.path.replace(/C5F\d+/, ':id')}`);
    assert.deepEqual(steps, [
      'POST /rest/videos', 'PUT /dms-uploads/video/:id/0', 'PUT /dms-uploads/video/:id/1', 'PUT /dms-uploads/video/:id/2', 'POST /rest/videos',
      'GET /rest/videos/urn%3Ali%3Avideo%3A:id', 'GET /rest/videos/urn%3Ali%3Avideo%3A:id', 'GET /rest/videos/urn%3Ali%3Avideo%3A:id', 'POST /rest/posts',
    ]);
    const content = fakes.linkedin.posts.get(result.remoteId)!.content as { media: { id: string } };
    assert.match(content.media.id, /^urn:li:video:/);
    assert.equal(fakes.linkedin.videos.get(content.media.id)!.bytes!.equals(bytes), true, 'the parts reassemble into the file');
  });

  it("a video LinkedIn cannot process fails with its reason and what to do; one still processing after every poll is retried later", async () => {
    const [{ tokens }] = await oauthRoundTrip(li);
    const video = () => ({ data: Buffer.alloc(5000, 9), contentType: 'video/mp4', size: 5000 });
    const posts = fakes.linkedin.posts.size;
    fakes.linkedin.videoPolls = 0;
    fakes.linkedin.videoProcessingFailure = 'Video codec not supported';
    try {
      await assert.rejects(li.publish(tokens, { text: 'broken film', media: [video()] }), (e: ProviderError) => e.kind === 'invalid_request' && /could not process the video \(Video codec not supported\); export it again as MP4/.test(e.message));
    } finally {
      fakes.linkedin.videoProcessingFailure = undefined;
    }
    const slow = new LinkedInProvider({ ...fakes.providers.linkedin, maxPolls: 2 });
    fakes.linkedin.videoPolls = 5;
    await assert.rejects(slow.publish(tokens, { text: 'slow film', media: [video()] }), (e: ProviderError) => e.kind === 'unavailable' && /still processing the video after 2 checks/.test(e.message));
    assert.equal(fakes.linkedin.posts.size, posts, 'no post without its video');
  });

  it('reads reactions and comments from socialActions', async () => {
    const [{ tokens }] = await oauthRoundTrip(li);
    const result = await li.publish(tokens, { text: 'metrics please', media: [] });
    Object.assign(fakes.linkedin.posts.get(result.remoteId)!, { likes: 12, comments: 4 });
    assert.deepEqual(await li.fetchMetrics(tokens, result.remoteId), { reactions: 12, comments: 4 });
  });

  it('a token without a refresh token cannot be refreshed: auth_revoked asks for a reconnect', async () => {
    const [{ tokens }] = await oauthRoundTrip(li);
    await assert.rejects(li.refresh({ ...tokens, refreshToken: undefined }), (e: ProviderError) => e.kind === 'auth_revoked' && /reconnect/.test(e.message));
  });

  it('LinkedIn\'s refusal comes back with its message', async () => {
    const [{ tokens }] = await oauthRoundTrip(li);
    await assert.rejects(li.publish({ ...tokens, accountId: 'urn:li:person:someoneElse' }, { text: 'not mine', media: [] }), (e: ProviderError) => e.kind === 'invalid_request' && /Not enough permissions/.test(e.message));
  });
});

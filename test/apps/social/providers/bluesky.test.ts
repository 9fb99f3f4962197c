import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { BlueskyProvider } from '../../../../src/apps/social/providers/bluesky.js';
import { detectFacets } from '../../../../src/apps/social/providers/bluesky-facets.js';
import { ProviderError } from '../../../../src/apps/social/providers/errors.js';
import { startFakeNetworks, type FakeNetworks } from '../fakes/index.js';
import { fakeImage } from './connect.js';

describe('Bluesky facets', () => {
  it('puts links, mentions and hashtags on UTF-8 byte offsets, not string indexes', () => {
    const text = 'Café ☕ 🇫🇷 with @alice.bsky.social, see https://example.com/a?b=1. #café #2024 #ok!';
    const facets = detectFacets(text);
    const bytes = Buffer.from(text, 'utf8');
    const slices = facets.map((f) => [f.kind, bytes.subarray(f.byteStart, f.byteEnd).toString('utf8')]);
    assert.deepEqual(slices, [
      ['mention', '@alice.bsky.social'],
      ['link', 'https://example.com/a?b=1'],
      ['tag', '#café'],
      ['tag', '#ok'],
    ]);
    // "Café ☕ 🇫🇷 with " is 17 UTF-16 units in JavaScript but 24 bytes in UTF-8 (é 2, ☕ 3, the flag 8).
    assert.equal(facets[0].byteStart, 24);
    assert.equal(text.indexOf("@"), 17);
    assert.notEqual(facets[0].byteStart, text.indexOf('@'));
  });
});

describe('Bluesky adapter (AT Protocol)', () => {
  let fakes: FakeNetworks;
  let bsky: BlueskyProvider;
  before(async () => {
    fakes = await startFakeNetworks();
    bsky = new BlueskyProvider(fakes.providers.bluesky);
  });
  after(() => fakes.close());

  const session = () => bsky.createSession(fakes.bluesky.account.handle, fakes.bluesky.account.appPassword);

  it('signs in with an app password (createSession) and refreshes the session (refreshSession, rotated)', async () => {
    const account = await session();
    assert.equal(account.remoteId, fakes.bluesky.account.did);
    assert.equal(account.handle, 'fake.bsky.social');
    // The access JWT's exp says when to refresh (about two hours).
    const inMs = account.tokens.expiresAt!.getTime() - Date.now();
    assert.ok(inMs > 7000_000 && inMs <= 7200_000, String(inMs));
    const refreshed = await bsky.refresh(account.tokens);
    assert.notEqual(refreshed.accessToken, account.tokens.accessToken);
    await assert.rejects(bsky.refresh(account.tokens), (e: ProviderError) => e.kind === 'auth_revoked');
  });

  it('a wrong app password is invalid_request telling what to check, not auth_revoked', async () => {
    await assert.rejects(bsky.createSession(fakes.bluesky.account.handle, 'wrong-pass-word-here'), (e: ProviderError) => e.kind === 'invalid_request' && /app password/.test(e.message));
  });

  it('publishes a post with facets the PDS validates; an unknown handle stays plain text', async () => {
    const { tokens } = await session();
    const text = 'Héllo @alice.bsky.social and @nobody.example.org https://tenantry.dev #launch';
    const result = await bsky.publish(tokens, { text, media: [] });
    assert.match(result.remoteId, /^at:\/\/did:plc:fake7u3lxy4i2ajtmhgyqbz\/app\.bsky\.feed\.post\//);
    assert.equal(result.url, `https://bsky.app/profile/${tokens.accountId}/post/${result.remoteId.split('/').pop()}`);
    const record = fakes.bluesky.records.get(result.remoteId)!.record;
    const facets = record.facets ?? [];
    assert.deepEqual(facets.map((f) => f.features?.[0].$type?.split('#')[1]), ['mention', 'link', 'tag']);
    assert.equal(facets[0].features?.[0].did, 'did:plc:alice5bfuqiwj3ktlfhpvqhs');
  });

  it('uploads images as blobs first and embeds them with alt text', async () => {
    const { tokens } = await session();
    const start = fakes.bluesky.calls.length;
    const result = await bsky.publish(tokens, { text: 'pictures', media: [fakeImage(5000, 'image/jpeg', 'one'), fakeImage(6000, 'image/webp')] });
    assert.deepEqual(fakes.bluesky.calls.slice(start).map((c) => c.path.split('.').pop()), ['uploadBlob', 'uploadBlob', 'createRecord']);
    const embed = fakes.bluesky.records.get(result.remoteId)!.record.embed;
    assert.equal(embed?.$type, 'app.bsky.embed.images');
    assert.deepEqual(embed?.images?.map((i) => [i.alt, i.image?.size]), [['one', 5000], ['', 6000]]);
  });

  it("posts a video through the video service: a service token from the account's PDS, the upload, the job polled until it holds the blob", async () => {
    const { tokens } = await session();
    const bytes = Buffer.from(Array.from({ length: 40_000 }, (_, i) => i % 253));
    fakes.bluesky.videoPolls = 2;
    const start = fakes.bluesky.calls.length;
    const result = await bsky.publish(tokens, { text: 'a clip', media: [{ data: bytes, contentType: 'video/mp4', size: bytes.length, alt: 'A short clip' }] });
    assert.deepEqual(fakes.bluesky.calls.slice(start).map((c) => c.path.split('.').pop()), ['getServiceAuth', 'getUploadLimits', 'describeRepo', 'getServiceAuth', 'uploadVideo', 'getJobStatus', 'getJobStatus', 'getJobStatus', 'createRecord']);
    const embed = fakes.bluesky.records.get(result.remoteId)!.record.embed;
    assert.equal(embed?.$type, 'app.bsky.embed.video');
    const job = [...fakes.bluesky.videoJobs.values()].find((j) => j.blob.ref.$link === embed?.video?.ref?.$link)!;
    assert.equal(job.bytes.equals(bytes), true);
    assert.equal((embed as { alt?: string }).alt, 'A short clip');

    // The same video again (a retry after a crash): the service answers 409 with its job, and the post goes out.
    const again = await bsky.publish(tokens, { text: 'a clip, again', media: [{ data: bytes, contentType: 'video/mp4', size: bytes.length }] });
    assert.equal(fakes.bluesky.records.get(again.remoteId)!.record.embed?.video?.ref?.$link, embed?.video?.ref?.$link);
  });

  it("a video the service cannot encode fails with its message and what to do; no post is made", async () => {
    const { tokens } = await session();
    const records = fakes.bluesky.records.size;
    fakes.bluesky.videoFailure = 'Video is too long';
    try {
      await assert.rejects(
        bsky.publish(tokens, { text: 'too long', media: [{ data: Buffer.alloc(3000, 5), contentType: 'video/mp4', size: 3000 }] }),
        (e: ProviderError) => e.kind === 'invalid_request' && /could not process the video \(Video is too long\); export it again/.test(e.message),
      );
    } finally {
      fakes.bluesky.videoFailure = undefined;
    }
    assert.equal(fakes.bluesky.records.size, records);
  });

  it("a video over the account's daily allowance, or from an account the service refuses, is not sent; the message says why", async () => {
    const { tokens } = await session();
    const records = fakes.bluesky.records.size;
    const jobs = fakes.bluesky.videoJobs.size;
    const allowance = fakes.bluesky.videoAllowance;
    const clip = (size: number) => ({ data: Buffer.alloc(size, 7), contentType: 'video/mp4', size });
    try {
      fakes.bluesky.videoAllowance = { videos: 3, bytes: 2 * 1024 * 1024 };
      await assert.rejects(
        bsky.publish(tokens, { text: 'too much today', media: [clip(3 * 1024 * 1024)] }),
        (e: ProviderError) => e.kind === 'invalid_request' && /This video is 3\.0 MB and Bluesky allows this account 2\.0 MB more of video today/.test(e.message),
      );
      fakes.bluesky.videoAllowance = { videos: 3, bytes: 2 * 1024 * 1024, refusal: 'Please verify your email address first' };
      await assert.rejects(
        bsky.publish(tokens, { text: 'not allowed', media: [clip(1000)] }),
        (e: ProviderError) => e.kind === 'invalid_request' && /will not take a video from this account now \(Please verify your email address first\)/.test(e.message),
      );
      // Control: the same small clip once the account may upload goes out.
      fakes.bluesky.videoAllowance = { videos: 3, bytes: 2 * 1024 * 1024 };
      const posted = await bsky.publish(tokens, { text: 'allowed', media: [clip(1000)] });
      assert.equal(fakes.bluesky.records.get(posted.remoteId)!.record.embed?.$type, 'app.bsky.embed.video');
    } finally {
      fakes.bluesky.videoAllowance = allowance;
    }
    assert.equal(fakes.bluesky.videoJobs.size, jobs + 1, 'only the allowed clip reached the video service');
    assert.equal(fakes.bluesky.records.size, records + 1);
  });

  it('reads likes, replies, reposts and quotes, and deletes the record', async () => {
    const { tokens } = await session();
    const { remoteId } = await bsky.publish(tokens, { text: 'count me', media: [] });
    Object.assign(fakes.bluesky.records.get(remoteId)!, { likeCount: 9, replyCount: 2, repostCount: 3, quoteCount: 1 });
    assert.deepEqual(await bsky.fetchMetrics(tokens, remoteId), { reactions: 9, comments: 2, shares: 4 });
    await bsky.deletePost(tokens, remoteId);
    await assert.rejects(bsky.fetchMetrics(tokens, remoteId), (e: ProviderError) => e.kind === 'invalid_request');
  });
});

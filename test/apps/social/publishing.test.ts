import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { createSocialApp } from '../../../src/apps/social/index.js';
import { publishTarget } from '../../../src/apps/social/publishing/publish-target.js';
import { withTenant } from '../../../src/platform/db/tenant.js';
import { startTestPlatform, type TestPlatform, type TestUser } from '../../support/platform.js';
import { lastEmailTo } from '../../support/outbox.js';
import { multipartForm } from '../../support/multipart.js';
import { startFakeNetworks, type FakeNetworks } from './fakes/index.js';
import { dataOf } from './social-fixture.js';

describe('social scheduling and publishing', () => {
  let fakes: FakeNetworks;
  let t: TestPlatform;
  let owner: TestUser;
  let other: TestUser;
  const accounts: Record<string, string> = {};
  before(async () => {
    fakes = await startFakeNetworks();
    t = await startTestPlatform({ apps: [createSocialApp({ providers: fakes.providers })], env: { JOB_POLL_INTERVAL_SECONDS: '0.5' } });
    owner = await t.signup('publish-owner');
    other = await t.signup('publish-other');
    for (const [network, body] of [['x', {}], ['linkedin', {}], ['mastodon', { instance_url: fakes.mastodonInstanceUrl }]] as const) {
      const { authorize_url } = dataOf(await t.request('POST', `/social/api/accounts/connect/${network}`, { token: owner.token, body }));
      const back = new URL((await fetch(authorize_url, { redirect: 'manual' })).headers.get('location')!);
      accounts[network] = dataOf(await t.request('GET', `/social/api/accounts/callback/${network}${back.search}`, { token: owner.token })).account_ids[0];
    }
  });
  after(async () => {
    await t.close();
    await fakes.close();
  });

  const createPost = async (text: string, networks = ['x', 'mastodon']) =>
    dataOf(await t.request('POST', '/social/api/posts', { token: owner.token, body: { text, account_ids: networks.map((n) => accounts[n]) } }), 201).post as { id: string; targets: Array<{ id: string; network: string }> };
  const getPost = async (id: string) => dataOf(await t.request('GET', `/social/api/posts/${id}`, { token: owner.token }));
  const tweetsWith = (text: string) => [...fakes.x.tweets.values()].filter((tw) => tw.text === text).length;
  const tootsWith = (text: string) => [...fakes.mastodon.statuses.values()].filter((s) => s.text === text).length;
  /** A post ready for its jobs, without queuing any, so a test drives publishTarget itself. */
  async function due(postId: string) {
    await withTenant(t.db, { orgId: owner.orgId }, (tx) => tx.updateTable('social_posts' as never).set({ status: 'scheduled', scheduled_at: new Date() } as never).where('id' as never, '=', postId as never).execute());
  }
  async function settled(id: string) {
    // Wait on the realtime events the publisher sends (subscribed before each read, so none is missed).
    for (;;) {
      let wake!: () => void;
      const event = new Promise<void>((resolve) => (wake = resolve));
      const stop = t.platform.ctx.events.subscribe(owner.orgId, ['social:posts'], () => wake());
      try {
        const post = await getPost(id);
        if (!['scheduled', 'publishing'].includes(post.status)) return post;
        await event;
      } finally {
        stop();
      }
    }
  }

  /** Uploads a file to the library, posts it with `text` to `networks` now, and waits for the outcome. */
  async function publishLibraryFile(file: { filename: string; type: string; data: Buffer; fields?: Record<string, string> }, text: string, networks: string[]) {
    const form = multipartForm(file.fields ?? {}, [{ field: 'file', filename: file.filename, type: file.type, data: file.data }]);
    const media = dataOf(await t.server.inject({ method: 'POST', url: '/social/api/media', headers: { authorization: `Bearer ${owner.token}`, 'content-type': form.contentType }, payload: form.payload }), 201);
    const post = dataOf(await t.request('POST', '/social/api/posts', { token: owner.token, body: { text, media: { '*': [media.id] }, account_ids: networks.map((n) => accounts[n]) } }), 201).post as { id: string };
    dataOf(await t.request('POST', `/social/api/posts/${post.id}/publish`, { token: owner.token }));
    const done = await settled(post.id);
    assert.equal(done.status, 'published', JSON.stringify(done.targets));
  }
  /** The bytes X received for a post's first media item, its segments in order. */
  const bytesOnX = (text: string) => {
    const upload = fakes.x.uploads.get([...fakes.x.tweets.values()].find((tw) => tw.text === text)!.mediaIds[0])!;
    return Buffer.concat([...upload.segments.entries()].sort(([a], [b]) => a - b).map(([, b]) => b));
  };

  it('publishes a library image with the text: the stored bytes reach each network', async () => {
    const png = await sharp({ create: { width: 16, height: 12, channels: 3, background: '#2a6f97' } }).png().toBuffer();
    const text = 'A picture for both networks';
    await publishLibraryFile({ filename: 'square.png', type: 'image/png', data: png, fields: { alt_text: 'A blue square' } }, text, ['x', 'mastodon']);
    assert.equal([...fakes.x.tweets.values()].find((tw) => tw.text === text)!.mediaIds.length, 1);
    assert.deepEqual(bytesOnX(text), png);
    assert.equal([...fakes.mastodon.statuses.values()].find((st) => st.text === text)?.mediaIds.length, 1);
  });

  it('publishes a library video: its stored bytes stream to X in segments and to LinkedIn in parts', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'social-publish-video-'));
    let mp4: Buffer;
    try {
      execFileSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc=size=160x90:rate=10:duration=4', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', path.join(dir, 'clip.mp4')]);
      mp4 = readFileSync(path.join(dir, 'clip.mp4'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const text = 'A short film for two networks';
    await publishLibraryFile({ filename: 'clip.mp4', type: 'video/mp4', data: mp4, fields: { name: 'Four seconds' } }, text, ['x', 'linkedin']);
    assert.deepEqual(bytesOnX(text), mp4);
    const share = [...fakes.linkedin.posts.values()].find((p) => p.text === text)!;
    const video = fakes.linkedin.videos.get((share.content as { media: { id: string } }).media.id)!;
    assert.deepEqual(video.bytes, mp4);
  });

  it('publishes now through the jobs to every target, once', async () => {
    const post = await createPost('Launch day: hello world');
    dataOf(await t.request('POST', `/social/api/posts/${post.id}/publish`, { token: owner.token }));
    const done = await settled(post.id);
    assert.equal(done.status, 'published');
    assert.ok(done.targets.every((tg: { state: string; remote_id: string }) => tg.state === 'published' && tg.remote_id));
    assert.equal(tweetsWith('Launch day: hello world'), 1);
    assert.equal(tootsWith('Launch day: hello world'), 1);
    // Publishing again leaves published targets alone.
    const again = await t.request('POST', `/social/api/posts/${post.id}/publish`, { token: owner.token });
    assert.equal(again.statusCode, 409);
  });

  it('publishes a due batch, duplicate jobs included, once per target: shared claims and records settle every post', async () => {
    const posts = await Promise.all(Array.from({ length: 12 }, (_, i) => createPost(`Same minute, post ${i}`)));
    for (const post of posts) await due(post.id);
    // Two jobs for every target at once (a reschedule's job beside the first): they meet in
    // the same claim, and the second finds nothing to do rather than a target "in doubt".
    const targets = posts.flatMap((post) => post.targets.map((target) => target.id));
    const outcomes = await Promise.all([...targets, ...targets].map((id) => publishTarget(t.platform.ctx, owner.orgId, id)));
    assert.ok(outcomes.every((o) => o.kind === 'done'));
    for (let i = 0; i < posts.length; i++) {
      assert.equal(tweetsWith(`Same minute, post ${i}`), 1);
      assert.equal(tootsWith(`Same minute, post ${i}`), 1);
      const post = await getPost(posts[i]!.id);
      assert.equal(post.status, 'published', JSON.stringify(post.targets));
      assert.ok(post.targets.every((tg: { state: string; remote_id: string | null }) => tg.state === 'published' && tg.remote_id));
    }
  });

  it('refreshes an expiring X token once for a batch of its posts (X rotates refresh tokens: a second refresh would be refused)', async () => {
    await withTenant(t.db, { orgId: owner.orgId }, (tx) => tx.updateTable('social_accounts' as never).set({ expires_at: new Date(Date.now() + 60_000) } as never).where('id' as never, '=', accounts.x as never).execute());
    const posts = await Promise.all([0, 1, 2, 3].map((i) => createPost(`Expiring token, post ${i}`, ['x'])));
    for (const post of posts) await due(post.id);
    await Promise.all(posts.map((post) => publishTarget(t.platform.ctx, owner.orgId, post.targets[0]!.id)));
    for (const [i, post] of posts.entries()) {
      assert.equal((await getPost(post.id)).status, 'published');
      assert.equal(tweetsWith(`Expiring token, post ${i}`), 1);
    }
    assert.equal(dataOf(await t.request('GET', `/social/api/accounts/${accounts.x}`, { token: owner.token })).status, 'active');
  });

  it('never publishes twice after a crash between the network\'s success and the record', async () => {
    const text = 'Crash test: exactly once';
    const post = await createPost(text);
    await due(post.id);
    const crash = { afterNetworkSuccess: () => { throw new Error('worker died'); } };
    for (const target of post.targets) await assert.rejects(publishTarget(t.platform.ctx, owner.orgId, target.id, crash), /worker died/);
    assert.equal(tweetsWith(text), 1);
    assert.equal(tootsWith(text), 1);
    // The retry: Mastodon is asked again with the same Idempotency-Key; X is not asked again.
    for (const target of post.targets) await publishTarget(t.platform.ctx, owner.orgId, target.id);
    assert.equal(tweetsWith(text), 1);
    assert.equal(tootsWith(text), 1);
    const after = await getPost(post.id);
    const byNetwork = Object.fromEntries(after.targets.map((tg: { network: string }) => [tg.network, tg]));
    assert.equal(byNetwork.mastodon.state, 'published');
    assert.equal(byNetwork.x.state, 'failed');
    assert.match(byNetwork.x.error, /may already show the post/);
    assert.equal(after.status, 'partially_published');
    assert.ok(await lastEmailTo(t.db, owner.email, /failed on 1 network/));
  });

  it('waits out a 429 for its Retry-After and retries 500s, then publishes', async () => {
    const text = 'Rate limits are respected';
    const post = await createPost(text, ['mastodon']);
    await due(post.id);
    const [target] = post.targets;
    fakes.mastodon.rateLimitNext({ 'retry-after': '42' }, /^\/api\/v1\/statuses$/);
    assert.deepEqual(await publishTarget(t.platform.ctx, owner.orgId, target.id), { kind: 'retry', afterSeconds: 42 });
    fakes.mastodon.failNext(500, /^\/api\/v1\/statuses$/);
    const second = await publishTarget(t.platform.ctx, owner.orgId, target.id);
    assert.equal(second.kind, 'retry');
    assert.equal((await getPost(post.id)).targets[0].state, 'queued');
    assert.deepEqual(await publishTarget(t.platform.ctx, owner.orgId, target.id), { kind: 'done' });
    const done = await getPost(post.id);
    assert.equal(done.status, 'published');
    assert.equal(done.targets[0].attempts, 3);
    assert.equal(tootsWith(text), 1);
  });

  it('refuses a time in the past, follows the post\'s time zone, cancels, and hides other workspaces\' posts', async () => {
    const post = await createPost('Scheduled for later', ['x']);
    const past = await t.request('POST', `/social/api/posts/${post.id}/schedule`, { token: owner.token, body: { scheduled_at: '2020-01-01T09:00', timezone: 'Europe/Paris' } });
    assert.equal(past.statusCode, 400);
    assert.equal(past.json().code, 'SCHEDULED_IN_PAST');
    const year = new Date().getUTCFullYear() + 1;
    const scheduled = dataOf(await t.request('POST', `/social/api/posts/${post.id}/schedule`, { token: owner.token, body: { scheduled_at: `${year}-07-01T09:00`, timezone: 'Europe/Paris' } }));
    assert.equal(new Date(scheduled.scheduled_at).toISOString(), `${year}-07-01T07:00:00.000Z`);
    assert.equal(scheduled.status, 'scheduled');
    assert.equal((await t.request('POST', `/social/api/posts/${post.id}/schedule`, { token: other.token, body: { scheduled_at: `${year}-07-01T09:00` } })).statusCode, 404);
    assert.equal((await t.request('POST', `/social/api/posts/${post.id}/cancel`, { token: other.token })).statusCode, 404);
    assert.equal(dataOf(await t.request('POST', `/social/api/posts/${post.id}/cancel`, { token: owner.token })).status, 'cancelled');
  });

  it('a revoked token mid-publish fails the target, marks the account reconnect_needed and mails the admins', async () => {
    const text = 'Revoked in the middle';
    const post = await createPost(text, ['x']);
    await due(post.id);
    for (const token of [...fakes.x.accessTokens.keys()]) fakes.x.revoke(token, true);
    await publishTarget(t.platform.ctx, owner.orgId, post.targets[0].id);
    const done = await getPost(post.id);
    assert.equal(done.status, 'failed');
    const account = dataOf(await t.request('GET', `/social/api/accounts/${accounts.x}`, { token: owner.token }));
    assert.equal(account.status, 'reconnect_needed');
    assert.ok(await lastEmailTo(t.db, owner.email, /reconnect/));
    assert.equal(tweetsWith(text), 0);
  });
});

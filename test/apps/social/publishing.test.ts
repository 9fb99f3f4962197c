import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { sql } from 'kysely';
import { createSocialApp } from '../../../src/apps/social/index.js';
import { randomUUID } from 'node:crypto';
import { publishTarget } from '../../../src/apps/social/publishing/publish-target.js';
import { publishDue } from '../../../src/apps/social/publishing/publish-due.js';
import { claimDue } from '../../../src/apps/social/publishing/claim-targets.js';
import { sweepPublishing } from '../../../src/apps/social/publishing/publish-sweep.js';
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
  /**
   * A post due now, its targets too, without waking any publisher, so a test drives
   * publishTarget or publishDue itself. `at` backdates it (a publisher that never came).
   */
  async function due(postId: string, at = new Date()) {
    await withTenant(t.db, { orgId: owner.orgId }, async (tx) => {
      await tx.updateTable('social_posts' as never).set({ status: 'scheduled', scheduled_at: at } as never).where('id' as never, '=', postId as never).execute();
      await tx.updateTable('social_post_platforms' as never).set({ next_attempt_at: at } as never).where('post_id' as never, '=', postId as never).execute();
    });
  }
  const targetsOf = (postId: string) =>
    withTenant(t.db, { orgId: owner.orgId }, (tx) => tx.selectFrom('social_post_platforms' as never).select(['id', 'state', 'next_attempt_at', 'claimed_by'] as never).where('post_id' as never, '=', postId as never).execute()) as Promise<Array<{ id: string; state: string; next_attempt_at: Date | null; claimed_by: string | null }>>;
  /** The publisher jobs queued for the owner's workspace, by pg-boss's own rows. */
  const publisherJobs = async () =>
    Number((await sql<{ n: string }>`select count(*)::text as n from ${sql.id(t.platform.ctx.config.jobs.schema)}.job where name = 'social.publish-due' and data->>'orgId' = ${owner.orgId}`.execute(t.db)).rows[0]!.n);
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

  it('two publishers of the same due minute, side by side, publish each target once and settle every post', async () => {
    const posts = await Promise.all(Array.from({ length: 12 }, (_, i) => createPost(`Same minute, post ${i}`)));
    for (const post of posts) await due(post.id);
    // Two runs at once (another node's, or the sweep's beside the instant's own): their claims
    // skip what the other holds, so between them each of the 24 targets is taken exactly once.
    const runs = await Promise.all([1, 2].map(() => publishDue(t.platform.ctx, owner.orgId, { id: randomUUID(), attempt: 1 })));
    assert.equal(runs[0]!.targets + runs[1]!.targets, 24);
    for (let i = 0; i < posts.length; i++) {
      assert.equal(tweetsWith(`Same minute, post ${i}`), 1);
      assert.equal(tootsWith(`Same minute, post ${i}`), 1);
      const post = await getPost(posts[i]!.id);
      assert.equal(post.status, 'published', JSON.stringify(post.targets));
      assert.ok(post.targets.every((tg: { state: string; remote_id: string | null }) => tg.state === 'published' && tg.remote_id));
    }
    // Nothing is left due: a third run finds nothing.
    assert.deepEqual(await publishDue(t.platform.ctx, owner.orgId, { id: randomUUID(), attempt: 1 }), { targets: 0 });
  });

  it('scheduling many posts for one instant queues one publisher between them, which publishes them all at that time', async () => {
    const jobsBefore = await publisherJobs();
    const posts = await Promise.all(Array.from({ length: 6 }, (_, i) => createPost(`One instant, post ${i}`, ['mastodon'])));
    // Whole seconds, three or four ahead: time for every call to land before it.
    const at = new Date(Math.ceil((Date.now() + 3000) / 1000) * 1000);
    await Promise.all(posts.map((post) => t.request('POST', `/social/api/posts/${post.id}/schedule`, { token: owner.token, body: { scheduled_at: at.toISOString().slice(0, 19), timezone: 'UTC' } }).then((res) => dataOf(res))));
    assert.equal(await publisherJobs(), jobsBefore + 1);
    for (const [i, post] of posts.entries()) {
      const done = await settled(post.id);
      assert.equal(done.status, 'published');
      assert.ok(new Date(done.targets[0].published_at).getTime() >= at.getTime() - 1000, 'published at its time, not before');
      assert.equal(tootsWith(`One instant, post ${i}`), 1);
    }
  });

  it('a publisher retried after its worker died resolves only the targets it had claimed: Mastodon is asked again by its key, X is failed as in doubt', async () => {
    const text = 'The run died mid-minute';
    const post = await createPost(text);
    await due(post.id);
    const dead = { id: randomUUID(), attempt: 1 };
    // The dead run claimed the targets and called the networks; it died before recording.
    const claims = await claimDue(t.platform.ctx, owner.orgId, dead, 100, new Date());
    assert.deepEqual(new Set(claims.map((c) => c.targetId)), new Set(post.targets.map((tg) => tg.id)));
    assert.ok((await targetsOf(post.id)).every((tg) => tg.state === 'publishing' && tg.claimed_by === dead.id));
    // Control: another run's retry leaves them alone (the dead run's retry may still come).
    assert.deepEqual(await publishDue(t.platform.ctx, owner.orgId, { id: randomUUID(), attempt: 2 }), { targets: 0 });
    assert.ok((await targetsOf(post.id)).every((tg) => tg.state === 'publishing'));
    // The dead run's own retry.
    assert.deepEqual(await publishDue(t.platform.ctx, owner.orgId, { ...dead, attempt: 2 }), { targets: 2 });
    const after = await getPost(post.id);
    const byNetwork = Object.fromEntries(after.targets.map((tg: { network: string }) => [tg.network, tg]));
    assert.equal(byNetwork.mastodon.state, 'published');
    assert.equal(tootsWith(text), 1);
    assert.equal(byNetwork.x.state, 'failed');
    assert.match(byNetwork.x.error, /may already show the post/);
    assert.equal(tweetsWith(text), 0);
  });

  it('the sweep wakes a publisher for targets no publisher came for, and fails claims whose runs are long dead', async () => {
    // Due two minutes ago with no wakeup (queued by a version that used per-target jobs).
    const late = await createPost('Nobody came for me', ['mastodon']);
    await due(late.id, new Date(Date.now() - 120_000));
    // Marked "publishing" by a run half an hour ago, and never recorded.
    const stuck = await createPost('Stuck in publishing', ['x']);
    await due(stuck.id);
    await claimDue(t.platform.ctx, owner.orgId, { id: randomUUID() }, 100, new Date());
    await withTenant(t.db, { orgId: owner.orgId }, (tx) => tx.updateTable('social_post_platforms' as never).set({ claimed_at: new Date(Date.now() - 30 * 60_000) } as never).where('post_id' as never, '=', stuck.id as never).execute());
    assert.equal((await getPost(late.id)).status, 'publishing', 'the claim above took the late post too');
    // Put the late one back as it was: queued, overdue.
    await withTenant(t.db, { orgId: owner.orgId }, (tx) => tx.updateTable('social_post_platforms' as never).set({ state: 'queued', claimed_by: null, claimed_at: null } as never).where('post_id' as never, '=', late.id as never).execute());
    const report = await sweepPublishing(t.platform.ctx);
    assert.equal(report.woken, 1);
    assert.equal(report.inDoubt, 1);
    assert.equal((await settled(late.id)).status, 'published');
    assert.equal(tootsWith('Nobody came for me'), 1);
    const failed = await getPost(stuck.id);
    assert.equal(failed.status, 'failed');
    assert.match(failed.targets[0].error, /may already show the post/);
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
    assert.equal((await targetsOf(post.id))[0]!.next_attempt_at?.toISOString(), `${year}-07-01T07:00:00.000Z`);
    assert.equal(dataOf(await t.request('POST', `/social/api/posts/${post.id}/cancel`, { token: owner.token })).status, 'cancelled');
    assert.equal((await targetsOf(post.id))[0]!.next_attempt_at, null, 'a cancelled post\'s targets are not due');
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

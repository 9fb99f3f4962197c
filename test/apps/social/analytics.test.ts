import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createSocialApp } from '../../../src/apps/social/index.js';
import { socialSettings } from '../../../src/apps/social/config.js';
import { collectOrgMetrics, sweepMetrics } from '../../../src/apps/social/analytics/collect-metrics.js';
import { withTenant } from '../../../src/platform/db/tenant.js';
import { startTestPlatform, type TestPlatform, type TestUser } from '../../support/platform.js';
import { lastEmailTo } from '../../support/outbox.js';
import { startFakeNetworks, type FakeNetworks } from './fakes/index.js';
import { connectAccount, dataOf } from './social-fixture.js';

/**
 * Metrics collection against the six fakes (through the adapters' real protocols), the
 * dashboard's endpoints, and the sweep's failure paths: a broken workspace, a revoked token,
 * a rate limit. The sweep is called directly (the cron job only wraps it).
 */
describe('social analytics', () => {
  let fakes: FakeNetworks;
  let t: TestPlatform;
  let owner: TestUser;
  let viewer: TestUser;
  let other: TestUser;
  let broken: TestUser;
  const accounts: Record<string, string> = {};
  let campaignId: string;
  let postId: string;
  const remote: Record<string, string> = {};
  const settings = () => socialSettings.load(t.platform.ctx.config).metrics;

  before(async () => {
    fakes = await startFakeNetworks();
    t = await startTestPlatform({ apps: [createSocialApp({ providers: fakes.providers })], env: { JOB_POLL_INTERVAL_SECONDS: '0.5' } });
    owner = await t.signup('analytics-owner');
    viewer = await t.addMember(owner, 'viewer', 'analytics-viewer');
    other = await t.signup('analytics-other');
    broken = await t.signup('analytics-broken');
    for (const [network, body] of [['x', {}], ['mastodon', { instance_url: fakes.mastodonInstanceUrl }]] as const) {
      const { authorize_url } = dataOf(await t.request('POST', `/social/api/accounts/connect/${network}`, { token: owner.token, body }));
      const back = new URL((await fetch(authorize_url, { redirect: 'manual' })).headers.get('location')!);
      accounts[network] = dataOf(await t.request('GET', `/social/api/accounts/callback/${network}${back.search}`, { token: owner.token })).account_ids[0];
    }
    campaignId = dataOf(await t.request('POST', '/social/api/campaigns', { token: owner.token, body: { name: 'Winter launch' } }), 201).id;
    const post = dataOf(await t.request('POST', '/social/api/posts', { token: owner.token, body: { text: 'Winter is here', campaign_id: campaignId, account_ids: [accounts.x, accounts.mastodon] } }), 201).post;
    postId = post.id;
    dataOf(await t.request('POST', `/social/api/posts/${postId}/publish`, { token: owner.token }));
    const done = await settled(owner, postId);
    assert.equal(done.status, 'published');
    for (const tg of done.targets as Array<{ network: string; remote_id: string }>) remote[tg.network] = tg.remote_id;

    // A workspace whose account token cannot be opened (sealed for another row): its share of the sweep fails.
    const brokenAccount = await connectAccount(t, broken, 'x', 'broken x');
    await withTenant(t.db, { orgId: broken.orgId }, async (tx) => {
      const sealed = t.platform.ctx.credentials.seal('access-token', { orgId: broken.orgId, purpose: 'social.oauth.x', subject: crypto.randomUUID() });
      await tx.updateTable('social_accounts' as never).set({ access_token_sealed: sealed } as never).where('id' as never, '=', brokenAccount as never).execute();
      const p = crypto.randomUUID();
      await tx.insertInto('social_posts' as never).values({ id: p, org_id: broken.orgId, status: 'published', current_text: 'broken', published_at: new Date() } as never).execute();
      await tx.insertInto('social_post_platforms' as never).values({ org_id: broken.orgId, post_id: p, account_id: brokenAccount, state: 'published', remote_id: '999', published_at: new Date() } as never).execute();
    });
  });
  after(async () => {
    await t?.close();
    await fakes?.close();
  });

  async function settled(user: TestUser, id: string) {
    for (;;) {
      let wake!: () => void;
      const event = new Promise<void>((resolve) => (wake = resolve));
      const stop = t.platform.ctx.events.subscribe(user.orgId, ['social:posts'], () => wake());
      try {
        const post = dataOf(await t.request('GET', `/social/api/posts/${id}`, { token: user.token }));
        if (!['scheduled', 'publishing'].includes(post.status)) return post;
        await event;
      } finally {
        stop();
      }
    }
  }
  const later = (hours: number) => new Date(Date.now() + hours * 3_600_000);

  it('collects each target\'s metrics into a time series, skipping a broken workspace', async () => {
    Object.assign(fakes.x.tweets.get(remote.x)!.metrics, { impression_count: 1000, like_count: 40, reply_count: 5, retweet_count: 3, quote_count: 2 });
    Object.assign(fakes.mastodon.statuses.get(remote.mastodon)!, { favourites: 7, reblogs: 2, replies: 1 });
    const report = await sweepMetrics(t.platform.ctx, settings());
    // (On PostgreSQL earlier runs' workspaces are there too: only ours are checked.)
    assert.ok(report.failed.some((f) => f.orgId === broken.orgId && /cannot be read/.test(f.error)));
    assert.ok(!report.failed.some((f) => f.orgId === owner.orgId));
    assert.ok(report.done.some((d) => d.orgId === owner.orgId));

    const a = dataOf(await t.request('GET', `/social/api/analytics/posts/${postId}`, { token: viewer.token }));
    const x = a.targets.find((tg: { network: string }) => tg.network === 'x');
    const masto = a.targets.find((tg: { network: string }) => tg.network === 'mastodon');
    assert.deepEqual({ ...x.latest, collected_at: undefined }, { collected_at: undefined, impressions: 1000, reactions: 40, comments: 5, shares: 5, clicks: null });
    assert.deepEqual({ ...masto.latest, collected_at: undefined }, { collected_at: undefined, impressions: null, reactions: 7, comments: 1, shares: 2, clicks: null });
    assert.equal(a.totals.engagements, 40 + 5 + 5 + 7 + 1 + 2);
    // The rate counts X only: Mastodon reports no impressions.
    assert.equal(a.totals.engagement_rate, 50 / 1000);

    // Not due again yet: a second run right away reads nothing.
    await sweepMetrics(t.platform.ctx, settings());
    assert.equal(dataOf(await t.request('GET', `/social/api/analytics/posts/${postId}`, { token: owner.token })).targets[0].series.length, 1);

    // Two hours on (a recent post is due every hour), the counts have grown: a second point.
    Object.assign(fakes.x.tweets.get(remote.x)!.metrics, { impression_count: 2500, like_count: 90 });
    await sweepMetrics(t.platform.ctx, settings(), later(2));
    const b = dataOf(await t.request('GET', `/social/api/analytics/posts/${postId}`, { token: owner.token }));
    const xs = b.targets.find((tg: { network: string }) => tg.network === 'x');
    assert.deepEqual(xs.series.map((s: { impressions: number }) => s.impressions), [1000, 2500]);
    assert.equal(xs.latest.reactions, 90);
  });

  it('aggregates per campaign and day, per account, top posts and the overview', async () => {
    const c = dataOf(await t.request('GET', `/social/api/analytics/campaigns/${campaignId}`, { token: viewer.token }));
    const today = new Date().toISOString().slice(0, 10);
    assert.equal(c.days.length, 1);
    assert.equal(c.days[0].day, today);
    assert.equal(c.days[0].posts_published, 1);
    assert.equal(c.days[0].impressions, 2500);
    assert.equal(c.days[0].reactions, 97);
    assert.equal(c.totals.reactions, 97);

    const acc = dataOf(await t.request('GET', `/social/api/analytics/accounts/${accounts.x}`, { token: viewer.token }));
    assert.equal(acc.posts_published, 1);
    assert.equal(acc.totals.impressions, 2500);
    assert.equal(acc.days[0].day, today);

    // A second post with fewer reactions ranks below.
    const second = dataOf(await t.request('POST', '/social/api/posts', { token: owner.token, body: { text: 'Second winter post', account_ids: [accounts.mastodon] } }), 201).post;
    dataOf(await t.request('POST', `/social/api/posts/${second.id}/publish`, { token: owner.token }));
    const done = await settled(owner, second.id);
    Object.assign(fakes.mastodon.statuses.get(done.targets[0].remote_id)!, { favourites: 3 });
    await sweepMetrics(t.platform.ctx, settings(), later(2));
    const top = dataOf(await t.request('GET', '/social/api/analytics/top-posts?metric=reactions', { token: viewer.token }));
    assert.deepEqual(top.posts.map((p: { post_id: string }) => p.post_id), [postId, second.id]);
    assert.deepEqual(top.posts.map((p: { value: number }) => p.value), [97, 3]);
    const byImpressions = dataOf(await t.request('GET', '/social/api/analytics/top-posts?metric=impressions&limit=1', { token: viewer.token }));
    assert.equal(byImpressions.posts.length, 1);

    const o = dataOf(await t.request('GET', '/social/api/analytics/overview', { token: viewer.token }));
    assert.equal(o.posts_published, 2);
    assert.equal(o.targets_published, 3);
    assert.equal(o.totals.reactions, 100);
    assert.deepEqual(o.networks.map((n: { network: string }) => n.network), ['mastodon', 'x']);
    assert.equal(o.accounts.active, 2);

    // Bad periods are refused in words.
    const wide = await t.request('GET', '/social/api/analytics/overview?from=2020-01-01&to=2026-01-01', { token: viewer.token });
    assert.equal(wide.statusCode, 400);
    assert.match(wide.json().error, /at most 366 days/);
    assert.equal((await t.request('GET', '/social/api/analytics/overview?from=2026-02-01&to=2026-01-01', { token: viewer.token })).statusCode, 400);
    assert.equal((await t.request('GET', '/social/api/analytics/top-posts?metric=vibes', { token: viewer.token })).statusCode, 400);
  });

  it('another workspace\'s post, campaign and account answer 404, and its overview is its own', async () => {
    for (const url of [`/social/api/analytics/posts/${postId}`, `/social/api/analytics/campaigns/${campaignId}`, `/social/api/analytics/accounts/${accounts.x}`]) {
      const res = await t.request('GET', url, { token: other.token });
      assert.equal(res.statusCode, 404, url);
    }
    const o = dataOf(await t.request('GET', '/social/api/analytics/overview', { token: other.token }));
    assert.equal(o.posts_published, 0);
    assert.equal(o.totals.impressions, 0);
    assert.equal(dataOf(await t.request('GET', '/social/api/analytics/top-posts', { token: other.token })).posts.length, 0);
  });

  it('the social.metrics job reports its progress per workspace and stops when aborted', async () => {
    const { metricsJob } = await import('../../../src/apps/social/analytics/metrics.job.js');
    assert.equal(metricsJob.scope, 'system');
    assert.equal(metricsJob.schedule, '*/15 * * * *');
    const progress: Array<[number, string | null | undefined]> = [];
    const job = (signal: AbortSignal) => ({ id: 'test', name: 'social.metrics', data: {}, attempt: 1, orgId: null, lastProgress: null, checkpoint: null, signal, reportProgress: async (pct: number, stage?: string | null) => void progress.push([pct, stage]) });
    const result = (await metricsJob.handler(t.platform.ctx, job(new AbortController().signal) as never)) as { workspaces: number; failed: number };
    assert.ok(result.failed >= 1, 'the broken workspace');
    assert.ok(result.workspaces >= 1);
    assert.equal(progress.at(-1)![0], 100);
    assert.match(String(progress.at(-1)![1]), /^(\d+) of \1 workspaces$/);
    const aborted = AbortSignal.abort(new Error('worker shutting down'));
    await assert.rejects(metricsJob.handler(t.platform.ctx, job(aborted) as never), /worker shutting down/);
  });

  it('a post deleted on the network keeps its last figures and is asked for again only at its cadence', async () => {
    const gone = dataOf(await t.request('POST', '/social/api/posts', { token: owner.token, body: { text: 'Deleted on X later', account_ids: [accounts.x] } }), 201).post;
    dataOf(await t.request('POST', `/social/api/posts/${gone.id}/publish`, { token: owner.token }));
    fakes.x.tweets.delete((await settled(owner, gone.id)).targets[0].remote_id);
    assert.equal((await collectOrgMetrics(t.platform.ctx, owner.orgId, settings())).missing, 1);
    assert.equal((await collectOrgMetrics(t.platform.ctx, owner.orgId, settings())).missing, 0);
    assert.equal(dataOf(await t.request('GET', `/social/api/analytics/posts/${gone.id}`, { token: owner.token })).targets[0].series.length, 1);

  });

  it('A/B test: no winner until a significance test says so, then the winner with its test and p-value', async () => {
    const publishTo = async (text: string, networks: string[]) => {
      const post = dataOf(await t.request('POST', '/social/api/posts', { token: owner.token, body: { text, account_ids: networks.map((n) => accounts[n]) } }), 201).post;
      dataOf(await t.request('POST', `/social/api/posts/${post.id}/publish`, { token: owner.token }));
      const done = await settled(owner, post.id);
      return { id: post.id as string, remote: done.targets[0].remote_id as string };
    };
    const a = await publishTo('Variant A: short and sweet', ['x']);
    const b = await publishTo('Variant B: a question for you?', ['x']);
    const body = { name: 'Question or statement', metric: 'engagement', variants: [{ label: 'A', post_id: a.id }, { label: 'B', post_id: b.id }] };

    // Viewers read only; other workspaces' posts are not found; variants must be comparable and measurable.
    assert.equal((await t.request('POST', '/social/api/ab-tests', { token: viewer.token, body })).statusCode, 403);
    assert.equal((await t.request('POST', '/social/api/ab-tests', { token: other.token, body })).statusCode, 404);
    const toot = await publishTo('Variant C on Mastodon', ['mastodon']);
    const unmeasurable = await t.request('POST', '/social/api/ab-tests', { token: owner.token, body: { ...body, variants: [{ label: 'A', post_id: toot.id }, { label: 'B', post_id: toot.id }] } });
    assert.equal(unmeasurable.statusCode, 422);
    assert.equal(unmeasurable.json().code, 'AB_NO_IMPRESSIONS');
    const mixed = await t.request('POST', '/social/api/ab-tests', { token: owner.token, body: { ...body, variants: [{ label: 'A', post_id: a.id }, { label: 'B', post_id: postId }] } });
    assert.equal(mixed.statusCode, 422);
    assert.equal(mixed.json().code, 'AB_NOT_COMPARABLE');
    assert.equal((await t.request('POST', '/social/api/ab-tests', { token: owner.token, body: { ...body, variants: [body.variants[0]] } })).statusCode, 400);
    assert.equal((await t.request('POST', '/social/api/ab-tests', { token: owner.token, body: { ...body, alpha: 0.5 } })).statusCode, 400);

    const test = dataOf(await t.request('POST', '/social/api/ab-tests', { token: owner.token, body }), 201);
    assert.equal(test.status, 'running');
    assert.equal(test.verdict.winner, null);
    assert.match(test.verdict.message, /^No winner yet: no impressions reported yet for A, B/);
    assert.deepEqual(test.warnings, []);
    const draft = dataOf(await t.request('POST', '/social/api/posts', { token: owner.token, body: { text: 'Variant D, still a draft', account_ids: [accounts.x] } }), 201).post;
    const early = dataOf(await t.request('POST', '/social/api/ab-tests', { token: owner.token, body: { ...body, variants: [{ label: 'A', post_id: a.id }, { label: 'D', post_id: draft.id }] } }), 201);
    assert.deepEqual(early.warnings, ['Not published yet: D']);
    dataOf(await t.request('POST', `/social/api/ab-tests/${early.id}/cancel`, { token: owner.token }));

    // Too little data for the approximation: no winner, and what is needed.
    Object.assign(fakes.x.tweets.get(a.remote)!.metrics, { impression_count: 40, like_count: 2 });
    Object.assign(fakes.x.tweets.get(b.remote)!.metrics, { impression_count: 40, like_count: 4 });
    await sweepMetrics(t.platform.ctx, settings());
    const small = dataOf(await t.request('POST', `/social/api/ab-tests/${test.id}/evaluate`, { token: owner.token }));
    assert.equal(small.status, 'running');
    assert.match(small.verdict.message, /at least 5 expected successes and failures/);

    // Enough data but no significant difference: p and alpha shown, and the sample size needed.
    Object.assign(fakes.x.tweets.get(a.remote)!.metrics, { impression_count: 1000, like_count: 50 });
    Object.assign(fakes.x.tweets.get(b.remote)!.metrics, { impression_count: 1000, like_count: 60 });
    await sweepMetrics(t.platform.ctx, settings(), later(2));
    const close = dataOf(await t.request('GET', `/social/api/ab-tests/${test.id}`, { token: viewer.token }));
    assert.equal(close.verdict.winner, null);
    assert.equal(close.verdict.test, 'two-proportion z-test');
    assert.ok(close.verdict.p_value > 0.05);
    assert.match(close.verdict.message, /is not below α = 0.05.*impressions per variant would settle it/);

    // A clear difference (200 vs 250 of 1,000: p = 0.0074): the metrics run that reads it completes the test.
    Object.assign(fakes.x.tweets.get(a.remote)!.metrics, { impression_count: 1000, like_count: 200 });
    Object.assign(fakes.x.tweets.get(b.remote)!.metrics, { impression_count: 1000, like_count: 250 });
    let wake!: (e: unknown) => void;
    const announced = new Promise((resolve) => (wake = resolve));
    const stop = t.platform.ctx.events.subscribe(owner.orgId, ['social:ab-tests'], (e) => wake(e));
    await sweepMetrics(t.platform.ctx, settings(), later(4));
    await announced;
    stop();
    const auto = dataOf(await t.request('GET', `/social/api/ab-tests/${test.id}`, { token: viewer.token }));
    assert.equal(auto.status, 'completed');
    assert.equal(auto.winner.label, 'B');
    assert.equal(auto.test_method, 'two-proportion z-test');
    assert.ok(Math.abs(auto.p_value - 0.0074196) < 1e-5, String(auto.p_value));
    assert.equal((await t.request('POST', `/social/api/ab-tests/${test.id}/evaluate`, { token: owner.token })).statusCode, 409);
    const log = dataOf(await t.request('GET', `/social/api/activity?entity_type=ab_test&entity_id=${test.id}`, { token: owner.token }));
    assert.ok(log.items.some((e: { action: string; user_id: string | null }) => e.action === 'ab_test.completed' && e.user_id === null), JSON.stringify(log.items));

    // A test started on figures that are already clear: the verdict shows at once; evaluating completes it.
    const second = dataOf(await t.request('POST', '/social/api/ab-tests', { token: owner.token, body: { ...body, name: 'Second look', variants: [{ label: 'Statement', post_id: a.id }, { label: 'Question', post_id: b.id }] } }), 201);
    assert.equal(second.verdict.winner.label, 'Question');
    assert.equal(second.status, 'running');
    assert.equal((await t.request('POST', `/social/api/ab-tests/${second.id}/evaluate`, { token: viewer.token })).statusCode, 403);
    assert.equal((await t.request('POST', `/social/api/ab-tests/${second.id}/evaluate`, { token: other.token })).statusCode, 404);
    const res = await t.request('POST', `/social/api/ab-tests/${second.id}/evaluate`, { token: owner.token });
    const done = dataOf(res);
    assert.equal(done.status, 'completed');
    assert.equal(done.winner.label, 'Question');
    assert.match(res.json().message, /^Question wins: Question 25.00%, Statement 20.00%; two-proportion z-test p = 0.0074 < α = 0.05/);
    // Variants come in label order.
    assert.deepEqual(done.variants.map((v: { label: string; impressions: number; successes: number }) => [v.label, v.impressions, v.successes]), [['Question', 1000, 250], ['Statement', 1000, 200]]);

    // Isolation and the list.
    for (const [method, url] of [['GET', `/social/api/ab-tests/${test.id}`], ['POST', `/social/api/ab-tests/${test.id}/cancel`], ['DELETE', `/social/api/ab-tests/${test.id}`]] as const) {
      assert.equal((await t.request(method, url, { token: other.token })).statusCode, 404, url);
    }
    assert.equal(dataOf(await t.request('GET', '/social/api/ab-tests', { token: other.token })).length, 0);
    assert.deepEqual(dataOf(await t.request('GET', '/social/api/ab-tests?status=completed', { token: viewer.token })).map((x: { id: string }) => x.id), [second.id, test.id]);
    dataOf(await t.request('DELETE', `/social/api/ab-tests/${test.id}`, { token: owner.token }));
    assert.equal((await t.request('GET', `/social/api/ab-tests/${test.id}`, { token: owner.token })).statusCode, 404);
  });

  it('a rate limit pauses the account for the network\'s wait; the other accounts go on', async () => {
    const points = async () => dataOf(await t.request('GET', `/social/api/analytics/posts/${postId}`, { token: owner.token })).targets.find((tg: { network: string }) => tg.network === 'mastodon').series.length;
    const mastodonPoints = await points();
    fakes.mastodon.rateLimitNext({ 'retry-after': '600' }, /^\/api\/v1\/statuses\/\w+$/);
    Object.assign(fakes.x.tweets.get(remote.x)!.metrics, { like_count: 120 });
    await sweepMetrics(t.platform.ctx, settings(), later(4));
    const a = dataOf(await t.request('GET', `/social/api/analytics/posts/${postId}`, { token: owner.token }));
    const byNetwork = Object.fromEntries(a.targets.map((tg: { network: string }) => [tg.network, tg]));
    assert.equal(byNetwork.x.latest.reactions, 120);
    assert.equal(byNetwork.mastodon.series.length, mastodonPoints);
    // Still paused on the next run (the network asked for 10 minutes): Mastodon is not asked again.
    const asked = () => fakes.mastodon.calls.filter((c) => /^\/api\/v1\/statuses\/\w+$/.test(c.path)).length;
    const before = asked();
    await sweepMetrics(t.platform.ctx, settings(), later(6));
    assert.equal(asked(), before);
    assert.equal(dataOf(await t.request('GET', `/social/api/accounts/${accounts.mastodon}`, { token: owner.token })).status, 'active');
  });

  it('a token revoked during collection marks the account reconnect_needed and mails the admins', async () => {
    for (const token of [...fakes.x.accessTokens.keys()]) fakes.x.revoke(token, true);
    const report = await sweepMetrics(t.platform.ctx, settings(), later(8));
    assert.ok(report.done.some((d) => d.orgId === owner.orgId));
    const account = dataOf(await t.request('GET', `/social/api/accounts/${accounts.x}`, { token: owner.token }));
    assert.equal(account.status, 'reconnect_needed');
    assert.match(account.last_error, /reconnect/);
    assert.ok(await lastEmailTo(t.db, owner.email, /reconnect/));
    // A reconnect-needed account is no longer read.
    const asked = () => fakes.x.calls.filter((c) => c.path === '/2/tweets').length;
    const before = asked();
    await sweepMetrics(t.platform.ctx, settings(), later(10));
    assert.equal(asked(), before);
  });
});

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import type { TestPlatform, TestUser } from '../../support/platform.js';
import { withTenant } from '../../../src/platform/db/tenant.js';
import { connectAccount, dataOf, startSocial } from './social-fixture.js';

/** The read side over many posts: the calendar's capped day counts, and each post's networks kept by triggers. */
describe('social read side', () => {
  let t: TestPlatform;
  let admin: TestUser;
  let accounts: Record<'x' | 'x2' | 'linkedin' | 'mastodon', string>;
  const year = new Date().getUTCFullYear() + 1;

  /** `n` posts straight into the table, a second apart from `start`: the calendar reads posts, not how they were made. */
  const insertPosts = (n: number, start: string, fields: { status?: string; campaignId?: string } = {}) =>
    withTenant(t.db, { orgId: admin.orgId, userId: admin.userId }, (tx) =>
      sql`insert into social_posts (org_id, author_id, status, campaign_id, scheduled_at, current_text)
          select ${admin.orgId}::uuid, ${admin.userId}::uuid, ${fields.status ?? 'scheduled'}, ${fields.campaignId ?? null}::uuid,
                 ${start}::timestamptz + g * interval '1 second', 'bulk calendar post ' || g
          from generate_series(1, ${n}::int) g`.execute(tx),
    );
  const calendar = async (qs: string) => dataOf(await t.request('GET', `/social/api/posts/calendar?${qs}`, { token: admin.token }));
  const listed = async (qs: string) => dataOf(await t.request('GET', `/social/api/posts?limit=100&${qs}`, { token: admin.token })).items.map((p: { id: string }) => p.id);

  before(async () => {
    t = await startSocial();
    admin = await t.signup('social-read-side');
    accounts = {
      x: await connectAccount(t, admin, 'x', 'x one'),
      x2: await connectAccount(t, admin, 'x', 'x two'),
      linkedin: await connectAccount(t, admin, 'linkedin'),
      mastodon: await connectAccount(t, admin, 'mastodon'),
    };
  });
  after(() => t.close());

  it('counts a day exactly below the cap, and as "at least 100" from it', async () => {
    await insertPosts(99, `${year}-05-10T08:00:00Z`);
    const below = await calendar(`from=${year}-05-10&to=${year}-05-10&timezone=UTC`);
    assert.deepEqual(below.days.map((d: { total: number; total_capped: boolean; more: number; posts: unknown[] }) => [d.total, d.total_capped, d.more, d.posts.length]), [[99, false, 94, 5]]);
    await insertPosts(1, `${year}-05-10T20:00:00Z`);
    const at = (await calendar(`from=${year}-05-10&to=${year}-05-10&timezone=UTC`)).days[0];
    assert.deepEqual([at.total, at.total_capped, at.more], [100, true, 95]);
    await insertPosts(150, `${year}-05-10T12:00:00Z`);
    const busy = (await calendar(`from=${year}-05-10&to=${year}-05-10&timezone=UTC&per_day=50`)).days[0];
    assert.deepEqual([busy.total, busy.total_capped, busy.more, busy.posts.length], [100, true, 50, 50]);
    // The first posts are still the day's first by slot, whatever the cap.
    assert.equal(busy.posts[0].scheduled_at, `${year}-05-10T08:00:01.000Z`);
  });

  it('applies status and campaign filters before the cap, so a filtered day is exact', async () => {
    const campaign = dataOf(await t.request('POST', '/social/api/campaigns', { token: admin.token, body: { name: 'Spring' } }), 201).id;
    await insertPosts(200, `${year}-06-01T09:00:00Z`);
    await insertPosts(7, `${year}-06-01T10:00:00Z`, { status: 'approved' });
    await insertPosts(3, `${year}-06-01T11:00:00Z`, { campaignId: campaign });
    const range = `from=${year}-06-01&to=${year}-06-01&timezone=UTC`;
    assert.deepEqual((await calendar(range)).days.map((d: { total: number; total_capped: boolean }) => [d.total, d.total_capped]), [[100, true]]);
    assert.deepEqual((await calendar(`${range}&status=approved`)).days.map((d: { total: number; total_capped: boolean; more: number }) => [d.total, d.total_capped, d.more]), [[7, false, 2]]);
    assert.deepEqual((await calendar(`${range}&campaign_id=${campaign}`)).days.map((d: { total: number; total_capped: boolean }) => [d.total, d.total_capped]), [[3, false]]);
    assert.deepEqual((await calendar(`${range}&status=published`)).days, []);
  });

  it('counts from the posts themselves: a rescheduled post moves days, a deleted one leaves', async () => {
    const range = `from=${year}-07-01&to=${year}-07-02&timezone=UTC`;
    const counts = async () => (await calendar(range)).days.map((d: { date: string; total: number }) => [d.date, d.total]);
    await insertPosts(2, `${year}-07-01T09:00:00Z`);
    const post = dataOf(await t.request('POST', '/social/api/posts', { token: admin.token, body: { text: 'moves', scheduled_at: `${year}-07-01T10:00:00Z` } }), 201).post;
    assert.deepEqual(await counts(), [[`${year}-07-01`, 3]]);
    dataOf(await t.request('PATCH', `/social/api/posts/${post.id}`, { token: admin.token, body: { scheduled_at: `${year}-07-02T10:00:00Z` } }));
    assert.deepEqual(await counts(), [[`${year}-07-01`, 2], [`${year}-07-02`, 1]]);
    dataOf(await t.request('DELETE', `/social/api/posts/${post.id}`, { token: admin.token }));
    assert.deepEqual(await counts(), [[`${year}-07-01`, 2]]);
  });

  it('answers an empty range with the workspace zone and no days', async () => {
    dataOf(await t.request('PUT', '/social/api/settings', { token: admin.token, body: { timezone: 'America/New_York' } }));
    const empty = await calendar(`from=${year}-09-01&to=${year}-09-30`);
    assert.deepEqual(empty, { timezone: 'America/New_York', from: `${year}-09-01`, to: `${year}-09-30`, per_day: 5, days: [] });
  });

  it('keeps each post\'s networks with its targets as they change, for lists, filters and the calendar', async () => {
    // 23:30 UTC on 2 April is 01:30 on 3 April in Paris (UTC+2 in summer time).
    const created = dataOf(await t.request('POST', '/social/api/posts', {
      token: admin.token,
      body: { text: 'networks follow targets', scheduled_at: `${year}-04-02T23:30:00Z`, account_ids: [accounts.x, accounts.x2, accounts.linkedin] },
    }), 201).post;
    assert.deepEqual(created.networks, ['linkedin', 'x'], 'sorted, each network once');
    const paris = (qs: string) => calendar(`from=${year}-04-02&to=${year}-04-03&timezone=Europe/Paris&${qs}`);
    const daysOf = (cal: { days: { date: string; posts: { id: string; networks: string[] }[] }[] }) => cal.days.map((d) => [d.date, d.posts.map((p) => [p.id, p.networks])]);
    assert.deepEqual(daysOf(await paris('network=x')), [[`${year}-04-03`, [[created.id, ['linkedin', 'x']]]]]);
    assert.ok((await listed('network=linkedin')).includes(created.id));

    dataOf(await t.request('PATCH', `/social/api/posts/${created.id}`, { token: admin.token, body: { account_ids: [accounts.x2, accounts.mastodon] } }));
    assert.deepEqual(dataOf(await t.request('GET', `/social/api/posts/${created.id}`, { token: admin.token })).networks, ['mastodon', 'x']);
    assert.ok(!(await listed('network=linkedin')).includes(created.id));
    assert.deepEqual(daysOf(await paris('network=linkedin')), []);
    assert.deepEqual(daysOf(await paris('network=mastodon')), [[`${year}-04-03`, [[created.id, ['mastodon', 'x']]]]]);

    dataOf(await t.request('PATCH', `/social/api/posts/${created.id}`, { token: admin.token, body: { account_ids: [] } }));
    assert.deepEqual(daysOf(await paris('')), [[`${year}-04-03`, [[created.id, []]]]]);
    assert.ok(!(await listed('network=x')).includes(created.id));

    dataOf(await t.request('DELETE', `/social/api/posts/${created.id}`, { token: admin.token }));
    assert.deepEqual(daysOf(await paris('')), []);
  });

  it('keeps a post\'s networks right when a target is moved to another account', async () => {
    const post = dataOf(await t.request('POST', '/social/api/posts', { token: admin.token, body: { text: 'moved target', account_ids: [accounts.linkedin] } }), 201).post;
    await withTenant(t.db, { orgId: admin.orgId, userId: admin.userId }, (tx) =>
      sql`update social_post_platforms set account_id = ${accounts.mastodon}::uuid where post_id = ${post.id}::uuid`.execute(tx),
    );
    assert.deepEqual(dataOf(await t.request('GET', `/social/api/posts/${post.id}`, { token: admin.token })).networks, ['mastodon']);
  });
});

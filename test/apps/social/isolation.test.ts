import { after, before, describe, it } from 'node:test';
import sharp from 'sharp';
import type { TestPlatform, TestUser } from '../../support/platform.js';
import { assertTenantIsolation } from '../../support/isolation.js';
import { multipartForm } from '../../support/multipart.js';
import { connectAccount, dataOf, startSocial } from './social-fixture.js';

/** The isolation matrix over every Social route that takes an id: another workspace's ids answer 404. */
describe('social tenant isolation', () => {
  let t: TestPlatform;
  let attacker: TestUser;
  let owner: TestUser;
  let ids: { post: string; campaign: string; media: string; account: string };
  before(async () => {
    t = await startSocial();
    attacker = await t.signup('social-attacker');
    owner = await t.signup('social-owner');
    // The attacker has resources of its own, so a 404 cannot mean "you have none".
    dataOf(await t.request('POST', '/social/api/posts', { token: attacker.token, body: { text: 'attacker post' } }), 201);
    const account = await connectAccount(t, owner, 'bluesky');
    const png = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#f00' } }).png().toBuffer();
    const form = multipartForm({}, [{ field: 'file', filename: 'v.png', type: 'image/png', data: png }]);
    const media = dataOf(await t.server.inject({ method: 'POST', url: '/social/api/media', headers: { authorization: `Bearer ${owner.token}`, 'content-type': form.contentType }, payload: form.payload }), 201);
    const campaign = dataOf(await t.request('POST', '/social/api/campaigns', { token: owner.token, body: { name: 'Victim campaign' } }), 201);
    const post = dataOf(await t.request('POST', '/social/api/posts', { token: owner.token, body: { text: 'victim post', campaign_id: campaign.id, media: { '*': [media.id] }, account_ids: [account] } }), 201).post;
    dataOf(await t.request('PATCH', `/social/api/posts/${post.id}`, { token: owner.token, body: { text: 'victim post, second version' } }));
    ids = { post: post.id, campaign: campaign.id, media: media.id, account };
  });
  after(() => t.close());

  it('answers 404 on every route for the other workspace', async () => {
    await assertTenantIsolation(t, {
      attackerToken: attacker.token,
      ownerToken: owner.token,
      ids,
      routes: [
        { method: 'GET', url: (i) => `/social/api/posts/${i.post}`, ownerStatus: 200 },
        { method: 'PATCH', url: (i) => `/social/api/posts/${i.post}`, body: { text: 'pwned' } },
        { method: 'GET', url: (i) => `/social/api/posts/${i.post}/versions`, ownerStatus: 200 },
        { method: 'GET', url: (i) => `/social/api/posts/${i.post}/versions/1`, ownerStatus: 200 },
        { method: 'GET', url: (i) => `/social/api/posts/${i.post}/diff?from=1&to=2`, ownerStatus: 200 },
        { method: 'POST', url: (i) => `/social/api/posts/${i.post}/versions/1/restore` },
        { method: 'GET', url: (i) => `/social/api/posts/${i.post}/approvals`, ownerStatus: 200 },
        { method: 'POST', url: (i) => `/social/api/posts/${i.post}/approve`, body: {} },
        { method: 'POST', url: (i) => `/social/api/posts/${i.post}/reject`, body: { comment: 'no' } },
        // Referencing the other workspace's campaign, media or account from one's own post.
        { method: 'POST', url: () => '/social/api/posts', body: (i: { campaign: string }) => ({ text: 'x', campaign_id: i.campaign }) },
        { method: 'POST', url: () => '/social/api/posts', body: (i: { media: string }) => ({ text: 'x', media: { '*': [i.media] } }) },
        { method: 'POST', url: () => '/social/api/posts', body: (i: { account: string }) => ({ text: 'x', account_ids: [i.account] }) },
        { method: 'GET', url: (i) => `/social/api/campaigns/${i.campaign}`, ownerStatus: 200 },
        { method: 'PATCH', url: (i) => `/social/api/campaigns/${i.campaign}`, body: { name: 'pwned' } },
        { method: 'GET', url: (i) => `/social/api/campaigns/${i.campaign}/posts`, ownerStatus: 200 },
        { method: 'POST', url: (i) => `/social/api/campaigns/${i.campaign}/archive` },
        { method: 'POST', url: (i) => `/social/api/campaigns/${i.campaign}/unarchive` },
        { method: 'GET', url: (i) => `/social/api/media/${i.media}`, ownerStatus: 200 },
        { method: 'GET', url: (i) => `/social/api/media/${i.media}/file`, ownerStatus: 200 },
        { method: 'PATCH', url: (i) => `/social/api/media/${i.media}`, body: { tags: ['pwned'] } },
        { method: 'DELETE', url: (i) => `/social/api/media/${i.media}` },
        { method: 'GET', url: (i) => `/social/api/accounts/${i.account}`, ownerStatus: 200 },
        { method: 'GET', url: (i) => `/social/api/analytics/posts/${i.post}`, ownerStatus: 200 },
        { method: 'GET', url: (i) => `/social/api/analytics/campaigns/${i.campaign}`, ownerStatus: 200 },
        { method: 'GET', url: (i) => `/social/api/analytics/accounts/${i.account}`, ownerStatus: 200 },
        // An A/B test over the other workspace's posts and account.
        { method: 'POST', url: () => '/social/api/ab-tests', body: (i: { post: string; account: string }) => ({ name: 't', variants: [{ label: 'A', post_id: i.post }, { label: 'B', post_id: i.post, account_id: i.account }] }) },
        { method: 'POST', url: (i) => `/social/api/posts/${i.post}/submit`, ownerStatus: 200 },
        { method: 'DELETE', url: (i) => `/social/api/campaigns/${i.campaign}` },
        { method: 'DELETE', url: (i) => `/social/api/posts/${i.post}`, ownerStatus: 200 },
      ],
    });
  });
});

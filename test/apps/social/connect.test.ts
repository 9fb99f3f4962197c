import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createSocialApp } from '../../../src/apps/social/index.js';
import { withTenant } from '../../../src/platform/db/tenant.js';
import { startTestPlatform, type TestPlatform, type TestUser } from '../../support/platform.js';
import { startFakeNetworks, type FakeNetworks } from './fakes/index.js';
import { dataOf } from './social-fixture.js';
import { sweepTokenRefresh } from '../../../src/apps/social/publishing/token-refresh.sweep.js';

/** Follow the authorize URL as a browser would: the fake approves and redirects to our callback. */
async function approve(authorizeUrl: string): Promise<URL> {
  const res = await fetch(authorizeUrl, { redirect: 'manual' });
  assert.equal(res.status, 302, await res.text());
  return new URL(res.headers.get('location')!);
}

describe('social connected accounts', () => {
  let fakes: FakeNetworks;
  let t: TestPlatform;
  let owner: TestUser;
  let other: TestUser;
  before(async () => {
    fakes = await startFakeNetworks();
    t = await startTestPlatform({ apps: [createSocialApp({ providers: fakes.providers })] });
    owner = await t.signup('connect-owner');
    other = await t.signup('connect-other');
  });
  after(async () => {
    await t.close();
    await fakes.close();
  });

  async function startConnect(user: TestUser, network: string, body?: unknown) {
    return dataOf<{ authorize_url: string; expires_at: string }>(await t.request('POST', `/social/api/accounts/connect/${network}`, { token: user.token, body }));
  }
  const callback = (user: TestUser, network: string, back: URL) => t.request('GET', `/social/api/accounts/callback/${network}${back.search}`, { token: user.token });

  it('connects X through authorize + callback, seals the tokens, and refuses the state a second time', async () => {
    const { authorize_url } = await startConnect(owner, 'x', {});
    const back = await approve(authorize_url);
    assert.equal(back.pathname, '/social/accounts/callback/x');
    const { account_ids } = dataOf(await callback(owner, 'x', back));
    assert.equal(account_ids.length, 1);
    const list = dataOf(await t.request('GET', '/social/api/accounts?network=x', { token: owner.token }));
    assert.deepEqual(list.map((a: { id: string }) => a.id), account_ids);
    assert.equal(list[0].status, 'active');
    assert.ok(!('access_token_sealed' in list[0]));
    const row = await withTenant(t.db, { orgId: owner.orgId }, (tx) => tx.selectFrom('social_accounts' as never).selectAll().where('id' as never, '=', account_ids[0] as never).executeTakeFirstOrThrow()) as { access_token_sealed: string; refresh_token_sealed: string };
    // Sealed, not plain: the fake's tokens never appear in the row.
    for (const token of fakes.x.accessTokens.keys()) assert.ok(!row.access_token_sealed.includes(token));
    assert.ok(row.refresh_token_sealed);
    const again = await callback(owner, 'x', back);
    assert.equal(again.statusCode, 410);
    assert.equal(again.json().code, 'SOCIAL_OAUTH_STATE_USED');
  });

  it('the refresh sweep renews a token about to expire (sealed again)', async () => {
    const [account] = dataOf(await t.request('GET', '/social/api/accounts?network=x', { token: owner.token }));
    const read = () => withTenant(t.db, { orgId: owner.orgId }, (tx) => tx.selectFrom('social_accounts' as never).selectAll().where('id' as never, '=', account.id as never).executeTakeFirstOrThrow()) as Promise<{ access_token_sealed: string; expires_at: Date }>;
    await withTenant(t.db, { orgId: owner.orgId }, (tx) => tx.updateTable('social_accounts' as never).set({ expires_at: new Date(Date.now() + 60_000) } as never).where('id' as never, '=', account.id as never).execute());
    const before = await read();
    const result = await sweepTokenRefresh(t.platform.ctx);
    assert.ok(result.refreshed >= 1);
    const after = await read();
    assert.notEqual(after.access_token_sealed, before.access_token_sealed);
    assert.ok(after.expires_at.getTime() > before.expires_at.getTime());
  });

  it('refuses an unknown state, an expired one and another workspace\'s', async () => {
    const wrong = await t.request('GET', '/social/api/accounts/callback/x?code=abc&state=nope', { token: owner.token });
    assert.equal(wrong.statusCode, 400);
    assert.equal(wrong.json().code, 'SOCIAL_OAUTH_STATE_INVALID');

    const { authorize_url } = await startConnect(owner, 'linkedin', {});
    const back = await approve(authorize_url);
    // Another workspace cannot finish this workspace's request.
    assert.equal((await callback(other, 'linkedin', back)).statusCode, 400);
    await withTenant(t.db, { orgId: owner.orgId }, (tx) => tx.updateTable('social_oauth_states' as never).set({ created_at: new Date(Date.now() - 20 * 60_000), expires_at: new Date(Date.now() - 10 * 60_000) } as never).where('org_id' as never, '=', owner.orgId as never).where('network' as never, '=', 'linkedin' as never).execute());
    const expired = await callback(owner, 'linkedin', back);
    assert.equal(expired.statusCode, 410);
    assert.equal(expired.json().code, 'SOCIAL_OAUTH_STATE_EXPIRED');
  });

  it('connects Mastodon on its instance and Bluesky with an app password; several accounts per network', async () => {
    const bad = await t.request('POST', '/social/api/accounts/connect/mastodon', { token: owner.token, body: {} });
    assert.equal(bad.statusCode, 400);
    // A name no server answers to is the user's typo (422, what to check), not an outage (5xx),
    // even where the operator allows instances on private addresses (as these fakes need).
    const typo = await t.request('POST', '/social/api/accounts/connect/mastodon', { token: owner.token, body: { instance_url: 'no-such-instance.invalid' } });
    assert.equal(typo.statusCode, 422, typo.body);
    assert.equal(typo.json().code, 'SOCIAL_INSTANCE_UNKNOWN');
    assert.match(typo.json().error, /No server answers to the name "no-such-instance.invalid": check the instance's address/);
    const { authorize_url } = await startConnect(owner, 'mastodon', { instance_url: fakes.mastodonInstanceUrl });
    dataOf(await callback(owner, 'mastodon', await approve(authorize_url)));
    const bsky = dataOf(await t.request('POST', '/social/api/accounts/bluesky', { token: owner.token, body: { identifier: fakes.bluesky.account.handle, app_password: fakes.bluesky.account.appPassword } }));
    assert.equal(bsky.account_ids.length, 1);
    const refused = await t.request('POST', '/social/api/accounts/bluesky', { token: owner.token, body: { identifier: fakes.bluesky.account.handle, app_password: 'wrong' } });
    assert.ok(refused.statusCode >= 400 && refused.statusCode < 500, refused.body);
    const networks = dataOf(await t.request('GET', '/social/api/accounts', { token: owner.token })).map((a: { network: string }) => a.network);
    assert.ok(networks.includes('mastodon') && networks.includes('bluesky'));
  });

  it('disconnects an account (tokens deleted); another workspace gets 404', async () => {
    const [account] = dataOf(await t.request('GET', '/social/api/accounts?network=x', { token: owner.token }));
    assert.equal((await t.request('DELETE', `/social/api/accounts/${account.id}`, { token: other.token })).statusCode, 404);
    dataOf(await t.request('DELETE', `/social/api/accounts/${account.id}`, { token: owner.token }));
    assert.equal((await t.request('GET', `/social/api/accounts/${account.id}`, { token: owner.token })).statusCode, 404);
    const row = await withTenant(t.db, { orgId: owner.orgId }, (tx) => tx.selectFrom('social_accounts' as never).selectAll().where('id' as never, '=', account.id as never).executeTakeFirstOrThrow()) as { access_token_sealed: string | null };
    assert.equal(row.access_token_sealed, null);
  });
});

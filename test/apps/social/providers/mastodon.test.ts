import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { normalizeInstanceUrl, registerMastodonApp } from '../../../../src/apps/social/oauth/mastodon-apps.js';
import { ProviderError } from '../../../../src/apps/social/providers/errors.js';
import { MastodonProvider } from '../../../../src/apps/social/providers/mastodon.js';
import type { OAuthClient } from '../../../../src/apps/social/providers/provider.js';
import { startFakeNetworks, type FakeNetworks } from '../fakes/index.js';
import { fakeImage, oauthRoundTrip, REDIRECT_URI } from './connect.js';

describe('Mastodon adapter', () => {
  let fakes: FakeNetworks;
  let masto: MastodonProvider;
  let client: OAuthClient;
  before(async () => {
    fakes = await startFakeNetworks();
    masto = new MastodonProvider(fakes.providers.mastodon);
    client = await registerMastodonApp(fakes.mastodonInstanceUrl, { clientName: 'Tenantry', redirectUri: REDIRECT_URI });
  });
  after(() => fakes.close());

  it('registers the app with the instance, then connects through OAuth + PKCE on that instance', async () => {
    assert.equal(client.instanceUrl, fakes.mastodonInstanceUrl);
    assert.equal(fakes.mastodon.apps.get(client.clientId)!.name, 'Tenantry');
    const [account] = await oauthRoundTrip(masto, client);
    assert.equal(account.remoteId, fakes.mastodon.account.id);
    assert.equal(account.tokens.instanceUrl, fakes.mastodonInstanceUrl);
    assert.equal(account.handle, `fakemasto@${new URL(fakes.mastodonInstanceUrl).host}`);
    assert.equal(normalizeInstanceUrl('mastodon.social/'), 'https://mastodon.social');
  });

  it('without the per-instance client, the authorize URL cannot be built', () => {
    assert.throws(() => masto.authorizeUrl({ state: 's', codeChallenge: 'c', redirectUri: REDIRECT_URI }), /registered with the account's instance/);
  });

  it('publishes with an Idempotency-Key: a retry with the same key returns the same status, not a second one', async () => {
    const [{ tokens }] = await oauthRoundTrip(masto, client);
    const first = await masto.publish(tokens, { text: 'Toot once', media: [], idempotencyKey: 'post-platform-42' });
    const again = await masto.publish(tokens, { text: 'Toot once', media: [], idempotencyKey: 'post-platform-42' });
    assert.equal(again.remoteId, first.remoteId);
    assert.equal([...fakes.mastodon.statuses.values()].filter((s) => s.text === 'Toot once').length, 1);
    assert.equal(first.url, `${fakes.mastodonInstanceUrl}/@fakemasto/${first.remoteId}`);
  });

  it('uploads media first; a video still processing (202/206) is polled until it has a URL', async () => {
    const [{ tokens }] = await oauthRoundTrip(masto, client);
    const start = fakes.mastodon.calls.length;
    const result = await masto.publish(tokens, { text: 'a clip', media: [{ data: Buffer.alloc(4000, 3), contentType: 'video/mp4', size: 4000, alt: 'a short clip' }] });
    const steps = fakes.mastodon.calls.slice(start).map((c) => `${c.method} ${c.path.replace(/\d{10,}/, ':id')}`);
    assert.deepEqual(steps, ['POST /api/v2/media', 'GET /api/v1/media/:id', 'GET /api/v1/media/:id', 'POST /api/v1/statuses']);
    const status = fakes.mastodon.statuses.get(result.remoteId)!;
    assert.equal(fakes.mastodon.media.get(status.mediaIds[0])!.description, 'a short clip');
    const image = await masto.publish(tokens, { text: 'an image', media: [fakeImage()] });
    assert.equal(fakes.mastodon.statuses.get(image.remoteId)!.mediaIds.length, 1);
  });

  it('reads favourites, reblogs and replies from the status', async () => {
    const [{ tokens }] = await oauthRoundTrip(masto, client);
    const { remoteId } = await masto.publish(tokens, { text: 'count', media: [] });
    Object.assign(fakes.mastodon.statuses.get(remoteId)!, { favourites: 7, reblogs: 2, replies: 1 });
    assert.deepEqual(await masto.fetchMetrics(tokens, remoteId), { reactions: 7, shares: 2, comments: 1 });
  });

  it('refreshes with the refresh token when it has one, checks the token otherwise; a revoked one is auth_revoked', async () => {
    const [{ tokens }] = await oauthRoundTrip(masto, client);
    const refreshed = await masto.refresh(tokens, { client });
    assert.notEqual(refreshed.accessToken, tokens.accessToken);
    const checked = await masto.refresh({ ...refreshed, refreshToken: undefined });
    assert.equal(checked.accessToken, refreshed.accessToken);
    fakes.mastodon.revoke(refreshed.accessToken);
    await assert.rejects(masto.refresh({ ...refreshed, refreshToken: undefined }), (e: ProviderError) => e.kind === 'auth_revoked');
  });

  it('the instance\'s validation message comes through (422 → invalid_request)', async () => {
    const [{ tokens }] = await oauthRoundTrip(masto, client);
    await assert.rejects(masto.publish(tokens, { text: 'x'.repeat(501), media: [] }), (e: ProviderError) => e.kind === 'invalid_request' && /character limit of 500/.test(e.message));
  });
});

import assert from 'node:assert/strict';
import { createOAuthState, createPkce } from '../../../../src/apps/social/oauth/pkce.js';
import { registerMastodonApp } from '../../../../src/apps/social/oauth/mastodon-apps.js';
import { createProviders } from '../../../../src/apps/social/providers/registry.js';
import type { AccountTokens, ConnectedAccount, Network, OAuthClient, OAuthProvider, SocialProvider } from '../../../../src/apps/social/providers/provider.js';
import type { FakeNetworks } from '../fakes/index.js';

export const REDIRECT_URI = 'http://127.0.0.1:3000/social/api/oauth/callback';

/**
 * The whole authorization code + PKCE round trip against a fake, as the app and a browser do
 * it: build the authorize URL, follow it (the fake approves at once and redirects back), check
 * the state, exchange the code with the verifier.
 */
export async function oauthRoundTrip(provider: OAuthProvider, client?: OAuthClient): Promise<ConnectedAccount[]> {
  const pkce = createPkce();
  const state = createOAuthState();
  const res = await fetch(provider.authorizeUrl({ state, codeChallenge: pkce.challenge, redirectUri: REDIRECT_URI, client }), { redirect: 'manual' });
  assert.equal(res.status, 302, `authorize answered ${res.status}: ${await res.text()}`);
  const back = new URL(res.headers.get('location')!);
  assert.equal(back.searchParams.get('state'), state);
  return provider.exchangeCode({ code: back.searchParams.get('code')!, codeVerifier: pkce.verifier, redirectUri: REDIRECT_URI, client });
}

export interface Connected {
  provider: SocialProvider;
  tokens: AccountTokens;
  /** Mastodon's per-instance client, for refresh. */
  client?: OAuthClient;
}

/** A connected account on the fake network, through that network's real connect flow. */
export async function connect(fakes: FakeNetworks, network: Network): Promise<Connected> {
  const provider = createProviders(fakes.providers)[network];
  if (provider.auth === 'app_password') {
    const account = await provider.createSession(fakes.bluesky.account.handle, fakes.bluesky.account.appPassword);
    return { provider, tokens: account.tokens };
  }
  let client: OAuthClient | undefined;
  if (network === 'mastodon') client = await registerMastodonApp(fakes.mastodonInstanceUrl, { clientName: 'Tenantry', redirectUri: REDIRECT_URI });
  const accounts = await oauthRoundTrip(provider, client);
  return { provider, tokens: accounts[0].tokens, client };
}

/** A small valid JPEG-sized buffer: the fakes check types and sizes, not pixels, except Instagram's content type. */
export function fakeImage(size = 2048, contentType = 'image/jpeg', alt?: string) {
  const data = Buffer.alloc(size, 7);
  data[0] = 0xff;
  data[1] = 0xd8;
  return { data, contentType, size, ...(alt ? { alt } : {}) };
}

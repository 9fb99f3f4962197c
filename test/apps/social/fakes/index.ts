import type { ProvidersConfig } from '../../../../src/apps/social/providers/registry.js';
import type { OAuthClient } from '../../../../src/apps/social/providers/provider.js';
import { createFakeBluesky, type FakeBluesky } from './fake-bluesky.js';
import { createFakeFacebook, type FakeFacebook } from './fake-facebook.js';
import { createFakeInstagram, type FakeInstagram } from './fake-instagram.js';
import { createFakeLinkedIn, type FakeLinkedIn } from './fake-linkedin.js';
import { createFakeMastodon, type FakeMastodon } from './fake-mastodon.js';
import { createFakeX, type FakeX } from './fake-x.js';
import { startMediaHost, type MediaHost } from './media-host.js';

/**
 * All six fake networks at once, for the publishing jobs' tests, the bench and the web journey:
 * `providers` is the adapters' config pointing every URL at the fakes (with the fakes' OAuth
 * clients), `mastodonInstanceUrl` is the instance to register the app with, and each fake
 * exposes its controls (failNext, rateLimitNext, slowNext, revoke, expire, its stored posts).
 */
export interface FakeNetworks {
  x: FakeX;
  linkedin: FakeLinkedIn;
  facebook: FakeFacebook;
  instagram: FakeInstagram;
  bluesky: FakeBluesky;
  mastodon: FakeMastodon;
  mediaHost: MediaHost;
  providers: ProvidersConfig;
  mastodonInstanceUrl: string;
  close(): Promise<void>;
}

export interface FakeNetworkOptions {
  /** Adapter request timeout (default 5 s, so a slow-answer test finishes quickly). */
  timeoutMs?: number;
  /** Adapter poll interval for media processing (default 50 ms). */
  pollIntervalMs?: number;
}

export async function startFakeNetworks(options: FakeNetworkOptions = {}): Promise<FakeNetworks> {
  const x = createFakeX();
  const linkedin = createFakeLinkedIn();
  const facebook = createFakeFacebook();
  const instagram = createFakeInstagram();
  const bluesky = createFakeBluesky();
  const mastodon = createFakeMastodon();
  const fakes = [x, linkedin, facebook, instagram, bluesky, mastodon];
  await Promise.all(fakes.map((f) => f.start()));
  const mediaHost = await startMediaHost();
  const common = { timeoutMs: options.timeoutMs ?? 5000, pollIntervalMs: options.pollIntervalMs ?? 50 };
  const client = (c: { clientId: string; clientSecret: string }): OAuthClient => ({ clientId: c.clientId, clientSecret: c.clientSecret });
  const providers: ProvidersConfig = {
    x: { ...common, apiBaseUrl: x.baseUrl, authorizeUrl: `${x.baseUrl}/i/oauth2/authorize`, tokenUrl: `${x.baseUrl}/2/oauth2/token`, client: client(x.client) },
    linkedin: { ...common, apiBaseUrl: linkedin.baseUrl, authorizeUrl: `${linkedin.baseUrl}/oauth/v2/authorization`, tokenUrl: `${linkedin.baseUrl}/oauth/v2/accessToken`, client: client(linkedin.client) },
    facebook: { ...common, apiBaseUrl: facebook.baseUrl, authorizeUrl: `${facebook.baseUrl}/v21.0/dialog/oauth`, tokenUrl: `${facebook.baseUrl}/v21.0/oauth/access_token`, client: client(facebook.client), stager: mediaHost },
    instagram: { ...common, apiBaseUrl: instagram.baseUrl, authorizeUrl: `${instagram.baseUrl}/oauth/authorize`, tokenUrl: `${instagram.baseUrl}/oauth/access_token`, client: client(instagram.client), stager: mediaHost },
    bluesky: { ...common, apiBaseUrl: bluesky.baseUrl, videoServiceUrl: bluesky.baseUrl },
    mastodon: { ...common, allowPrivateInstances: true },
  };
  return {
    x,
    linkedin,
    facebook,
    instagram,
    bluesky,
    mastodon,
    mediaHost,
    providers,
    mastodonInstanceUrl: mastodon.baseUrl,
    close: async () => {
      await Promise.all([...fakes.map((f) => f.close()), mediaHost.close()]);
    },
  };
}

import { unprocessable } from '../../../platform/errors.js';
import { checkPublicHost } from '../../../platform/net/public-address.js';
import { NetworkHttp } from '../providers/http.js';
import { DEFAULT_ENDPOINTS } from './endpoints.js';
import { oauthErrorMessage } from './pkce.js';
import type { OAuthClient } from '../providers/provider.js';

/**
 * Mastodon has no central developer portal: every instance is its own OAuth server, and an
 * app registers itself with each instance (POST /api/v1/apps) before sending anyone there. The
 * app stores the returned client (secret encrypted) per instance and reuses it for every
 * account on that instance.
 */
export interface MastodonAppRegistration {
  clientName: string;
  redirectUri: string;
  scopes?: string[];
  website?: string;
}

/** https://mastodon.social (no trailing slash, no path): accepts "mastodon.social" too. */
export function normalizeInstanceUrl(input: string): string {
  const url = new URL(/^https?:\/\//i.test(input) ? input : `https://${input}`);
  // WHATWG URLs accept hosts DNS cannot have ("xq`"): refuse them here, as a bad address.
  if (!HOST_NAME.test(url.hostname) && !/^\[[0-9a-f:.]+\]$/i.test(url.hostname)) throw new TypeError(`"${url.hostname}" is not a host name`);
  return url.origin;
}

/** Letters, digits and hyphens in dot-separated labels (IPv4 literals match too). */
const HOST_NAME = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/i;

/**
 * Refuses an instance the server must not call: a name that does not resolve (the tenant's
 * typo, a 422 rather than an outage), or one on a private or local address (a tenant could
 * otherwise aim the server at the operator's own network) unless the operator allowed those.
 * Called before registering, the first request to a tenant-typed address.
 */
export async function assertPublicInstance(origin: string, options: { allowPrivate?: boolean } = {}): Promise<void> {
  const host = new URL(origin).hostname;
  const check = await checkPublicHost(host);
  if (check.ok || (check.reason !== 'unresolvable' && options.allowPrivate)) return;
  if (check.reason === 'unresolvable') throw unprocessable(`No server answers to the name "${host}": check the instance's address (for example "mastodon.social")`, 'SOCIAL_INSTANCE_UNKNOWN');
  throw unprocessable(
    `"${host}" is a private or local address (${check.address}); a Mastodon instance must be on the public internet. An operator can allow instances on their own network with SOCIAL_MASTODON_ALLOW_PRIVATE_INSTANCES=true`,
    'SOCIAL_INSTANCE_NOT_PUBLIC',
  );
}

export async function registerMastodonApp(instanceUrl: string, app: MastodonAppRegistration, options: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<OAuthClient> {
  const origin = normalizeInstanceUrl(instanceUrl);
  const http = new NetworkHttp({ network: 'mastodon', timeoutMs: options.timeoutMs ?? 30_000, describeError: (b) => (b as { error?: string })?.error ?? oauthErrorMessage(b) });
  const { body } = await http.request<{ client_id: string; client_secret: string }>(`${origin}/api/v1/apps`, {
    method: 'POST',
    json: { client_name: app.clientName, redirect_uris: app.redirectUri, scopes: (app.scopes ?? DEFAULT_ENDPOINTS.mastodon.scopes).join(' '), ...(app.website ? { website: app.website } : {}) },
    signal: options.signal,
    step: `registering the app with ${origin}`,
  });
  return { clientId: body.client_id, clientSecret: body.client_secret, instanceUrl: origin };
}

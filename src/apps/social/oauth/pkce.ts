import { createHash, randomBytes } from 'node:crypto';
import { ProviderError } from '../providers/errors.js';
import type { NetworkHttp } from '../providers/http.js';
import type { AccountTokens, Network, OAuthClient } from '../providers/provider.js';

/**
 * OAuth 2 authorization code with PKCE (RFC 7636, S256): the verifier stays on the server
 * (in oauth_states, next to the state), only its hash travels in the authorize URL, so a
 * stolen code is useless without it. Networks that do not implement PKCE ignore the extra
 * parameters (RFC 6749 §3.1 tells servers to ignore unknown ones) and rely on the client secret.
 */
export interface Pkce {
  verifier: string;
  challenge: string;
  method: 'S256';
}

/** 32 random bytes → a 43-character base64url verifier (RFC 7636 asks for 43–128 of [A-Za-z0-9-._~]). */
export function createPkce(): Pkce {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: pkceChallenge(verifier), method: 'S256' };
}

export function pkceChallenge(verifier: string): string {
  return createHash('sha256').update(verifier).digest('base64url');
}

/** A random `state` for the authorize request (the app stores it single-use with an expiry). */
export function createOAuthState(): string {
  return randomBytes(24).toString('base64url');
}

export function buildAuthorizeUrl(
  endpoint: string,
  params: { clientId: string; redirectUri: string; scopes: string[]; state: string; codeChallenge: string; scopeSeparator?: string; extra?: Record<string, string> },
): string {
  const url = new URL(endpoint);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('client_id', params.clientId);
  url.searchParams.set('redirect_uri', params.redirectUri);
  url.searchParams.set('scope', params.scopes.join(params.scopeSeparator ?? ' '));
  url.searchParams.set('state', params.state);
  url.searchParams.set('code_challenge', params.codeChallenge);
  url.searchParams.set('code_challenge_method', 'S256');
  for (const [k, v] of Object.entries(params.extra ?? {})) url.searchParams.set(k, v);
  return url.toString();
}

export interface TokenResponse {
  access_token: string;
  refresh_token?: string;
  expires_in?: number;
  scope?: string;
  token_type?: string;
}

/**
 * One call to a token endpoint (form-encoded, RFC 6749 §4.1.3 / §6). `clientAuth: 'basic'`
 * sends the secret in an Authorization header (X's confidential clients); 'body' sends
 * client_id and client_secret as form fields (LinkedIn, Facebook, Instagram, Mastodon).
 * A refused refresh means the grant is gone: auth_revoked, so the account asks for a reconnect.
 */
export async function tokenRequest(
  http: NetworkHttp,
  network: Network,
  tokenUrl: string,
  grant: Record<string, string>,
  client: OAuthClient,
  clientAuth: 'basic' | 'body',
  signal?: AbortSignal,
): Promise<TokenResponse> {
  const form = new URLSearchParams(grant);
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  if (clientAuth === 'basic' && client.clientSecret) {
    headers.authorization = `Basic ${Buffer.from(`${encodeURIComponent(client.clientId)}:${encodeURIComponent(client.clientSecret)}`).toString('base64')}`;
  } else {
    form.set('client_id', client.clientId);
    if (client.clientSecret) form.set('client_secret', client.clientSecret);
  }
  const step = grant.grant_type === 'refresh_token' ? 'refreshing the token' : 'exchanging the authorization code';
  try {
    const { body } = await http.request<TokenResponse>(tokenUrl, { method: 'POST', headers, body: form, signal, step });
    if (!body?.access_token) throw new ProviderError(network, 'unavailable', `The token endpoint answered without an access_token while ${step}`);
    return body;
  } catch (err) {
    if (grant.grant_type === 'refresh_token' && err instanceof ProviderError && err.kind === 'invalid_request') {
      throw new ProviderError(network, 'auth_revoked', `${err.message}; reconnect the account`, { networkStatus: err.networkStatus, networkMessage: err.networkMessage });
    }
    throw err;
  }
}

export function expiresAt(expiresIn: number | undefined, now = Date.now()): Date | undefined {
  return typeof expiresIn === 'number' && expiresIn > 0 ? new Date(now + expiresIn * 1000) : undefined;
}

/** The standard OAuth error body {error, error_description}, as most token endpoints answer. */
export function oauthErrorMessage(body: unknown): string | undefined {
  const b = body as { error?: unknown; error_description?: unknown } | undefined;
  if (typeof b?.error === 'string') return typeof b.error_description === 'string' ? `${b.error}: ${b.error_description}` : b.error;
  return undefined;
}

/** The tokens to store from a token response; networks that do not rotate refresh tokens keep the old one. */
export function tokensFrom(token: TokenResponse, accountId: string, previousRefresh?: string, instanceUrl?: string): AccountTokens {
  return {
    accessToken: token.access_token,
    refreshToken: token.refresh_token ?? previousRefresh,
    expiresAt: expiresAt(token.expires_in),
    accountId,
    ...(instanceUrl ? { instanceUrl } : {}),
  };
}

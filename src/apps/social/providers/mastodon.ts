import { unprocessable } from '../../../platform/errors.js';
import { DEFAULT_ENDPOINTS } from '../oauth/endpoints.js';
import { buildAuthorizeUrl, oauthErrorMessage, tokenRequest, tokensFrom } from '../oauth/pkce.js';
import { resolveConfig, type AdapterConfig, type ResolvedAdapterConfig } from './adapter-config.js';
import { ProviderError } from './errors.js';
import { apiUrl, bearer, NetworkHttp, pause } from './http.js';
import { mediaBytes } from './media-bytes.js';
import { NETWORK_RULES } from './rules.js';
import type { AccountTokens, AuthorizeRequest, CallOptions, CodeExchange, ConnectedAccount, OAuthClient, OAuthProvider, PostInput, PostMedia, PostMetrics, PublishResult } from './provider.js';

/**
 * Mastodon's REST API on the account's own instance: OAuth with PKCE against the client the
 * app registered there (oauth/mastodon-apps.ts), media through POST /api/v2/media (202 while
 * the instance still processes it: poll GET /api/v1/media/:id until it has a URL), the status
 * through POST /api/v1/statuses with an Idempotency-Key so a retried publish returns the same
 * status instead of posting twice, metrics from the status itself.
 */
interface MediaAttachment {
  id: string;
  url: string | null;
}

interface Status {
  id: string;
  url: string;
  favourites_count: number;
  reblogs_count: number;
  replies_count: number;
}

export class MastodonProvider implements OAuthProvider {
  readonly network = 'mastodon' as const;
  readonly auth = 'oauth2' as const;
  readonly rules = NETWORK_RULES.mastodon;
  private readonly config: ResolvedAdapterConfig;
  private readonly http: NetworkHttp;
  readonly allowPrivateInstances: boolean;

  constructor(config: AdapterConfig = {}) {
    this.config = resolveConfig(config, DEFAULT_ENDPOINTS.mastodon);
    this.allowPrivateInstances = config.allowPrivateInstances ?? false;
    this.http = new NetworkHttp({ network: 'mastodon', timeoutMs: this.config.timeoutMs, describeError: (b) => oauthErrorMessage(b) ?? (b as { error?: string })?.error });
  }

  authorizeUrl(req: AuthorizeRequest): string {
    const client = instanceClient(req.client);
    return buildAuthorizeUrl(`${client.instanceUrl}/oauth/authorize`, { clientId: client.clientId, redirectUri: req.redirectUri, scopes: this.config.scopes, state: req.state, codeChallenge: req.codeChallenge });
  }

  async exchangeCode(ex: CodeExchange, options: CallOptions = {}): Promise<ConnectedAccount[]> {
    const client = instanceClient(ex.client);
    const token = await tokenRequest(
      this.http,
      'mastodon',
      `${client.instanceUrl}/oauth/token`,
      { grant_type: 'authorization_code', code: ex.code, redirect_uri: ex.redirectUri, code_verifier: ex.codeVerifier, scope: this.config.scopes.join(' ') },
      client,
      'body',
      options.signal,
    );
    const me = await this.verify(client.instanceUrl, token.access_token, options.signal);
    const host = new URL(client.instanceUrl).host;
    return [{ remoteId: me.id, displayName: me.display_name || me.username, handle: `${me.acct}@${host}`, tokens: tokensFrom(token, me.id, undefined, client.instanceUrl), scopes: token.scope?.split(' ') }];
  }

  /** Mastodon tokens live until revoked; without a refresh token, refreshing checks the token still works. */
  async refresh(tokens: AccountTokens, options: CallOptions & { client?: OAuthClient } = {}): Promise<AccountTokens> {
    const instance = this.instance(tokens);
    if (tokens.refreshToken && options.client) {
      const token = await tokenRequest(this.http, 'mastodon', `${instance}/oauth/token`, { grant_type: 'refresh_token', refresh_token: tokens.refreshToken }, instanceClient(options.client), 'body', options.signal);
      return tokensFrom(token, tokens.accountId, tokens.refreshToken, instance);
    }
    await this.verify(instance, tokens.accessToken, options.signal);
    return tokens;
  }

  async publish(tokens: AccountTokens, post: PostInput, options: CallOptions = {}): Promise<PublishResult> {
    const mediaIds: string[] = [];
    for (const media of post.media) mediaIds.push(await this.upload(tokens, media, options.signal));
    const { body } = await this.http.request<Status>(this.url(tokens, '/api/v1/statuses'), {
      method: 'POST',
      headers: { ...bearer(tokens.accessToken), ...(post.idempotencyKey ? { 'Idempotency-Key': post.idempotencyKey } : {}) },
      json: { status: post.text, media_ids: mediaIds, visibility: 'public' },
      signal: options.signal,
      step: 'creating the status',
    });
    return { remoteId: body.id, url: body.url };
  }

  async fetchMetrics(tokens: AccountTokens, remoteId: string, options: CallOptions = {}): Promise<PostMetrics> {
    const { body } = await this.http.request<Status>(this.url(tokens, `/api/v1/statuses/${encodeURIComponent(remoteId)}`), {
      headers: bearer(tokens.accessToken),
      signal: options.signal,
      step: 'reading the status',
    });
    // Mastodon counts no impressions or clicks.
    return { reactions: body.favourites_count, shares: body.reblogs_count, comments: body.replies_count };
  }

  async deletePost(tokens: AccountTokens, remoteId: string, options: CallOptions = {}): Promise<void> {
    await this.http.request(this.url(tokens, `/api/v1/statuses/${encodeURIComponent(remoteId)}`), { method: 'DELETE', headers: bearer(tokens.accessToken), signal: options.signal, step: 'deleting the status' });
  }

  private async upload(tokens: AccountTokens, media: PostMedia, signal?: AbortSignal): Promise<string> {
    const form = new FormData();
    form.set('file', new Blob([await mediaBytes(media)], { type: media.contentType }), 'media');
    if (media.alt) form.set('description', media.alt);
    let { body, status } = await this.http.request<MediaAttachment>(this.url(tokens, '/api/v2/media'), { method: 'POST', headers: bearer(tokens.accessToken), body: form, signal, step: 'uploading media' });
    // 202: accepted, still processing (video, large images); the status refuses it until it has a URL.
    for (let poll = 0; status === 202 || body.url === null; poll++) {
      if (poll >= this.config.maxPolls) throw new ProviderError('mastodon', 'unavailable', `Mastodon was still processing the media after ${poll} checks; the post will be retried`);
      await pause(this.config.pollIntervalMs, signal);
      ({ body, status } = await this.http.request<MediaAttachment>(this.url(tokens, `/api/v1/media/${body.id}`), { headers: bearer(tokens.accessToken), signal, step: 'checking media processing' }));
      if (status === 206) status = 202; // 206 Partial Content: still processing
    }
    return body.id;
  }

  private verify(instance: string, accessToken: string, signal?: AbortSignal) {
    return this.http
      .request<{ id: string; username: string; acct: string; display_name: string }>(apiUrl(instance, '/api/v1/accounts/verify_credentials'), { headers: bearer(accessToken), signal, step: 'reading the connected account' })
      .then((r) => r.body);
  }

  private instance(tokens: AccountTokens): string {
    const instance = tokens.instanceUrl ?? this.config.apiBaseUrl;
    if (!instance) throw unprocessable('This Mastodon account has no instance URL; reconnect it', 'SOCIAL_INSTANCE_MISSING');
    return instance;
  }

  private url(tokens: AccountTokens, path: string) {
    return apiUrl(this.instance(tokens), path);
  }
}

function instanceClient(client?: OAuthClient): OAuthClient & { instanceUrl: string } {
  if (!client?.instanceUrl) throw unprocessable('Mastodon needs the client registered with the account\'s instance (registerMastodonApp) for this call', 'SOCIAL_CLIENT_MISSING');
  return client as OAuthClient & { instanceUrl: string };
}

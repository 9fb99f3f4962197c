import { unprocessable } from '../../../platform/errors.js';
import { DEFAULT_ENDPOINTS } from '../oauth/endpoints.js';
import { buildAuthorizeUrl, oauthErrorMessage, tokenRequest, tokensFrom } from '../oauth/pkce.js';
import { requireClient, resolveConfig, type AdapterConfig, type ResolvedAdapterConfig } from './adapter-config.js';
import { ProviderError } from './errors.js';
import { apiUrl, bearer, NetworkHttp, pause } from './http.js';
import { mediaChunks, view } from './media-bytes.js';
import { NETWORK_RULES } from './rules.js';
import type { AccountTokens, AuthorizeRequest, CallOptions, CodeExchange, ConnectedAccount, OAuthClient, OAuthProvider, PostInput, PostMedia, PostMetrics, PublishResult } from './provider.js';

/**
 * X API v2: OAuth 2 with PKCE (user context), posts through POST /2/tweets, media through the
 * v2 chunked upload (initialize → append segments → finalize → poll STATUS while X
 * processes it), alt text through /2/media/metadata, metrics from public_metrics.
 */
const CHUNK_BYTES = 4 * 1024 * 1024; // X takes segments up to 5 MB

interface XMediaState {
  data: { id: string; processing_info?: { state: 'pending' | 'in_progress' | 'succeeded' | 'failed'; check_after_secs?: number; error?: { message?: string } } };
}

export class XProvider implements OAuthProvider {
  readonly network = 'x' as const;
  readonly auth = 'oauth2' as const;
  readonly rules = NETWORK_RULES.x;
  private readonly config: ResolvedAdapterConfig;
  private readonly http: NetworkHttp;

  constructor(config: AdapterConfig = {}) {
    this.config = resolveConfig(config, DEFAULT_ENDPOINTS.x);
    this.http = new NetworkHttp({ network: 'x', timeoutMs: this.config.timeoutMs, describeError: describeXError });
  }

  authorizeUrl(req: AuthorizeRequest): string {
    return buildAuthorizeUrl(this.config.authorizeUrl!, { clientId: this.client(req.client).clientId, redirectUri: req.redirectUri, scopes: this.config.scopes, state: req.state, codeChallenge: req.codeChallenge });
  }

  async exchangeCode(ex: CodeExchange, options: CallOptions = {}): Promise<ConnectedAccount[]> {
    const client = this.client(ex.client);
    const token = await tokenRequest(this.http, 'x', this.config.tokenUrl!, { grant_type: 'authorization_code', code: ex.code, redirect_uri: ex.redirectUri, code_verifier: ex.codeVerifier, client_id: client.clientId }, client, 'basic', options.signal);
    const { body } = await this.http.request<{ data: { id: string; name: string; username: string } }>(this.url('/2/users/me'), {
      headers: bearer(token.access_token),
      signal: options.signal,
      step: 'reading the connected account',
    });
    return [{ remoteId: body.data.id, displayName: body.data.name, handle: body.data.username, tokens: tokensFrom(token, body.data.id), scopes: token.scope?.split(' ') }];
  }

  async refresh(tokens: AccountTokens, options: CallOptions & { client?: OAuthClient } = {}): Promise<AccountTokens> {
    if (!tokens.refreshToken) throw new ProviderError('x', 'auth_revoked', 'This X account has no refresh token (offline.access was not granted); reconnect the account');
    const client = this.client(options.client);
    const token = await tokenRequest(this.http, 'x', this.config.tokenUrl!, { grant_type: 'refresh_token', refresh_token: tokens.refreshToken, client_id: client.clientId }, client, 'basic', options.signal);
    // X rotates refresh tokens: the old one stops working once this one is issued.
    return tokensFrom(token, tokens.accountId, tokens.refreshToken);
  }

  async publish(tokens: AccountTokens, post: PostInput, options: CallOptions = {}): Promise<PublishResult> {
    const mediaIds: string[] = [];
    for (const media of post.media) mediaIds.push(await this.upload(tokens, media, options.signal));
    const { body } = await this.http.request<{ data: { id: string } }>(this.url('/2/tweets'), {
      method: 'POST',
      headers: bearer(tokens.accessToken),
      json: { text: post.text, ...(mediaIds.length ? { media: { media_ids: mediaIds } } : {}) },
      signal: options.signal,
      step: 'creating the post',
    });
    return { remoteId: body.data.id, url: `https://x.com/i/web/status/${body.data.id}` };
  }

  async fetchMetrics(tokens: AccountTokens, remoteId: string, options: CallOptions = {}): Promise<PostMetrics> {
    const { body } = await this.http.request<{ data?: { public_metrics: Record<string, number> }; errors?: Array<{ detail?: string }> }>(this.url(`/2/tweets/${encodeURIComponent(remoteId)}`, { 'tweet.fields': 'public_metrics' }), {
      headers: bearer(tokens.accessToken),
      signal: options.signal,
      step: 'reading the post metrics',
    });
    // X answers 200 with an errors array, and no data, for a post it no longer has.
    if (!body.data) throw new ProviderError('x', 'invalid_request', `X has no such post (deleted on the network?): ${body.errors?.[0]?.detail ?? 'not found'}`);
    return xMetrics(body.data.public_metrics);
  }

  readonly metricsBatchSize = 100;

  /** GET /2/tweets?ids=…: up to 100 posts per request; ids X no longer has come back in `errors`, not `data`. */
  async fetchMetricsMany(tokens: AccountTokens, remoteIds: string[], options: CallOptions = {}): Promise<Map<string, PostMetrics>> {
    const out = new Map<string, PostMetrics>();
    for (let i = 0; i < remoteIds.length; i += this.metricsBatchSize) {
      const ids = remoteIds.slice(i, i + this.metricsBatchSize);
      const { body } = await this.http.request<{ data?: Array<{ id: string; public_metrics: Record<string, number> }> }>(this.url('/2/tweets', { ids: ids.join(','), 'tweet.fields': 'public_metrics' }), {
        headers: bearer(tokens.accessToken),
        signal: options.signal,
        step: 'reading the posts\' metrics',
      });
      for (const tweet of body.data ?? []) out.set(tweet.id, xMetrics(tweet.public_metrics));
    }
    return out;
  }

  async deletePost(tokens: AccountTokens, remoteId: string, options: CallOptions = {}): Promise<void> {
    await this.http.request(this.url(`/2/tweets/${encodeURIComponent(remoteId)}`), { method: 'DELETE', headers: bearer(tokens.accessToken), signal: options.signal, step: 'deleting the post' });
  }

  private async upload(tokens: AccountTokens, media: PostMedia, signal?: AbortSignal): Promise<string> {
    const auth = bearer(tokens.accessToken);
    const category = media.contentType.startsWith('video/') ? 'tweet_video' : media.contentType === 'image/gif' ? 'tweet_gif' : 'tweet_image';
    const init = await this.http.request<XMediaState>(this.url('/2/media/upload/initialize'), {
      method: 'POST',
      headers: auth,
      json: { media_type: media.contentType, total_bytes: media.size, media_category: category },
      signal,
      step: 'starting the media upload',
    });
    const id = init.body.data.id;
    let segment = 0;
    let sent = 0;
    for await (const chunk of mediaChunks(media, CHUNK_BYTES)) {
      const form = new FormData();
      form.set('segment_index', String(segment));
      form.set('media', new Blob([view(chunk)]), 'chunk');
      await this.http.request(this.url(`/2/media/upload/${id}/append`), { method: 'POST', headers: auth, body: form, signal, step: `uploading media segment ${segment}` });
      segment++;
      sent += chunk.length;
    }
    if (sent !== media.size) throw unprocessable(`The media was declared as ${media.size} bytes but holds ${sent}; upload it again`, 'SOCIAL_MEDIA_SIZE_MISMATCH');
    let state = (await this.http.request<XMediaState>(this.url(`/2/media/upload/${id}/finalize`), { method: 'POST', headers: auth, signal, step: 'finishing the media upload' })).body;
    for (let poll = 0; state.data.processing_info && state.data.processing_info.state !== 'succeeded'; poll++) {
      const info = state.data.processing_info;
      if (info.state === 'failed') throw new ProviderError('x', 'invalid_request', `X could not process the media: ${info.error?.message ?? 'no reason given'}; try another file`);
      if (poll >= this.config.maxPolls) throw new ProviderError('x', 'unavailable', `X was still processing the media after ${poll} checks; the post will be retried`);
      await pause(Math.min(this.config.pollIntervalMs, (info.check_after_secs ?? 1) * 1000), signal);
      state = (await this.http.request<XMediaState>(this.url('/2/media/upload', { command: 'STATUS', media_id: id }), { headers: auth, signal, step: 'checking media processing' })).body;
    }
    if (media.alt) {
      await this.http.request(this.url('/2/media/metadata'), { method: 'POST', headers: auth, json: { id, metadata: { alt_text: { text: media.alt } } }, signal, step: 'adding alt text' });
    }
    return id;
  }

  private url(path: string, query?: Record<string, string>) {
    return apiUrl(this.config.apiBaseUrl, path, query);
  }

  private client(override?: OAuthClient): OAuthClient {
    return requireClient('x', this.config, override);
  }
}

/** public_metrics: impressions, likes, replies; reposts and quotes are both shares. */
function xMetrics(m: Record<string, number>): PostMetrics {
  return { impressions: m.impression_count, reactions: m.like_count, comments: m.reply_count, shares: (m.retweet_count ?? 0) + (m.quote_count ?? 0) };
}

/** X answers problem details ({title, detail}) or {errors: [{message}]}; token errors are OAuth's. */
function describeXError(body: unknown): string | undefined {
  const b = body as { detail?: string; title?: string; errors?: Array<{ message?: string }> } | undefined;
  return b?.detail ?? b?.errors?.[0]?.message ?? b?.title ?? oauthErrorMessage(body);
}

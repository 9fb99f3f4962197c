import { unprocessable } from '../../../platform/errors.js';
import { DEFAULT_ENDPOINTS, GRAPH_VERSION } from '../oauth/endpoints.js';
import { buildAuthorizeUrl, tokenRequest, tokensFrom, type TokenResponse } from '../oauth/pkce.js';
import { requireClient, resolveConfig, type ResolvedAdapterConfig } from './adapter-config.js';
import { ProviderError } from './errors.js';
import { apiUrl, bearer, NetworkHttp, pause } from './http.js';
import type { MediaStager, StagedMedia, StagingAdapterConfig } from './media-stager.js';
import { graphHttpOptions, insightValue } from './meta-graph.js';
import { NETWORK_RULES } from './rules.js';
import type { AccountTokens, AuthorizeRequest, CallOptions, CodeExchange, ConnectedAccount, OAuthClient, OAuthProvider, PostInput, PostMetrics, PublishResult } from './provider.js';

type ContainerStatus = 'IN_PROGRESS' | 'FINISHED' | 'ERROR' | 'EXPIRED' | 'PUBLISHED';

/**
 * Instagram API with Instagram Login (professional accounts). Publishing is two-phase: create a
 * container (/{ig-user-id}/media with image_url or video_url; a CAROUSEL container over child
 * containers for several items), poll the container's status_code until FINISHED while
 * Instagram fetches and processes the media, then /{ig-user-id}/media_publish with its id.
 * Tokens: the short-lived token from api.instagram.com is exchanged for a 60-day token
 * (ig_exchange_token) and refreshed with ig_refresh_token.
 */
export class InstagramProvider implements OAuthProvider {
  readonly network = 'instagram' as const;
  readonly auth = 'oauth2' as const;
  readonly rules = NETWORK_RULES.instagram;
  private readonly config: ResolvedAdapterConfig;
  private readonly http: NetworkHttp;
  private readonly stager?: MediaStager;

  constructor(config: StagingAdapterConfig = {}) {
    this.config = resolveConfig(config, DEFAULT_ENDPOINTS.instagram);
    this.stager = config.stager;
    this.http = new NetworkHttp(graphHttpOptions('instagram', this.config.timeoutMs));
  }

  authorizeUrl(req: AuthorizeRequest): string {
    return buildAuthorizeUrl(this.config.authorizeUrl!, {
      clientId: requireClient('instagram', this.config, req.client).clientId,
      redirectUri: req.redirectUri,
      scopes: this.config.scopes,
      scopeSeparator: ',',
      state: req.state,
      codeChallenge: req.codeChallenge,
    });
  }

  async exchangeCode(ex: CodeExchange, options: CallOptions = {}): Promise<ConnectedAccount[]> {
    const client = requireClient('instagram', this.config, ex.client);
    const short = await tokenRequest(this.http, 'instagram', this.config.tokenUrl!, { grant_type: 'authorization_code', code: ex.code, redirect_uri: ex.redirectUri, code_verifier: ex.codeVerifier }, client, 'body', options.signal);
    const long = await this.http.request<TokenResponse>(
      apiUrl(this.config.apiBaseUrl, '/access_token', { grant_type: 'ig_exchange_token', client_secret: client.clientSecret ?? '', access_token: short.access_token }),
      { signal: options.signal, step: 'exchanging for a long-lived token' },
    );
    const me = await this.http.request<{ user_id: string; username: string; name?: string }>(this.url('/me', { fields: 'user_id,username,name' }), {
      headers: bearer(long.body.access_token),
      signal: options.signal,
      step: 'reading the connected account',
    });
    const id = String(me.body.user_id);
    return [{ remoteId: id, displayName: me.body.name ?? me.body.username, handle: me.body.username, tokens: tokensFrom(long.body, id) }];
  }

  async refresh(tokens: AccountTokens, options: CallOptions & { client?: OAuthClient } = {}): Promise<AccountTokens> {
    const { body } = await this.http.request<TokenResponse>(apiUrl(this.config.apiBaseUrl, '/refresh_access_token', { grant_type: 'ig_refresh_token', access_token: tokens.accessToken }), {
      signal: options.signal,
      step: 'refreshing the token',
    });
    return tokensFrom(body, tokens.accountId);
  }

  async publish(tokens: AccountTokens, post: PostInput, options: CallOptions = {}): Promise<PublishResult> {
    if (post.media.length === 0) throw unprocessable('Instagram posts need at least one image or video: add one', 'SOCIAL_RULE_VIOLATED');
    if (!this.stager) throw unprocessable('Instagram fetches media from a public URL, and no media stager is configured', 'SOCIAL_STAGER_MISSING');
    const staged: StagedMedia[] = [];
    try {
      for (const media of post.media) staged.push(await this.stager.stage(media, options.signal));
      const signal = options.signal;
      let containerId: string;
      if (post.media.length === 1) {
        containerId = await this.container(tokens, { ...mediaFields(post.media[0].contentType, staged[0].url, post.media[0].alt), caption: post.text }, signal);
      } else {
        const children: string[] = [];
        for (let i = 0; i < post.media.length; i++) {
          children.push(await this.container(tokens, { ...mediaFields(post.media[i].contentType, staged[i].url, post.media[i].alt, true), is_carousel_item: 'true' }, signal));
        }
        for (const child of children) await this.waitReady(tokens, child, signal);
        containerId = await this.container(tokens, { media_type: 'CAROUSEL', children: children.join(','), caption: post.text }, signal);
      }
      await this.waitReady(tokens, containerId, signal);
      const published = await this.http.request<{ id: string }>(this.url(`/${tokens.accountId}/media_publish`), {
        method: 'POST',
        headers: bearer(tokens.accessToken),
        body: new URLSearchParams({ creation_id: containerId }),
        signal,
        step: 'publishing the container',
      });
      const link = await this.http.request<{ permalink?: string }>(this.url(`/${published.body.id}`, { fields: 'permalink' }), { headers: bearer(tokens.accessToken), signal, step: 'reading the permalink' });
      return { remoteId: published.body.id, url: link.body.permalink ?? `https://www.instagram.com/` };
    } finally {
      await Promise.allSettled(staged.map((s) => s.release()));
    }
  }

  async fetchMetrics(tokens: AccountTokens, remoteId: string, options: CallOptions = {}): Promise<PostMetrics> {
    // `views` replaced `impressions` for media published from 2025 on.
    const { body } = await this.http.request<{ data: Array<{ name: string; values?: Array<{ value: unknown }>; total_value?: { value: unknown } }> }>(
      this.url(`/${remoteId}/insights`, { metric: 'views,likes,comments,shares' }),
      { headers: bearer(tokens.accessToken), signal: options.signal, step: 'reading the media insights' },
    );
    return { impressions: insightValue(body.data, 'views'), reactions: insightValue(body.data, 'likes'), comments: insightValue(body.data, 'comments'), shares: insightValue(body.data, 'shares') };
  }

  private async container(tokens: AccountTokens, fields: Record<string, string>, signal?: AbortSignal): Promise<string> {
    const { body } = await this.http.request<{ id: string }>(this.url(`/${tokens.accountId}/media`), {
      method: 'POST',
      headers: bearer(tokens.accessToken),
      body: new URLSearchParams(fields),
      signal,
      step: 'creating the media container',
    });
    return body.id;
  }

  private async waitReady(tokens: AccountTokens, containerId: string, signal?: AbortSignal): Promise<void> {
    for (let poll = 0; ; poll++) {
      const { body } = await this.http.request<{ status_code: ContainerStatus; status?: string }>(this.url(`/${containerId}`, { fields: 'status_code,status' }), {
        headers: bearer(tokens.accessToken),
        signal,
        step: 'checking the container',
      });
      if (body.status_code === 'FINISHED') return;
      if (body.status_code === 'ERROR' || body.status_code === 'EXPIRED') {
        throw new ProviderError('instagram', 'invalid_request', `Instagram could not process the media (${body.status_code}${body.status ? `: ${body.status}` : ''}); check the file's format and size`);
      }
      if (poll + 1 >= this.config.maxPolls) throw new ProviderError('instagram', 'unavailable', `Instagram was still processing the media after ${poll + 1} checks; the post will be retried`);
      await pause(this.config.pollIntervalMs, signal);
    }
  }

  private url(path: string, query?: Record<string, string>) {
    return apiUrl(this.config.apiBaseUrl, `/${GRAPH_VERSION}${path}`, query);
  }
}

function mediaFields(contentType: string, url: string, alt: string | undefined, carouselItem = false): Record<string, string> {
  if (contentType.startsWith('video/')) return { media_type: carouselItem ? 'VIDEO' : 'REELS', video_url: url };
  return { image_url: url, ...(alt ? { alt_text: alt } : {}) };
}

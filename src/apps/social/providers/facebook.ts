import { DEFAULT_ENDPOINTS, GRAPH_VERSION } from '../oauth/endpoints.js';
import { buildAuthorizeUrl, tokenRequest } from '../oauth/pkce.js';
import { requireClient, resolveConfig, type ResolvedAdapterConfig } from './adapter-config.js';
import { unprocessable } from '../../../platform/errors.js';
import { ProviderError } from './errors.js';
import { apiUrl, bearer, NetworkHttp, pause } from './http.js';
import type { MediaStager, StagingAdapterConfig } from './media-stager.js';
import { mediaBytes } from './media-bytes.js';
import { graphHttpOptions, insightValue } from './meta-graph.js';
import { NETWORK_RULES } from './rules.js';
import type { AccountTokens, AuthorizeRequest, CallOptions, CodeExchange, ConnectedAccount, OAuthClient, OAuthProvider, PostInput, PostMedia, PostMetrics, PublishResult } from './provider.js';

/**
 * Facebook Pages through the Graph API. Facebook Login gives a user token; it is exchanged for a
 * long-lived one (fb_exchange_token), and /me/accounts then lists the pages the user manages,
 * each with its own page token, which is what posts (one connected account per page; page
 * tokens from a long-lived user token do not expire). Text goes to /{page-id}/feed, one photo
 * to /{page-id}/photos, several photos are uploaded unpublished and attached to one feed post,
 * a video to /{page-id}/videos (below).
 */
export class FacebookProvider implements OAuthProvider {
  readonly network = 'facebook' as const;
  readonly auth = 'oauth2' as const;
  readonly rules = NETWORK_RULES.facebook;
  private readonly config: ResolvedAdapterConfig;
  private readonly http: NetworkHttp;
  private readonly stager?: MediaStager;

  constructor(config: StagingAdapterConfig = {}) {
    this.config = resolveConfig(config, DEFAULT_ENDPOINTS.facebook);
    this.stager = config.stager;
    this.http = new NetworkHttp(graphHttpOptions('facebook', this.config.timeoutMs));
  }

  authorizeUrl(req: AuthorizeRequest): string {
    return buildAuthorizeUrl(this.config.authorizeUrl!, {
      clientId: requireClient('facebook', this.config, req.client).clientId,
      redirectUri: req.redirectUri,
      scopes: this.config.scopes,
      scopeSeparator: ',',
      state: req.state,
      codeChallenge: req.codeChallenge,
    });
  }

  async exchangeCode(ex: CodeExchange, options: CallOptions = {}): Promise<ConnectedAccount[]> {
    const client = requireClient('facebook', this.config, ex.client);
    const short = await tokenRequest(this.http, 'facebook', this.config.tokenUrl!, { grant_type: 'authorization_code', code: ex.code, redirect_uri: ex.redirectUri, code_verifier: ex.codeVerifier }, client, 'body', options.signal);
    const long = await tokenRequest(this.http, 'facebook', this.config.tokenUrl!, { grant_type: 'fb_exchange_token', fb_exchange_token: short.access_token }, client, 'body', options.signal);
    const { body } = await this.http.request<{ data: Array<{ id: string; name: string; access_token: string; tasks?: string[] }> }>(this.url('/me/accounts', { fields: 'id,name,access_token,tasks' }), {
      headers: bearer(long.access_token),
      signal: options.signal,
      step: 'listing the pages you manage',
    });
    // Only pages where the user may create content can be published to.
    return body.data
      .filter((p) => !p.tasks || p.tasks.includes('CREATE_CONTENT'))
      .map((p) => ({ remoteId: p.id, displayName: p.name, tokens: { accessToken: p.access_token, accountId: p.id }, scopes: this.config.scopes }));
  }

  /** Page tokens do not expire; "refreshing" checks the token still works, so a revoked page shows as reconnect-needed. */
  async refresh(tokens: AccountTokens, options: CallOptions & { client?: OAuthClient } = {}): Promise<AccountTokens> {
    await this.http.request(this.url(`/${tokens.accountId}`, { fields: 'id' }), { headers: bearer(tokens.accessToken), signal: options.signal, step: 'checking the page token' });
    return tokens;
  }

  async publish(tokens: AccountTokens, post: PostInput, options: CallOptions = {}): Promise<PublishResult> {
    const page = tokens.accountId;
    // The rules let a video only be a post's single media item.
    if (post.media[0]?.contentType.startsWith('video/')) return this.publishVideo(tokens, post, options.signal);
    if (post.media.length === 1) {
      const form = await photoForm(post.media[0], { caption: post.text });
      const { body } = await this.http.request<{ id: string; post_id?: string }>(this.url(`/${page}/photos`), { method: 'POST', headers: bearer(tokens.accessToken), body: form, signal: options.signal, step: 'publishing the photo' });
      const id = body.post_id ?? body.id;
      return { remoteId: id, url: `https://www.facebook.com/${id}` };
    }
    const attached: Array<{ media_fbid: string }> = [];
    for (const media of post.media) {
      const form = await photoForm(media, { published: 'false' });
      const { body } = await this.http.request<{ id: string }>(this.url(`/${page}/photos`), { method: 'POST', headers: bearer(tokens.accessToken), body: form, signal: options.signal, step: 'uploading a photo' });
      attached.push({ media_fbid: body.id });
    }
    const form = new URLSearchParams({ message: post.text });
    if (post.link) form.set('link', post.link);
    if (attached.length) form.set('attached_media', JSON.stringify(attached));
    const { body } = await this.http.request<{ id: string }>(this.url(`/${page}/feed`), { method: 'POST', headers: bearer(tokens.accessToken), body: form, signal: options.signal, step: 'creating the post' });
    return { remoteId: body.id, url: `https://www.facebook.com/${body.id}` };
  }

  /**
   * A Page video: Facebook fetches the file itself from `file_url` (a short-lived signed URL to
   * the library's object, as Instagram does: no bytes through this server) and publishes it
   * with the text as its description once processed. The video exists from the first answer on,
   * so nothing after it may fail in a way that is retried (that would post it twice): its status
   * is read for a while to report a video Facebook could not process; a status that cannot be
   * read, or a video still processing after every poll, counts as published.
   */
  private async publishVideo(tokens: AccountTokens, post: PostInput, signal?: AbortSignal): Promise<PublishResult> {
    if (!this.stager) throw unprocessable('Facebook fetches a video from a public URL, and no media stager is configured', 'SOCIAL_STAGER_MISSING');
    const page = tokens.accountId;
    const staged = await this.stager.stage(post.media[0], signal);
    try {
      const { body } = await this.http.request<{ id: string }>(this.url(`/${page}/videos`), {
        method: 'POST',
        headers: bearer(tokens.accessToken),
        body: new URLSearchParams({ file_url: staged.url, description: post.text }),
        signal,
        step: 'publishing the video',
      });
      const failure = await this.videoProcessingFailure(tokens, body.id, signal);
      if (failure) throw new ProviderError('facebook', 'invalid_request', `Facebook could not process the video (${failure}); export it again as MP4 (H.264, AAC) and try again`);
      return { remoteId: body.id, url: `https://www.facebook.com/${page}/videos/${body.id}` };
    } finally {
      await staged.release();
    }
  }

  /**
   * Why Facebook could not process a video it accepted, read from its status for up to
   * `maxPolls` polls; undefined once it is ready, still processing, or when its status cannot be
   * read (any error here, even a stop, must not turn into a retry of a video that exists).
   */
  private async videoProcessingFailure(tokens: AccountTokens, videoId: string, signal?: AbortSignal): Promise<string | undefined> {
    try {
      for (let poll = 0; poll < this.config.maxPolls; poll++) {
        const { body } = await this.http.request<{ status?: FacebookVideoStatus }>(this.url(`/${videoId}`, { fields: 'status' }), { headers: bearer(tokens.accessToken), signal, step: 'checking video processing' });
        const status = body.status;
        if (status?.video_status === 'ready') return undefined;
        if (status?.video_status === 'error' || status?.uploading_phase?.status === 'error' || status?.processing_phase?.status === 'error') {
          return status.processing_phase?.errors?.[0]?.message ?? status.uploading_phase?.errors?.[0]?.message ?? 'no reason given';
        }
        await pause(this.config.pollIntervalMs, signal);
      }
    } catch {
      // Unknown: the video was accepted, so it counts as published.
    }
    return undefined;
  }

  async fetchMetrics(tokens: AccountTokens, remoteId: string, options: CallOptions = {}): Promise<PostMetrics> {
    const auth = bearer(tokens.accessToken);
    const insights = await this.http.request<{ data: Array<{ name: string; values: Array<{ value: unknown }> }> }>(this.url(`/${remoteId}/insights`, { metric: 'post_impressions,post_clicks' }), {
      headers: auth,
      signal: options.signal,
      step: 'reading the post insights',
    });
    const counts = await this.http.request<{ reactions?: { summary?: { total_count?: number } }; comments?: { summary?: { total_count?: number } }; shares?: { count?: number } }>(
      this.url(`/${remoteId}`, { fields: 'reactions.summary(total_count).limit(0),comments.summary(total_count).limit(0),shares' }),
      { headers: auth, signal: options.signal, step: 'reading the post counts' },
    );
    return {
      impressions: insightValue(insights.body.data, 'post_impressions'),
      clicks: insightValue(insights.body.data, 'post_clicks'),
      reactions: counts.body.reactions?.summary?.total_count,
      comments: counts.body.comments?.summary?.total_count,
      // A post nobody shared has no `shares` field at all.
      shares: counts.body.shares?.count ?? 0,
    };
  }

  async deletePost(tokens: AccountTokens, remoteId: string, options: CallOptions = {}): Promise<void> {
    await this.http.request(this.url(`/${remoteId}`), { method: 'DELETE', headers: bearer(tokens.accessToken), signal: options.signal, step: 'deleting the post' });
  }

  private url(path: string, query?: Record<string, string>) {
    return apiUrl(this.config.apiBaseUrl, `/${GRAPH_VERSION}${path}`, query);
  }
}

/** GET /{video-id}?fields=status: the upload, processing and publishing phases of a Page video. */
interface FacebookVideoStatus {
  video_status?: string;
  uploading_phase?: { status?: string; errors?: Array<{ code?: number; message?: string }> };
  processing_phase?: { status?: string; errors?: Array<{ code?: number; message?: string }> };
}

async function photoForm(media: PostMedia, fields: Record<string, string>): Promise<FormData> {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.set(k, v);
  if (media.alt) form.set('alt_text_custom', media.alt);
  form.set('source', new Blob([await mediaBytes(media)], { type: media.contentType }), 'photo');
  return form;
}

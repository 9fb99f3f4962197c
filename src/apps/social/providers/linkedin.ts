import { unprocessable } from '../../../platform/errors.js';
import { DEFAULT_ENDPOINTS } from '../oauth/endpoints.js';
import { buildAuthorizeUrl, oauthErrorMessage, tokenRequest, tokensFrom } from '../oauth/pkce.js';
import { requireClient, resolveConfig, type AdapterConfig, type ResolvedAdapterConfig } from './adapter-config.js';
import { ProviderError } from './errors.js';
import { apiUrl, bearer, NetworkHttp, pause } from './http.js';
import { mediaBytes, mediaChunks, view } from './media-bytes.js';
import { NETWORK_RULES } from './rules.js';
import type { AccountTokens, AuthorizeRequest, CallOptions, CodeExchange, ConnectedAccount, OAuthClient, OAuthProvider, PostInput, PostMedia, PostMetrics, PublishResult } from './provider.js';

/**
 * LinkedIn's versioned REST API: every call carries `LinkedIn-Version` (YYYYMM) and
 * `X-Restli-Protocol-Version: 2.0.0`. Posts through POST /rest/posts (the new post's URN comes
 * back in the `x-restli-id` header, the body is empty), images through
 * /rest/images?action=initializeUpload then a PUT of the bytes to the returned upload URL,
 * videos through the Videos API (below). The account is the member (urn:li:person:{sub} from
 * OpenID userinfo).
 */
export const LINKEDIN_VERSION = '202411';

/** LinkedIn's "little text" format treats these as markup: unescaped, the text after them is lost. */
const RESERVED = /[\\|{}@[\]()<>#*_~]/g;
export const escapeLinkedInText = (text: string) => text.replace(RESERVED, (c) => `\\${c}`);

export class LinkedInProvider implements OAuthProvider {
  readonly network = 'linkedin' as const;
  readonly auth = 'oauth2' as const;
  readonly rules = NETWORK_RULES.linkedin;
  private readonly config: ResolvedAdapterConfig;
  private readonly http: NetworkHttp;

  constructor(config: AdapterConfig = {}) {
    this.config = resolveConfig(config, DEFAULT_ENDPOINTS.linkedin);
    this.http = new NetworkHttp({ network: 'linkedin', timeoutMs: this.config.timeoutMs, describeError: describeLinkedInError });
  }

  authorizeUrl(req: AuthorizeRequest): string {
    return buildAuthorizeUrl(this.config.authorizeUrl!, { clientId: requireClient('linkedin', this.config, req.client).clientId, redirectUri: req.redirectUri, scopes: this.config.scopes, state: req.state, codeChallenge: req.codeChallenge });
  }

  async exchangeCode(ex: CodeExchange, options: CallOptions = {}): Promise<ConnectedAccount[]> {
    const client = requireClient('linkedin', this.config, ex.client);
    const token = await tokenRequest(this.http, 'linkedin', this.config.tokenUrl!, { grant_type: 'authorization_code', code: ex.code, redirect_uri: ex.redirectUri, code_verifier: ex.codeVerifier }, client, 'body', options.signal);
    const { body } = await this.http.request<{ sub: string; name?: string; email?: string }>(this.url('/v2/userinfo'), { headers: bearer(token.access_token), signal: options.signal, step: 'reading the connected member' });
    const urn = `urn:li:person:${body.sub}`;
    return [{ remoteId: urn, displayName: body.name ?? urn, tokens: tokensFrom(token, urn), scopes: token.scope?.split(/[ ,]/) }];
  }

  async refresh(tokens: AccountTokens, options: CallOptions & { client?: OAuthClient } = {}): Promise<AccountTokens> {
    // LinkedIn gives refresh tokens only to apps it has approved for them; the others reconnect every 60 days.
    if (!tokens.refreshToken) throw new ProviderError('linkedin', 'auth_revoked', 'LinkedIn issued no refresh token for this account; reconnect it before the access token expires');
    const client = requireClient('linkedin', this.config, options.client);
    const token = await tokenRequest(this.http, 'linkedin', this.config.tokenUrl!, { grant_type: 'refresh_token', refresh_token: tokens.refreshToken }, client, 'body', options.signal);
    return tokensFrom(token, tokens.accountId, tokens.refreshToken);
  }

  async publish(tokens: AccountTokens, post: PostInput, options: CallOptions = {}): Promise<PublishResult> {
    const images: Array<{ id: string; altText?: string }> = [];
    let video: string | undefined;
    for (const media of post.media) {
      // The rules let a video only be a post's single media item.
      if (media.contentType.startsWith('video/')) {
        video = await this.uploadVideo(tokens, media, options.signal);
        continue;
      }
      const init = await this.http.request<{ value: { uploadUrl: string; image: string } }>(this.url('/rest/images', { action: 'initializeUpload' }), {
        method: 'POST',
        headers: this.headers(tokens),
        json: { initializeUploadRequest: { owner: tokens.accountId } },
        signal: options.signal,
        step: 'starting the image upload',
      });
      await this.http.request(init.body.value.uploadUrl, {
        method: 'PUT',
        headers: { ...bearer(tokens.accessToken), 'content-type': media.contentType },
        body: await mediaBytes(media),
        signal: options.signal,
        step: 'uploading the image',
      });
      images.push({ id: init.body.value.image, ...(media.alt ? { altText: media.alt } : {}) });
    }
    const content = video
      ? { media: { id: video } }
      : images.length === 1
        ? { media: images[0] }
        : images.length > 1
          ? { multiImage: { images } }
          : post.link
            ? { article: { source: post.link, title: post.link } }
            : undefined;
    const res = await this.http.request(this.url('/rest/posts'), {
      method: 'POST',
      headers: this.headers(tokens),
      json: {
        author: tokens.accountId,
        commentary: escapeLinkedInText(post.text),
        visibility: 'PUBLIC',
        distribution: { feedDistribution: 'MAIN_FEED', targetEntities: [], thirdPartyDistributionChannels: [] },
        ...(content ? { content } : {}),
        lifecycleState: 'PUBLISHED',
        isReshareDisabledByAuthor: false,
      },
      signal: options.signal,
      step: 'creating the post',
    });
    const urn = res.headers.get('x-restli-id');
    if (!urn) throw new ProviderError('linkedin', 'unavailable', 'LinkedIn accepted the post but did not say its id (no x-restli-id header); check the profile before retrying');
    return { remoteId: urn, url: `https://www.linkedin.com/feed/update/${urn}/` };
  }

  async fetchMetrics(tokens: AccountTokens, remoteId: string, options: CallOptions = {}): Promise<PostMetrics> {
    // Member posts expose reactions and comments to the author; impressions need the Community Management analytics product.
    const { body } = await this.http.request<{ likesSummary?: { totalLikes?: number }; commentsSummary?: { aggregatedTotalComments?: number } }>(this.url(`/rest/socialActions/${encodeURIComponent(remoteId)}`), {
      headers: this.headers(tokens),
      signal: options.signal,
      step: 'reading the post metrics',
    });
    return { reactions: body.likesSummary?.totalLikes, comments: body.commentsSummary?.aggregatedTotalComments };
  }

  async deletePost(tokens: AccountTokens, remoteId: string, options: CallOptions = {}): Promise<void> {
    await this.http.request(this.url(`/rest/posts/${encodeURIComponent(remoteId)}`), { method: 'DELETE', headers: this.headers(tokens), signal: options.signal, step: 'deleting the post' });
  }

  /**
   * The Videos API: initializeUpload declares the size and answers one upload URL per part
   * (byte ranges of 4 MB); each part is PUT as it streams from storage and answers an ETag;
   * finalizeUpload lists the ETags in order. LinkedIn then processes the video, and a post may
   * only show it once its status is AVAILABLE, so the status is polled as X's is.
   */
  private async uploadVideo(tokens: AccountTokens, media: PostMedia, signal?: AbortSignal): Promise<string> {
    const init = await this.http.request<{ value: { video: string; uploadToken?: string; uploadInstructions: Array<{ uploadUrl: string; firstByte: number; lastByte: number }> } }>(
      this.url('/rest/videos', { action: 'initializeUpload' }),
      {
        method: 'POST',
        headers: this.headers(tokens),
        json: { initializeUploadRequest: { owner: tokens.accountId, fileSizeBytes: media.size, uploadCaptions: false, uploadThumbnail: false } },
        signal,
        step: 'starting the video upload',
      },
    );
    const { video, uploadToken = '', uploadInstructions: parts } = init.body.value;
    const partIds: string[] = [];
    if (parts.length === 0) throw new ProviderError('linkedin', 'unavailable', 'LinkedIn gave no upload instructions for the video; the post will be retried');
    // LinkedIn cuts the file into equal parts but the last: read it in chunks of the first part's length.
    const partSize = parts[0].lastByte - parts[0].firstByte + 1;
    let index = 0;
    for await (const chunk of mediaChunks(media, partSize)) {
      const part = parts[index];
      if (!part || part.lastByte - part.firstByte + 1 !== chunk.length) {
        throw new ProviderError('linkedin', 'unavailable', `LinkedIn's upload instructions do not match the video's ${media.size} bytes (part ${index + 1}); the post will be retried`);
      }
      const res = await this.http.request(part.uploadUrl, {
        method: 'PUT',
        headers: { ...bearer(tokens.accessToken), 'content-type': 'application/octet-stream' },
        body: view(chunk),
        signal,
        step: `uploading part ${index + 1} of ${parts.length} of the video`,
      });
      const etag = res.headers.get('etag');
      if (!etag) throw new ProviderError('linkedin', 'unavailable', `LinkedIn did not acknowledge part ${index + 1} of the video (no ETag); the post will be retried`);
      partIds.push(etag);
      index++;
    }
    if (index !== parts.length) throw unprocessable(`The video was declared as ${media.size} bytes but ended after ${index} of ${parts.length} parts; upload it again`, 'SOCIAL_MEDIA_SIZE_MISMATCH');
    await this.http.request(this.url('/rest/videos', { action: 'finalizeUpload' }), {
      method: 'POST',
      headers: this.headers(tokens),
      json: { finalizeUploadRequest: { video, uploadToken, uploadedPartIds: partIds } },
      signal,
      step: 'finishing the video upload',
    });
    for (let poll = 0; ; poll++) {
      const { body } = await this.http.request<{ status?: string; processingFailureReason?: string }>(this.url(`/rest/videos/${encodeURIComponent(video)}`), {
        headers: this.headers(tokens),
        signal,
        step: 'checking video processing',
      });
      if (body.status === 'AVAILABLE') return video;
      if (body.status === 'PROCESSING_FAILED') throw new ProviderError('linkedin', 'invalid_request', `LinkedIn could not process the video (${body.processingFailureReason ?? 'no reason given'}); export it again as MP4 (H.264, AAC) and try again`);
      if (poll + 1 >= this.config.maxPolls) throw new ProviderError('linkedin', 'unavailable', `LinkedIn was still processing the video after ${poll + 1} checks; the post will be retried`);
      await pause(this.config.pollIntervalMs, signal);
    }
  }

  private headers(tokens: AccountTokens) {
    return { ...bearer(tokens.accessToken), 'LinkedIn-Version': LINKEDIN_VERSION, 'X-Restli-Protocol-Version': '2.0.0' };
  }

  private url(path: string, query?: Record<string, string>) {
    return apiUrl(this.config.apiBaseUrl, path, query);
  }
}


function describeLinkedInError(body: unknown): string | undefined {
  const b = body as { message?: string } | undefined;
  return b?.message ?? oauthErrorMessage(body);
}

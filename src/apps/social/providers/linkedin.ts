import { DEFAULT_ENDPOINTS } from '../oauth/endpoints.js';
import { buildAuthorizeUrl, oauthErrorMessage, tokenRequest, tokensFrom } from '../oauth/pkce.js';
import { requireClient, resolveConfig, type AdapterConfig, type ResolvedAdapterConfig } from './adapter-config.js';
import { ProviderError } from './errors.js';
import { apiUrl, bearer, NetworkHttp } from './http.js';
import { mediaBytes } from './media-bytes.js';
import { NETWORK_RULES } from './rules.js';
import type { AccountTokens, AuthorizeRequest, CallOptions, CodeExchange, ConnectedAccount, OAuthClient, OAuthProvider, PostInput, PostMetrics, PublishResult } from './provider.js';

/**
 * LinkedIn's versioned REST API: every call carries `LinkedIn-Version` (YYYYMM) and
 * `X-Restli-Protocol-Version: 2.0.0`. Posts through POST /rest/posts (the new post's URN comes
 * back in the `x-restli-id` header, the body is empty), images through
 * /rest/images?action=initializeUpload then a PUT of the bytes to the returned upload URL.
 * The account is the member (urn:li:person:{sub} from OpenID userinfo).
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
    for (const media of post.media) {
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
    const content =
      images.length === 1 ? { media: images[0] } : images.length > 1 ? { multiImage: { images } } : post.link ? { article: { source: post.link, title: post.link } } : undefined;
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

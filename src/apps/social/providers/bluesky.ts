import { DEFAULT_ENDPOINTS } from '../oauth/endpoints.js';
import { resolveConfig, type AdapterConfig, type ResolvedAdapterConfig } from './adapter-config.js';
import { buildFacets } from './bluesky-facets.js';
import { ProviderError, isProviderError } from './errors.js';
import { apiUrl, bearer, NetworkHttp, pause } from './http.js';
import { mediaBytes } from './media-bytes.js';
import { NETWORK_RULES } from './rules.js';
import type { AccountTokens, CallOptions, ConnectedAccount, PasswordProvider, PostInput, PostMedia, PostMetrics, PublishResult } from './provider.js';

/**
 * Bluesky over the AT Protocol's XRPC (HTTP): a session from an app password
 * (com.atproto.server.createSession → accessJwt ~2 h, refreshJwt ~90 days; refreshSession
 * with the refresh JWT as bearer), images through com.atproto.repo.uploadBlob (raw bytes),
 * the post as an app.bsky.feed.post record through com.atproto.repo.createRecord with facets
 * and an app.bsky.embed.images embed (or app.bsky.embed.video: below), metrics from
 * app.bsky.feed.getPosts. The post's id is its at:// URI (what deleteRecord and getPosts take).
 */
interface SessionBody {
  did: string;
  handle: string;
  accessJwt: string;
  refreshJwt: string;
}

interface BlobRef {
  $type: 'blob';
  ref: { $link: string };
  mimeType: string;
  size: number;
}

/** app.bsky.video.defs#jobStatus: the video service's progress on one upload. */
interface VideoJobStatus {
  jobId: string;
  state: string;
  progress?: number;
  blob?: BlobRef;
  error?: string;
  message?: string;
}

export const BLUESKY_VIDEO_SERVICE = 'https://video.bsky.app';

/** XRPC errors are {error: "ExpiredToken", message}; these name a session that is no longer valid. */
const SESSION_ERRORS = new Set(['ExpiredToken', 'InvalidToken', 'AuthenticationRequired', 'AccountTakedown']);

export class BlueskyProvider implements PasswordProvider {
  readonly network = 'bluesky' as const;
  readonly auth = 'app_password' as const;
  readonly rules = NETWORK_RULES.bluesky;
  private readonly config: ResolvedAdapterConfig;
  private readonly http: NetworkHttp;
  private readonly videoServiceUrl: string;

  constructor(config: AdapterConfig = {}) {
    this.config = resolveConfig(config, DEFAULT_ENDPOINTS.bluesky);
    this.videoServiceUrl = config.videoServiceUrl ?? BLUESKY_VIDEO_SERVICE;
    this.http = new NetworkHttp({
      network: 'bluesky',
      timeoutMs: this.config.timeoutMs,
      describeError: (body) => {
        const b = body as { error?: string; message?: string } | undefined;
        return b?.message ? `${b.error ?? 'Error'}: ${b.message}` : b?.error;
      },
      isAuthError: (body) => SESSION_ERRORS.has((body as { error?: string } | undefined)?.error ?? ''),
    });
  }

  async createSession(identifier: string, appPassword: string, options: CallOptions = {}): Promise<ConnectedAccount> {
    try {
      const { body } = await this.http.request<SessionBody>(this.xrpc('com.atproto.server.createSession'), {
        method: 'POST',
        json: { identifier, password: appPassword },
        signal: options.signal,
        step: 'signing in',
      });
      return { remoteId: body.did, displayName: body.handle, handle: body.handle, tokens: sessionTokens(body) };
    } catch (err) {
      // At sign-in a refusal means wrong credentials, not a revoked account.
      if (isProviderError(err, 'auth_revoked')) {
        throw new ProviderError('bluesky', 'invalid_request', `Bluesky refused the handle or app password (${err.networkMessage ?? 'no reason given'}); check both, and use an app password from Settings → App passwords`, { networkStatus: err.networkStatus });
      }
      throw err;
    }
  }

  async refresh(tokens: AccountTokens, options: CallOptions = {}): Promise<AccountTokens> {
    if (!tokens.refreshToken) throw new ProviderError('bluesky', 'auth_revoked', 'This Bluesky account has no refresh token; reconnect it with an app password');
    const { body } = await this.http.request<SessionBody>(this.xrpc('com.atproto.server.refreshSession'), {
      method: 'POST',
      headers: bearer(tokens.refreshToken),
      signal: options.signal,
      step: 'refreshing the session',
    });
    return sessionTokens(body);
  }

  async publish(tokens: AccountTokens, post: PostInput, options: CallOptions = {}): Promise<PublishResult> {
    const auth = bearer(tokens.accessToken);
    const images: Array<{ alt: string; image: BlobRef }> = [];
    let video: { $type: 'app.bsky.embed.video'; video: BlobRef; alt?: string } | undefined;
    for (const media of post.media) {
      // The rules let a video only be a post's single media item.
      if (media.contentType.startsWith('video/')) {
        video = { $type: 'app.bsky.embed.video', video: await this.uploadVideo(tokens, media, options.signal), ...(media.alt ? { alt: media.alt } : {}) };
        continue;
      }
      const { body } = await this.http.request<{ blob: BlobRef }>(this.xrpc('com.atproto.repo.uploadBlob'), {
        method: 'POST',
        headers: { ...auth, 'content-type': media.contentType },
        body: await mediaBytes(media),
        signal: options.signal,
        step: 'uploading an image',
      });
      // alt is required by the lexicon; an empty string says "no description".
      images.push({ alt: media.alt ?? '', image: body.blob });
    }
    const facets = await buildFacets(post.text, (handle) => this.resolveHandle(handle, options.signal));
    const record = {
      $type: 'app.bsky.feed.post',
      text: post.text,
      createdAt: new Date().toISOString(),
      ...(facets.length ? { facets } : {}),
      ...(video ? { embed: video } : images.length ? { embed: { $type: 'app.bsky.embed.images', images } } : {}),
    };
    const { body } = await this.http.request<{ uri: string; cid: string }>(this.xrpc('com.atproto.repo.createRecord'), {
      method: 'POST',
      headers: auth,
      json: { repo: tokens.accountId, collection: 'app.bsky.feed.post', record },
      signal: options.signal,
      step: 'creating the post',
    });
    const rkey = body.uri.split('/').pop();
    return { remoteId: body.uri, url: `https://bsky.app/profile/${tokens.accountId}/post/${rkey}` };
  }

  async fetchMetrics(tokens: AccountTokens, remoteId: string, options: CallOptions = {}): Promise<PostMetrics> {
    const p = (await this.fetchMetricsMany(tokens, [remoteId], options)).get(remoteId);
    if (!p) throw new ProviderError('bluesky', 'invalid_request', 'Bluesky no longer has this post (deleted on the network?)');
    return p;
  }

  readonly metricsBatchSize = 25;

  /** app.bsky.feed.getPosts takes up to 25 `uris`; a deleted post is simply missing from `posts`. */
  async fetchMetricsMany(tokens: AccountTokens, remoteIds: string[], options: CallOptions = {}): Promise<Map<string, PostMetrics>> {
    const out = new Map<string, PostMetrics>();
    for (let i = 0; i < remoteIds.length; i += this.metricsBatchSize) {
      const url = this.xrpc('app.bsky.feed.getPosts');
      for (const uri of remoteIds.slice(i, i + this.metricsBatchSize)) url.searchParams.append('uris', uri);
      const { body } = await this.http.request<{ posts: Array<{ uri: string; likeCount?: number; repostCount?: number; replyCount?: number; quoteCount?: number }> }>(url, {
        headers: bearer(tokens.accessToken),
        signal: options.signal,
        step: 'reading the post metrics',
      });
      for (const p of body.posts) out.set(p.uri, { reactions: p.likeCount, comments: p.replyCount, shares: (p.repostCount ?? 0) + (p.quoteCount ?? 0) });
    }
    return out;
  }

  async deletePost(tokens: AccountTokens, remoteId: string, options: CallOptions = {}): Promise<void> {
    const [, , repo, collection, rkey] = remoteId.split('/');
    await this.http.request(this.xrpc('com.atproto.repo.deleteRecord'), {
      method: 'POST',
      headers: bearer(tokens.accessToken),
      json: { repo, collection, rkey },
      signal: options.signal,
      step: 'deleting the post',
    });
  }

  /**
   * Bluesky's video service encodes a video before a post may embed it. The account's PDS
   * issues a short service token for the upload (com.atproto.server.getServiceAuth, audience
   * the PDS's own did:web, read from the account's DID document); the service answers a job,
   * polled (unauthenticated) until it holds the encoded video's blob. A video the service
   * already has (a retry after a crash) answers 409 with the same job.
   */
  private async uploadVideo(tokens: AccountTokens, media: PostMedia, signal?: AbortSignal): Promise<BlobRef> {
    await this.checkUploadLimits(tokens, media.size, signal);
    const { body: repo } = await this.http.request<{ didDoc?: { service?: Array<{ id: string; serviceEndpoint: string }> } }>(this.xrpc('com.atproto.repo.describeRepo', { repo: tokens.accountId }), {
      headers: bearer(tokens.accessToken),
      signal,
      step: 'finding the account\'s server',
    });
    const pds = repo.didDoc?.service?.find((s) => s.id === '#atproto_pds' || s.id.endsWith('#atproto_pds'))?.serviceEndpoint;
    if (!pds) throw new ProviderError('bluesky', 'invalid_request', 'Bluesky did not say which server hosts this account (no #atproto_pds in its DID document); reconnect the account');
    const { body: auth } = await this.http.request<{ token: string }>(
      this.xrpc('com.atproto.server.getServiceAuth', { aud: `did:web:${encodeURIComponent(new URL(pds).host)}`, lxm: 'com.atproto.repo.uploadBlob', exp: String(Math.floor(Date.now() / 1000) + 30 * 60) }),
      { headers: bearer(tokens.accessToken), signal, step: 'asking for a video upload token' },
    );
    const upload = await this.http.request<VideoJobStatus | { jobStatus: VideoJobStatus } | { error: string; jobId?: string }>(
      apiUrl(this.videoServiceUrl, '/xrpc/app.bsky.video.uploadVideo', { did: tokens.accountId, name: `video-${Date.now()}.${media.contentType.split('/')[1] ?? 'mp4'}` }),
      { method: 'POST', headers: { ...bearer(auth.token), 'content-type': media.contentType }, body: await mediaBytes(media), signal, step: 'uploading the video', acceptStatuses: [409] },
    );
    const jobId = 'jobStatus' in upload.body ? upload.body.jobStatus.jobId : upload.body.jobId;
    if (!jobId) throw new ProviderError('bluesky', 'unavailable', `Bluesky's video service did not say which job encodes the video (${upload.status}); the post will be retried`);
    for (let poll = 0; ; poll++) {
      const { body } = await this.http.request<{ jobStatus: VideoJobStatus }>(apiUrl(this.videoServiceUrl, '/xrpc/app.bsky.video.getJobStatus', { jobId }), { signal, step: 'checking video processing' });
      const job = body.jobStatus;
      if (job.state === 'JOB_STATE_COMPLETED' && job.blob) return job.blob;
      if (job.state === 'JOB_STATE_FAILED') throw new ProviderError('bluesky', 'invalid_request', `Bluesky could not process the video (${job.message ?? job.error ?? 'no reason given'}); export it again as MP4 (H.264) and try again`);
      if (poll + 1 >= this.config.maxPolls) throw new ProviderError('bluesky', 'unavailable', `Bluesky was still processing the video after ${poll + 1} checks; the post will be retried`);
      await pause(this.config.pollIntervalMs, signal);
    }
  }

  /**
   * The video service limits each account's uploads per day (and refuses some accounts, an
   * unverified email for one). Asked first, as Bluesky's own app does, so that a video it
   * would refuse is not sent at all, and the user reads why. Its service token is for the
   * video service itself (audience its did:web), not the PDS.
   */
  private async checkUploadLimits(tokens: AccountTokens, size: number, signal?: AbortSignal): Promise<void> {
    const { body: auth } = await this.http.request<{ token: string }>(
      this.xrpc('com.atproto.server.getServiceAuth', { aud: `did:web:${encodeURIComponent(new URL(this.videoServiceUrl).host)}`, lxm: 'app.bsky.video.getUploadLimits', exp: String(Math.floor(Date.now() / 1000) + 5 * 60) }),
      { headers: bearer(tokens.accessToken), signal, step: 'asking for a video limits token' },
    );
    const { body: limits } = await this.http.request<{ canUpload?: boolean; remainingDailyVideos?: number; remainingDailyBytes?: number; message?: string; error?: string }>(
      apiUrl(this.videoServiceUrl, '/xrpc/app.bsky.video.getUploadLimits'),
      { headers: bearer(auth.token), signal, step: 'reading the video upload limits' },
    );
    if (limits.canUpload === false) {
      const reason = limits.message ?? limits.error ?? 'no reason given';
      throw new ProviderError('bluesky', 'invalid_request', `Bluesky will not take a video from this account now (${reason}); post without the video, or try again once Bluesky allows it (its daily limit resets after a day)`);
    }
    if (limits.remainingDailyBytes !== undefined && size > limits.remainingDailyBytes) {
      const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
      throw new ProviderError('bluesky', 'invalid_request', `This video is ${mb(size)} and Bluesky allows this account ${mb(limits.remainingDailyBytes)} more of video today; use a shorter or smaller video, or post it tomorrow`);
    }
  }

  private async resolveHandle(handle: string, signal?: AbortSignal): Promise<string | undefined> {
    try {
      const { body } = await this.http.request<{ did: string }>(this.xrpc('com.atproto.identity.resolveHandle', { handle }), { signal, step: `resolving @${handle}` });
      return body.did;
    } catch (err) {
      if (isProviderError(err, 'invalid_request')) return undefined; // unknown handle: plain text
      throw err;
    }
  }

  private xrpc(method: string, query?: Record<string, string>) {
    return apiUrl(this.config.apiBaseUrl, `/xrpc/${method}`, query);
  }
}

function sessionTokens(body: SessionBody): AccountTokens {
  return { accessToken: body.accessJwt, refreshToken: body.refreshJwt, expiresAt: jwtExpiry(body.accessJwt), accountId: body.did };
}

/** The `exp` claim of a JWT (seconds), read without verifying: only to know when to refresh. */
export function jwtExpiry(jwt: string): Date | undefined {
  try {
    const payload = JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString('utf8')) as { exp?: number };
    return typeof payload.exp === 'number' ? new Date(payload.exp * 1000) : undefined;
  } catch {
    return undefined;
  }
}

import { createHash } from 'node:crypto';
import { FakeHttpServer, type FakeReply, type FakeRequest } from './fake-server.js';

/**
 * LinkedIn's REST API as the adapter uses it: OAuth 2 (client secret in the form; refresh keeps
 * the same refresh token), OpenID /v2/userinfo, and /rest/* which refuses calls without the
 * LinkedIn-Version and X-Restli-Protocol-Version headers: images (initializeUpload, then PUT
 * to the upload URL), videos (initializeUpload answering one upload URL per 4 MB part, a PUT
 * per part answering an ETag, finalizeUpload with the ETags in order, then PROCESSING for
 * `videoPolls` status reads before AVAILABLE), posts (201 with the URN in x-restli-id and no
 * body; a video must be AVAILABLE), socialActions.
 * Stricter than LinkedIn on one point: commentary with an unescaped reserved character is
 * refused (LinkedIn silently drops the text after it), so a missing escape fails loudly.
 */
export interface FakeLinkedIn extends FakeHttpServer {
  readonly client: { clientId: string; clientSecret: string };
  readonly member: { sub: string; name: string; urn: string };
  readonly posts: Map<string, { author: string; text: string; content?: unknown; likes: number; comments: number }>;
  readonly images: Map<string, { owner: string; bytes?: Buffer; contentType?: string }>;
  readonly videos: Map<string, LinkedInVideo>;
  /** Status reads that answer PROCESSING before a finalized video is AVAILABLE (default 1). */
  videoPolls: number;
  /** When set, a finalized video's processing fails with this reason. */
  videoProcessingFailure?: string;
}

export interface LinkedInVideo {
  owner: string;
  size: number;
  uploadToken: string;
  parts: Array<{ bytes?: Buffer; etag?: string }>;
  /** The whole file once finalized. */
  bytes?: Buffer;
  status: 'WAITING_UPLOAD' | 'PROCESSING' | 'AVAILABLE' | 'PROCESSING_FAILED';
  statusReads: number;
}

/** LinkedIn's multipart video uploads cut the file into parts of this size (the last one shorter). */
export const LINKEDIN_VIDEO_PART_BYTES = 4 * 1024 * 1024;

const REVOKED: FakeReply = { status: 401, json: { status: 401, serviceErrorCode: 65601, code: 'REVOKED_ACCESS_TOKEN', message: 'The token used in the request has been revoked by the user' } };

export function createFakeLinkedIn(): FakeLinkedIn {
  const fake = new FakeHttpServer('linkedin') as FakeLinkedIn;
  Object.assign(fake, {
    client: { clientId: 'li-client', clientSecret: 'li-secret' },
    member: { sub: 'aBcD123', name: 'Fake LinkedIn Member', urn: 'urn:li:person:aBcD123' },
    posts: new Map(),
    images: new Map(),
    videos: new Map(),
    videoPolls: 1,
  });
  const clients = () => new Map([[fake.client.clientId, { secret: fake.client.clientSecret }]]);
  fake.oauthAuthorize('/oauth/v2/authorization', { clients, accountId: () => fake.member.urn, requirePkce: false });
  fake.oauthToken('/oauth/v2/accessToken', { clients, clientAuth: 'body', rotateRefresh: false, extra: () => ({ refresh_token_expires_in: 31536000 }) });

  const bad = (status: number, message: string): FakeReply => ({ status, json: { status, message } });
  const rest = (handler: (req: FakeRequest, account: string) => FakeReply | Promise<FakeReply>) => (req: FakeRequest) => {
    const account = fake.tokenAccount(req.bearer());
    if (!account) return REVOKED;
    if (!/^\d{6}$/.test(String(req.headers['linkedin-version'] ?? ''))) return { status: 400, json: { status: 400, code: 'VERSION_MISSING', message: 'A version must be present. Please specify a version by adding the LinkedIn-Version header.' } };
    if (req.headers['x-restli-protocol-version'] !== '2.0.0') return bad(400, 'X-Restli-Protocol-Version: 2.0.0 is required');
    return handler(req, account);
  };

  fake.route('GET', '/v2/userinfo', (req) => (fake.tokenAccount(req.bearer()) ? { json: { sub: fake.member.sub, name: fake.member.name, email_verified: true } } : REVOKED));

  fake.route('POST', '/rest/images', rest((req, account) => {
    if (req.query.get('action') !== 'initializeUpload') return bad(400, 'action=initializeUpload is required');
    const owner = req.json<{ initializeUploadRequest?: { owner?: string } }>().initializeUploadRequest?.owner;
    if (owner !== account) return bad(403, `Not enough permissions to upload on behalf of ${owner}`);
    const id = fake.nextId('D4E');
    fake.images.set(`urn:li:image:${id}`, { owner });
    return { json: { value: { uploadUrlExpiresAt: Date.now() + 3600_000, uploadUrl: `${fake.baseUrl}/dms-uploads/${id}`, image: `urn:li:image:${id}` } } };
  }));

  fake.route('PUT', '/dms-uploads/:id', (req) => {
    if (!fake.tokenAccount(req.bearer())) return REVOKED;
    const image = fake.images.get(`urn:li:image:${req.params.id}`);
    if (!image) return bad(404, 'Unknown upload');
    if (req.raw.length === 0) return bad(400, 'Empty upload');
    image.bytes = req.raw;
    image.contentType = req.headers['content-type'];
    return { status: 201 };
  });

  fake.route('POST', '/rest/videos', rest((req, account) => {
    const action = req.query.get('action');
    if (action === 'initializeUpload') {
      const request = req.json<{ initializeUploadRequest?: { owner?: string; fileSizeBytes?: number } }>().initializeUploadRequest;
      if (request?.owner !== account) return bad(403, `Not enough permissions to upload on behalf of ${request?.owner}`);
      const size = request.fileSizeBytes;
      if (!Number.isInteger(size) || size! < 1 || size! > 500 * 1024 * 1024) return bad(400, '/initializeUploadRequest/fileSizeBytes must be between 1 and 524288000');
      const id = fake.nextId('C5F');
      const urn = `urn:li:video:${id}`;
      const count = Math.ceil(size! / LINKEDIN_VIDEO_PART_BYTES);
      const uploadToken = count > 1 ? `token-${id}` : '';
      fake.videos.set(urn, { owner: account, size: size!, uploadToken, parts: Array.from({ length: count }, () => ({})), status: 'WAITING_UPLOAD', statusReads: 0 });
      const uploadInstructions = Array.from({ length: count }, (_, i) => ({
        uploadUrl: `${fake.baseUrl}/dms-uploads/video/${id}/${i}`,
        firstByte: i * LINKEDIN_VIDEO_PART_BYTES,
        lastByte: Math.min(size!, (i + 1) * LINKEDIN_VIDEO_PART_BYTES) - 1,
      }));
      return { json: { value: { uploadUrlsExpireAt: Date.now() + 3600_000, video: urn, uploadInstructions, uploadToken } } };
    }
    if (action === 'finalizeUpload') {
      const request = req.json<{ finalizeUploadRequest?: { video?: string; uploadToken?: string; uploadedPartIds?: string[] } }>().finalizeUploadRequest;
      const video = fake.videos.get(request?.video ?? '');
      if (!video || video.owner !== account) return bad(404, `Unknown video ${request?.video}`);
      if (request!.uploadToken !== video.uploadToken) return bad(400, 'uploadToken does not match the upload');
      const expected = video.parts.map((p) => p.etag);
      if (expected.some((e) => !e) || JSON.stringify(request!.uploadedPartIds) !== JSON.stringify(expected)) return bad(400, 'uploadedPartIds must list every part\'s ETag, in order');
      video.bytes = Buffer.concat(video.parts.map((p) => p.bytes!));
      if (video.bytes.length !== video.size) return bad(400, `Uploaded ${video.bytes.length} bytes, declared ${video.size}`);
      video.status = 'PROCESSING';
      return { status: 200, json: {} };
    }
    return bad(400, 'action=initializeUpload or action=finalizeUpload is required');
  }));

  fake.route('PUT', '/dms-uploads/video/:id/:part', (req) => {
    const video = fake.videos.get(`urn:li:video:${req.params.id}`);
    const part = video?.parts[Number(req.params.part)];
    if (!video || !part) return bad(404, 'Unknown upload');
    const first = Number(req.params.part) * LINKEDIN_VIDEO_PART_BYTES;
    const expected = Math.min(video.size, first + LINKEDIN_VIDEO_PART_BYTES) - first;
    if (req.raw.length !== expected) return bad(400, `Part ${req.params.part} must be ${expected} bytes, got ${req.raw.length}`);
    part.bytes = req.raw;
    part.etag = `"etag-${req.params.id}-${req.params.part}-${createHash('sha1').update(req.raw).digest('hex').slice(0, 12)}"`;
    return { status: 200, headers: { etag: part.etag } };
  });

  fake.route('GET', '/rest/videos/:urn', rest((req, account) => {
    const video = fake.videos.get(req.params.urn);
    if (!video || video.owner !== account) return bad(404, `Not found: ${req.params.urn}`);
    if (video.status === 'PROCESSING' && ++video.statusReads > fake.videoPolls) {
      video.status = fake.videoProcessingFailure ? 'PROCESSING_FAILED' : 'AVAILABLE';
    }
    return { json: { id: req.params.urn, owner: video.owner, status: video.status, ...(video.status === 'PROCESSING_FAILED' ? { processingFailureReason: fake.videoProcessingFailure } : {}) } };
  }));

  fake.route('POST', '/rest/posts', rest((req, account) => {
    const body = req.json<{ author?: string; commentary?: string; visibility?: string; distribution?: { feedDistribution?: string }; lifecycleState?: string; content?: { media?: { id: string }; multiImage?: { images: Array<{ id: string }> } } }>();
    if (body.author !== account) return bad(403, `Not enough permissions to post as ${body.author}`);
    if (typeof body.commentary !== 'string') return bad(422, '/commentary is required');
    if (/(^|[^\\])(\\\\)*[|{}@[\]()<>#*_~]/.test(body.commentary)) return bad(422, '/commentary has an unescaped reserved character: escape | { } @ [ ] ( ) < > # * _ ~ with a backslash');
    if (body.commentary.replace(/\\(.)/g, '$1').length > 3000) return bad(422, '/commentary exceeds 3000 characters');
    if (body.visibility !== 'PUBLIC' || body.lifecycleState !== 'PUBLISHED' || body.distribution?.feedDistribution !== 'MAIN_FEED') return bad(422, 'visibility, lifecycleState and distribution are required');
    const ids = body.content?.media ? [body.content.media.id] : (body.content?.multiImage?.images.map((i) => i.id) ?? []);
    for (const id of ids) {
      if (id.startsWith('urn:li:video:')) {
        if (fake.videos.get(id)?.status !== 'AVAILABLE') return bad(422, `Video ${id} is not AVAILABLE`);
      } else if (!fake.images.get(id)?.bytes) return bad(422, `Image ${id} was not uploaded`);
    }
    const urn = `urn:li:share:${fake.nextId()}`;
    fake.posts.set(urn, { author: account, text: body.commentary.replace(/\\(.)/g, '$1'), content: body.content, likes: 0, comments: 0 });
    return { status: 201, headers: { 'x-restli-id': urn } };
  }));

  fake.route('GET', '/rest/socialActions/:urn', rest((req) => {
    const post = fake.posts.get(req.params.urn);
    if (!post) return bad(404, `Not found: ${req.params.urn}`);
    return { json: { target: req.params.urn, likesSummary: { totalLikes: post.likes, liked: false }, commentsSummary: { aggregatedTotalComments: post.comments, totalFirstLevelComments: post.comments } } };
  }));

  fake.route('DELETE', '/rest/posts/:urn', rest((req) => (fake.posts.delete(req.params.urn) ? { status: 204 } : bad(404, 'Not found'))));
  return fake;
}

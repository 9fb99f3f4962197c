import { createHash, randomBytes } from 'node:crypto';
import { FakeHttpServer, type FakeReply, type FakeRequest } from './fake-server.js';

/**
 * A Bluesky PDS over XRPC: createSession with an app password, refreshSession (the refresh
 * JWT as bearer, rotated), uploadBlob (raw bytes, image/*, at most 1,000,000 bytes),
 * resolveHandle, createRecord for app.bsky.feed.post (checks the lexicon: at most 300
 * graphemes, facet byte ranges inside the UTF-8 text and covering exactly the link, @handle or
 * #tag they claim, embedded blobs uploaded by this account), getPosts and deleteRecord; and
 * for videos: describeRepo (the DID document naming this PDS), getServiceAuth, and the video
 * service's getUploadLimits (today's `videoAllowance`, or its refusal), uploadVideo (a service token for this PDS and com.atproto.repo.uploadBlob; 409
 * with the same job for bytes it already has) and getJobStatus (JOB_STATE_ENCODING for
 * `videoPolls` reads, then COMPLETED with the video's blob, or FAILED with `videoFailure`).
 */
/** The parts of an app.bsky.feed.post record the fake checks (everything else is stored as sent). */
export interface PostRecord {
  $type?: string;
  text?: unknown;
  createdAt?: string;
  facets?: Array<{ index?: { byteStart?: number; byteEnd?: number }; features?: Array<{ $type?: string; uri?: string; tag?: string; did?: string }> }>;
  embed?: { $type?: string; images?: Array<{ alt?: unknown; image?: { ref?: { $link?: string }; size?: number } }>; video?: { ref?: { $link?: string }; mimeType?: string } };
}

export interface FakeBluesky extends FakeHttpServer {
  readonly account: { did: string; handle: string; appPassword: string };
  readonly handles: Map<string, string>;
  readonly blobs: Map<string, { owner: string; mimeType: string; size: number }>;
  readonly records: Map<string, { did: string; record: PostRecord; likeCount: number; repostCount: number; replyCount: number; quoteCount: number }>;
  readonly videoJobs: Map<string, { did: string; hash: string; bytes: Buffer; reads: number; blob: { $type: 'blob'; ref: { $link: string }; mimeType: string; size: number } }>;
  /** getJobStatus reads that answer JOB_STATE_ENCODING before a job completes (default 1). */
  videoPolls: number;
  /** When set, video jobs fail with this message. */
  videoFailure?: string;
  /** What getUploadLimits answers, and uploadVideo enforces: today's remaining allowance, or why this account may not upload. */
  videoAllowance: { videos: number; bytes: number; refusal?: string };
}

const xrpcError = (status: number, error: string, message: string): FakeReply => ({ status, json: { error, message } });
const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

function jwt(sub: string, scope: string, lifetimeSeconds: number): string {
  const enc = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  return `${enc({ typ: 'at+jwt', alg: 'ES256K' })}.${enc({ scope, sub, iat: now, exp: now + lifetimeSeconds, jti: randomBytes(6).toString('hex') })}.${randomBytes(16).toString('base64url')}`;
}

export function createFakeBluesky(): FakeBluesky {
  const fake = new FakeHttpServer('bluesky') as FakeBluesky;
  Object.assign(fake, {
    account: { did: 'did:plc:fake7u3lxy4i2ajtmhgyqbz', handle: 'fake.bsky.social', appPassword: 'abcd-efgh-ijkl-mnop' },
    handles: new Map([['alice.bsky.social', 'did:plc:alice5bfuqiwj3ktlfhpvqhs']]),
    blobs: new Map(),
    records: new Map(),
    videoJobs: new Map(),
    videoPolls: 1,
    videoAllowance: { videos: 25, bytes: 10 * 1024 * 1024 * 1024 },
  });
  const serviceTokens = new Map<string, { did: string; aud: string; lxm: string; exp: number }>();
  fake.handles.set(fake.account.handle, fake.account.did);

  const session = () => {
    const accessJwt = jwt(fake.account.did, 'com.atproto.appPass', 7200);
    const refreshJwt = jwt(fake.account.did, 'com.atproto.refresh', 90 * 86400);
    fake.accessTokens.set(accessJwt, { accountId: fake.account.did, expiresAt: Date.now() + 7200_000, scopes: [] });
    fake.refreshTokens.set(refreshJwt, { accountId: fake.account.did, clientId: 'app-password', scopes: [] });
    return { json: { did: fake.account.did, handle: fake.account.handle, accessJwt, refreshJwt, active: true } };
  };
  const authed = (handler: (req: FakeRequest, did: string) => FakeReply | Promise<FakeReply>) => (req: FakeRequest) => {
    const did = fake.tokenAccount(req.bearer());
    return did ? handler(req, did) : xrpcError(400, 'ExpiredToken', 'Token has expired');
  };

  fake.route('POST', '/xrpc/com.atproto.server.createSession', (req) => {
    const { identifier, password } = req.json<{ identifier?: string; password?: string }>();
    const known = identifier === fake.account.handle || identifier === fake.account.did;
    if (!known || password !== fake.account.appPassword) return xrpcError(401, 'AuthenticationRequired', 'Invalid identifier or password');
    return session();
  });

  fake.route('POST', '/xrpc/com.atproto.server.refreshSession', (req) => {
    const token = req.bearer() ?? '';
    if (!fake.refreshTokens.has(token)) return xrpcError(400, 'ExpiredToken', 'Token has been revoked');
    fake.refreshTokens.delete(token);
    return session();
  });

  fake.route('POST', '/xrpc/com.atproto.repo.uploadBlob', authed((req, did) => {
    const mimeType = req.headers['content-type'] ?? '';
    if (!mimeType.startsWith('image/')) return xrpcError(400, 'InvalidMimeType', `Wrong type of file. It is ${mimeType} but it must match image/*.`);
    if (req.raw.length > 1_000_000) return xrpcError(400, 'BlobTooLarge', 'This file is too large. It is ' + req.raw.length + ' bytes but the maximum size is 1000000 bytes.');
    const cid = `bafkrei${createHash('sha256').update(req.raw).digest('hex').slice(0, 52)}`;
    fake.blobs.set(cid, { owner: did, mimeType, size: req.raw.length });
    return { json: { blob: { $type: 'blob', ref: { $link: cid }, mimeType, size: req.raw.length } } };
  }));

  fake.route('GET', '/xrpc/com.atproto.repo.describeRepo', (req) => {
    const repo = req.query.get('repo');
    if (repo !== fake.account.did && repo !== fake.account.handle) return xrpcError(400, 'RepoNotFound', `Could not find repo: ${repo}`);
    const didDoc = { id: fake.account.did, alsoKnownAs: [`at://${fake.account.handle}`], service: [{ id: '#atproto_pds', type: 'AtprotoPersonalDataServer', serviceEndpoint: fake.baseUrl }] };
    return { json: { handle: fake.account.handle, did: fake.account.did, didDoc, collections: ['app.bsky.feed.post'], handleIsCorrect: true } };
  });

  fake.route('GET', '/xrpc/com.atproto.server.getServiceAuth', authed((req, did) => {
    const aud = req.query.get('aud') ?? '';
    const lxm = req.query.get('lxm') ?? '';
    const exp = Number(req.query.get('exp'));
    if (!aud.startsWith('did:')) return xrpcError(400, 'InvalidRequest', 'aud must be a DID');
    if (!Number.isFinite(exp) || exp * 1000 < Date.now() || exp * 1000 > Date.now() + 3600_000) return xrpcError(400, 'BadExpiration', 'expiration must be in the future and at most an hour away');
    const token = jwt(did, 'service', 60);
    serviceTokens.set(token, { did, aud, lxm, exp });
    return { json: { token } };
  }));

  // The video service's own token check: the fake serves it on the PDS's host, so both audiences are this host's did:web.
  const serviceToken = (req: FakeRequest, lxm: string): { auth: { did: string }; refusal?: undefined } | { auth?: undefined; refusal: FakeReply } => {
    const auth = serviceTokens.get(req.bearer() ?? '');
    if (!auth || auth.exp * 1000 < Date.now()) return { refusal: xrpcError(401, 'AuthenticationRequired', 'A service token from the account\'s PDS is required') };
    if (auth.aud !== `did:web:${encodeURIComponent(new URL(fake.baseUrl).host)}` || auth.lxm !== lxm) return { refusal: xrpcError(401, 'BadJwtAudience', `The token is for ${auth.aud} / ${auth.lxm}, not ${lxm} here`) };
    return { auth };
  };

  fake.route('GET', '/xrpc/app.bsky.video.getUploadLimits', (req) => {
    const { refusal } = serviceToken(req, 'app.bsky.video.getUploadLimits');
    if (refusal) return refusal;
    const { videos, bytes, refusal: why } = fake.videoAllowance;
    const canUpload = !why && videos > 0 && bytes > 0;
    return { json: { canUpload, remainingDailyVideos: videos, remainingDailyBytes: bytes, ...(canUpload ? {} : { message: why ?? 'You have reached your daily upload limit' }) } };
  });

  fake.route('POST', '/xrpc/app.bsky.video.uploadVideo', (req) => {
    const { auth, refusal } = serviceToken(req, 'com.atproto.repo.uploadBlob');
    if (refusal) return refusal;
    if (req.query.get('did') !== auth.did || !req.query.get('name')) return xrpcError(400, 'InvalidRequest', 'did (the token\'s) and name are required');
    const mimeType = req.headers['content-type'] ?? '';
    if (!/^video\/(mp4|quicktime|webm|mpeg)$/.test(mimeType)) return xrpcError(400, 'InvalidMimeType', `Unsupported video type ${mimeType}`);
    if (req.raw.length > 100 * 1024 * 1024) return xrpcError(400, 'BlobTooLarge', 'Videos must be at most 100 MB');
    const hash = createHash('sha256').update(req.raw).digest('hex');
    const known = [...fake.videoJobs.entries()].find(([, job]) => job.did === auth.did && job.hash === hash);
    if (known) return { status: 409, json: { error: 'already_exists', message: 'Video already processed', jobId: known[0] } };
    const allowance = fake.videoAllowance;
    if (allowance.refusal || allowance.videos < 1 || allowance.bytes < req.raw.length) return xrpcError(400, 'UploadLimitExceeded', allowance.refusal ?? 'Daily video upload limit exceeded');
    fake.videoAllowance = { videos: allowance.videos - 1, bytes: allowance.bytes - req.raw.length };
    const jobId = `job-${fake.nextId()}`;
    const cid = `bafkrei${hash.slice(0, 52)}`;
    fake.videoJobs.set(jobId, { did: auth.did, hash, bytes: req.raw, reads: 0, blob: { $type: 'blob', ref: { $link: cid }, mimeType: 'video/mp4', size: req.raw.length } });
    return { json: { jobId, did: auth.did, state: 'JOB_STATE_CREATED' } };
  });

  fake.route('GET', '/xrpc/app.bsky.video.getJobStatus', (req) => {
    const jobId = req.query.get('jobId') ?? '';
    const job = fake.videoJobs.get(jobId);
    if (!job) return xrpcError(404, 'NotFound', `No job ${jobId}`);
    if (fake.videoFailure) return { json: { jobStatus: { jobId, did: job.did, state: 'JOB_STATE_FAILED', error: 'encoding_failed', message: fake.videoFailure } } };
    if (job.reads++ < fake.videoPolls) return { json: { jobStatus: { jobId, did: job.did, state: 'JOB_STATE_ENCODING', progress: 50 } } };
    fake.blobs.set(job.blob.ref.$link, { owner: job.did, mimeType: job.blob.mimeType, size: job.blob.size });
    return { json: { jobStatus: { jobId, did: job.did, state: 'JOB_STATE_COMPLETED', progress: 100, blob: job.blob } } };
  });

  fake.route('GET', '/xrpc/com.atproto.identity.resolveHandle', (req) => {
    const did = fake.handles.get((req.query.get('handle') ?? '').toLowerCase());
    return did ? { json: { did } } : xrpcError(400, 'InvalidRequest', 'Unable to resolve handle');
  });

  fake.route('POST', '/xrpc/com.atproto.repo.createRecord', authed((req, did) => {
    const body = req.json<{ repo?: string; collection?: string; record?: PostRecord }>();
    if (body.repo !== did) return xrpcError(401, 'AuthRequired', 'Input/repo must match the session');
    if (body.collection !== 'app.bsky.feed.post' || body.record?.$type !== 'app.bsky.feed.post') return xrpcError(400, 'InvalidRequest', 'Invalid collection or record $type');
    const record = body.record;
    if (typeof record.text !== 'string' || Number.isNaN(Date.parse(record.createdAt ?? ''))) return xrpcError(400, 'InvalidRequest', 'Invalid app.bsky.feed.post record: text and createdAt are required');
    const graphemes = [...segmenter.segment(record.text)].length;
    if (graphemes > 300) return xrpcError(400, 'InvalidRequest', `Invalid app.bsky.feed.post record: Record/text must not be longer than 300 graphemes`);
    const text = Buffer.from(record.text, 'utf8');
    for (const facet of record.facets ?? []) {
      const byteStart = facet.index?.byteStart ?? -1;
      const byteEnd = facet.index?.byteEnd ?? -1;
      if (!(Number.isInteger(byteStart) && Number.isInteger(byteEnd) && byteStart >= 0 && byteEnd <= text.length && byteStart < byteEnd)) return xrpcError(400, 'InvalidRequest', 'Invalid facet index');
      const slice = text.subarray(byteStart, byteEnd).toString('utf8');
      const f = facet.features?.[0];
      const expected = f?.$type === 'app.bsky.richtext.facet#link' ? f.uri : f?.$type === 'app.bsky.richtext.facet#tag' ? `#${f.tag}` : undefined;
      if (expected !== undefined && slice !== expected) return xrpcError(400, 'InvalidRequest', `Facet ${byteStart}-${byteEnd} covers "${slice}", not "${expected}"`);
      if (f?.$type === 'app.bsky.richtext.facet#mention' && fake.handles.get(slice.slice(1).toLowerCase()) !== f.did) return xrpcError(400, 'InvalidRequest', `Facet ${byteStart}-${byteEnd} covers "${slice}", which is not ${f.did}`);
    }
    if (record.embed?.$type === 'app.bsky.embed.video') {
      const blob = fake.blobs.get(record.embed.video?.ref?.$link ?? '');
      if (blob?.owner !== did || !blob.mimeType.startsWith('video/')) return xrpcError(400, 'InvalidRequest', 'Embedded video blob not found: upload it through the video service first');
    } else if (record.embed) {
      if (record.embed.$type !== 'app.bsky.embed.images' || !Array.isArray(record.embed.images) || record.embed.images.length > 4) return xrpcError(400, 'InvalidRequest', 'Invalid embed');
      for (const img of record.embed.images) {
        if (typeof img.alt !== 'string' || fake.blobs.get(img.image?.ref?.$link ?? '')?.owner !== did) return xrpcError(400, 'InvalidRequest', 'Embedded image blob not found or alt missing');
      }
    }
    const rkey = `3l${fake.nextId().slice(-11)}`;
    const uri = `at://${did}/app.bsky.feed.post/${rkey}`;
    fake.records.set(uri, { did, record, likeCount: 0, repostCount: 0, replyCount: 0, quoteCount: 0 });
    return { json: { uri, cid: `bafyrei${rkey}`, commit: { cid: 'bafyreicommit', rev: rkey }, validationStatus: 'valid' } };
  }));

  fake.route('GET', '/xrpc/app.bsky.feed.getPosts', authed((req) => {
    const posts = req.query.getAll('uris').flatMap((uri) => {
      const r = fake.records.get(uri);
      return r ? [{ uri, cid: 'bafyrei', author: { did: r.did, handle: fake.account.handle }, record: r.record, likeCount: r.likeCount, repostCount: r.repostCount, replyCount: r.replyCount, quoteCount: r.quoteCount, indexedAt: r.record.createdAt }] : [];
    });
    return { json: { posts } };
  }));

  fake.route('POST', '/xrpc/com.atproto.repo.deleteRecord', authed((req, did) => {
    const { repo, collection, rkey } = req.json<{ repo: string; collection: string; rkey: string }>();
    if (repo !== did) return xrpcError(401, 'AuthRequired', 'Input/repo must match the session');
    fake.records.delete(`at://${repo}/${collection}/${rkey}`);
    return { json: { commit: { cid: 'bafyreicommit', rev: 'x' } } };
  }));
  return fake;
}

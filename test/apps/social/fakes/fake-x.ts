import { FakeHttpServer, type FakeReply, type FakeRequest } from './fake-server.js';

/**
 * X API v2 as the adapter uses it: OAuth 2 with required PKCE and HTTP Basic client auth
 * (rotating refresh tokens), /2/users/me, the v2 chunked media upload (initialize, append
 * multipart segments, finalize; videos go through STATUS polls pending → in_progress →
 * succeeded), /2/media/metadata, /2/tweets (create, read public_metrics, delete).
 */
export interface FakeX extends FakeHttpServer {
  readonly client: { clientId: string; clientSecret: string };
  readonly account: { id: string; name: string; username: string };
  readonly tweets: Map<string, { text: string; mediaIds: string[]; metrics: Record<string, number> }>;
  readonly uploads: Map<string, { mediaType: string; total: number; segments: Map<number, Buffer>; finalized: boolean; polls: number; alt?: string }>;
  /** STATUS polls a video needs before it is processed. */
  videoPolls: number;
}

const UNAUTHORIZED: FakeReply = { status: 401, json: { title: 'Unauthorized', type: 'about:blank', status: 401, detail: 'Unauthorized' } };

export function createFakeX(): FakeX {
  const fake = new FakeHttpServer('x') as FakeX;
  Object.assign(fake, {
    client: { clientId: 'x-client', clientSecret: 'x-secret' },
    account: { id: '1700000000000000001', name: 'Fake X Account', username: 'fakex' },
    tweets: new Map(),
    uploads: new Map(),
    videoPolls: 2,
  });
  const clients = () => new Map([[fake.client.clientId, { secret: fake.client.clientSecret }]]);
  fake.oauthAuthorize('/i/oauth2/authorize', { clients, accountId: () => fake.account.id, requirePkce: true });
  fake.oauthToken('/2/oauth2/token', { clients, clientAuth: 'basic', rotateRefresh: true });

  const authed = (handler: (req: FakeRequest, account: string) => FakeReply | Promise<FakeReply>) => (req: FakeRequest) => {
    const account = fake.tokenAccount(req.bearer());
    return account ? handler(req, account) : UNAUTHORIZED;
  };
  const problem = (status: number, detail: string): FakeReply => ({ status, json: { title: status === 403 ? 'Forbidden' : 'Invalid Request', status, detail, type: 'about:blank' } });

  fake.route('GET', '/2/users/me', authed(() => ({ json: { data: fake.account } })));

  fake.route('POST', '/2/media/upload/initialize', authed((req) => {
    const body = req.json<{ media_type?: string; total_bytes?: number; media_category?: string }>();
    if (!body.media_type || !Number.isInteger(body.total_bytes) || body.total_bytes! <= 0) return problem(400, 'media_type and total_bytes are required');
    if (!['tweet_image', 'tweet_gif', 'tweet_video'].includes(body.media_category ?? '')) return problem(400, `Unknown media_category ${body.media_category}`);
    const id = fake.nextId();
    fake.uploads.set(id, { mediaType: body.media_type, total: body.total_bytes!, segments: new Map(), finalized: false, polls: 0 });
    return { json: { data: { id, media_key: `3_${id}`, expires_after_secs: 86400 } } };
  }));

  fake.route('POST', '/2/media/upload/:id/append', authed(async (req) => {
    const upload = fake.uploads.get(req.params.id);
    if (!upload || upload.finalized) return problem(400, 'Unknown or finalized media id');
    const form = await req.form();
    const index = Number(form.get('segment_index'));
    const media = form.get('media');
    if (!Number.isInteger(index) || index < 0 || index > 999 || !(media instanceof Blob)) return problem(400, 'segment_index (0-999) and media are required');
    upload.segments.set(index, Buffer.from(await media.arrayBuffer()));
    return { status: 200, json: { data: { expires_at: Date.now() + 86400_000 } } };
  }));

  fake.route('POST', '/2/media/upload/:id/finalize', authed((req) => {
    const upload = fake.uploads.get(req.params.id);
    if (!upload) return problem(400, 'Unknown media id');
    const received = [...upload.segments.values()].reduce((n, b) => n + b.length, 0);
    const contiguous = [...upload.segments.keys()].sort((a, b) => a - b).every((k, i) => k === i);
    if (received !== upload.total || !contiguous) return problem(400, `File size mismatch: declared ${upload.total} bytes, received ${received}`);
    upload.finalized = true;
    const video = upload.mediaType.startsWith('video/');
    return { json: { data: { id: req.params.id, media_key: `3_${req.params.id}`, size: upload.total, ...(video ? { processing_info: { state: 'pending', check_after_secs: 1 } } : {}) } } };
  }));

  fake.route('GET', '/2/media/upload', authed((req) => {
    if (req.query.get('command') !== 'STATUS') return problem(400, 'command=STATUS is required');
    const upload = fake.uploads.get(req.query.get('media_id') ?? '');
    if (!upload?.finalized) return problem(400, 'Unknown or unfinalized media id');
    upload.polls++;
    const state = upload.polls >= fake.videoPolls ? 'succeeded' : 'in_progress';
    return { json: { data: { id: req.query.get('media_id'), processing_info: { state, ...(state === 'succeeded' ? {} : { check_after_secs: 1, progress_percent: 50 }) } } } };
  }));

  fake.route('POST', '/2/media/metadata', authed((req) => {
    const body = req.json<{ id?: string; metadata?: { alt_text?: { text?: string } } }>();
    const upload = fake.uploads.get(body.id ?? '');
    if (!upload?.finalized) return problem(400, 'Unknown media id');
    const alt = body.metadata?.alt_text?.text;
    if (!alt || alt.length > 1000) return problem(400, 'alt_text.text must be 1-1000 characters');
    upload.alt = alt;
    return { json: { data: { id: body.id, associated_metadata: true } } };
  }));

  fake.route('POST', '/2/tweets', authed((req) => {
    const body = req.json<{ text?: string; media?: { media_ids?: string[] } }>();
    const mediaIds = body.media?.media_ids ?? [];
    if (typeof body.text !== 'string' || (body.text === '' && mediaIds.length === 0)) return problem(400, 'text or media is required');
    for (const id of mediaIds) {
      const u = fake.uploads.get(id);
      if (!u?.finalized || (u.mediaType.startsWith('video/') && u.polls < fake.videoPolls)) return problem(400, `Media ${id} is not ready: finish the upload and wait for processing`);
    }
    if ([...fake.tweets.values()].some((t) => t.text === body.text && body.text !== '')) return problem(403, 'You are not allowed to create a Tweet with duplicate content.');
    const id = fake.nextId();
    fake.tweets.set(id, { text: body.text, mediaIds, metrics: { retweet_count: 0, reply_count: 0, like_count: 0, quote_count: 0, bookmark_count: 0, impression_count: 0 } });
    return { status: 201, json: { data: { id, text: body.text, edit_history_tweet_ids: [id] } } };
  }));

  fake.route('GET', '/2/tweets/:id', authed((req) => {
    const tweet = fake.tweets.get(req.params.id);
    // X answers 200 with an errors array for an id it does not have.
    if (!tweet) return { json: { errors: [{ value: req.params.id, detail: `Could not find tweet with id: [${req.params.id}].`, title: 'Not Found Error', type: 'https://api.twitter.com/2/problems/resource-not-found' }] } };
    const fields = (req.query.get('tweet.fields') ?? '').split(',');
    return { json: { data: { id: req.params.id, text: tweet.text, ...(fields.includes('public_metrics') ? { public_metrics: tweet.metrics } : {}) } } };
  }));

  // Lookup by ids (up to 100): found posts in `data`, the others as errors, still 200.
  fake.route('GET', '/2/tweets', authed((req) => {
    const ids = (req.query.get('ids') ?? '').split(',').filter(Boolean);
    if (ids.length === 0 || ids.length > 100) return problem(400, 'The `ids` query parameter value must be between 1 and 100 ids');
    const fields = (req.query.get('tweet.fields') ?? '').split(',');
    const data = ids.flatMap((id) => {
      const tweet = fake.tweets.get(id);
      return tweet ? [{ id, text: tweet.text, ...(fields.includes('public_metrics') ? { public_metrics: tweet.metrics } : {}) }] : [];
    });
    const errors = ids.filter((id) => !fake.tweets.has(id)).map((id) => ({ value: id, detail: `Could not find tweet with id: [${id}].`, title: 'Not Found Error', resource_type: 'tweet', parameter: 'ids' }));
    return { json: { ...(data.length ? { data } : {}), ...(errors.length ? { errors } : {}) } };
  }));

  fake.route('DELETE', '/2/tweets/:id', authed((req) => ({ json: { data: { deleted: fake.tweets.delete(req.params.id) } } })));
  return fake;
}

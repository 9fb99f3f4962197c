import { FakeHttpServer, type FakeReply, type FakeRequest } from './fake-server.js';

/**
 * Facebook's Graph API (v21.0) for Pages: Facebook Login (code → short-lived user token →
 * fb_exchange_token → long-lived), /me/accounts with one token per page, /{page}/photos
 * (multipart `source`, published=false for attachments), /{page}/feed (message, link,
 * attached_media), /{page}/videos (`file_url`, which it downloads itself, and `description`;
 * then `fields=status` answers processing for `videoPolls` reads, then ready, or an error
 * with `videoProcessingFailure`), /{post}/insights, reaction/comment summaries and shares,
 * DELETE. An invalid token answers the Graph API's way: status 400 with error code 190.
 */
export interface FakeFacebook extends FakeHttpServer {
  readonly client: { clientId: string; clientSecret: string };
  readonly user: { id: string };
  readonly pages: Array<{ id: string; name: string; tasks: string[] }>;
  readonly photos: Map<string, { page: string; bytes: Buffer; published: boolean; caption?: string }>;
  readonly posts: Map<string, { page: string; message: string; link?: string; photoIds: string[]; impressions: number; clicks: number; reactions: number; comments: number; shares: number }>;
  readonly videos: Map<string, { page: string; bytes: Buffer; contentType: string; description: string; statusReads: number }>;
  /** Status reads that answer `processing` before a video is `ready` (default 1). */
  videoPolls: number;
  /** When set, videos fail processing with this message. */
  videoProcessingFailure?: string;
}

const graphError = (status: number, code: number, message: string, extra: Record<string, unknown> = {}): FakeReply => ({
  status,
  json: { error: { message, type: code === 190 ? 'OAuthException' : 'GraphMethodException', code, fbtrace_id: 'AbCdEf', ...extra } },
});
const INVALID_TOKEN = graphError(400, 190, 'Error validating access token: The session has been invalidated because the user changed their password or Facebook has changed the session for security reasons.', { error_subcode: 460 });

export function createFakeFacebook(): FakeFacebook {
  const fake = new FakeHttpServer('facebook') as FakeFacebook;
  Object.assign(fake, {
    client: { clientId: 'fb-app', clientSecret: 'fb-secret' },
    user: { id: 'fb-user-1' },
    pages: [
      { id: '100200300', name: 'Fake Page', tasks: ['ANALYZE', 'ADVERTISE', 'MODERATE', 'CREATE_CONTENT', 'MANAGE'] },
      { id: '100200301', name: 'Analyst-only Page', tasks: ['ANALYZE'] },
    ],
    photos: new Map(),
    posts: new Map(),
    videos: new Map(),
    videoPolls: 1,
  });
  const V = '/v21.0';
  const clients = () => new Map([[fake.client.clientId, { secret: fake.client.clientSecret }]]);
  fake.oauthAuthorize(`${V}/dialog/oauth`, { clients, accountId: () => fake.user.id, requirePkce: false, scopeSeparator: /,/ });
  fake.oauthToken(`${V}/oauth/access_token`, {
    clients,
    clientAuth: 'body',
    rotateRefresh: false,
    extraGrants: {
      fb_exchange_token: (form) => {
        const user = fake.tokenAccount(form.get('fb_exchange_token') ?? '');
        if (!user) return INVALID_TOKEN;
        const t = fake.issueTokens(user);
        return { json: { access_token: t.accessToken, token_type: 'bearer', expires_in: 5183944 } };
      },
    },
  });

  const token = (req: FakeRequest) => req.bearer() ?? req.query.get('access_token') ?? undefined;
  /** Page calls need that page's token; post calls need the token of the page that owns the post. */
  const asPage = (pageOf: (req: FakeRequest) => string | undefined, handler: (req: FakeRequest, page: string) => FakeReply | Promise<FakeReply>) => (req: FakeRequest) => {
    const account = fake.tokenAccount(token(req));
    if (!account) return INVALID_TOKEN;
    const page = pageOf(req);
    if (!page) return graphError(400, 100, `Unsupported request - Object with ID '${req.params.id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.`);
    if (page !== account) return graphError(403, 200, '(#200) The page token does not have permission to act on this object');
    return handler(req, page);
  };
  const pageId = (req: FakeRequest) => (fake.pages.some((p) => p.id === req.params.id) ? req.params.id : undefined);
  const postPage = (req: FakeRequest) => fake.posts.get(req.params.id)?.page ?? fake.videos.get(req.params.id)?.page ?? pageId(req);

  fake.route('GET', `${V}/me/accounts`, (req) => {
    if (fake.tokenAccount(token(req)) !== fake.user.id) return INVALID_TOKEN;
    // Page tokens derived from a long-lived user token do not expire.
    const data = fake.pages.map((p) => {
      const t = fake.issueTokens(p.id);
      fake.accessTokens.get(t.accessToken)!.expiresAt = Number.MAX_SAFE_INTEGER;
      return { id: p.id, name: p.name, category: 'Brand', access_token: t.accessToken, tasks: p.tasks };
    });
    return { json: { data, paging: { cursors: { before: 'a', after: 'b' } } } };
  });

  fake.route('POST', `${V}/:id/photos`, asPage(pageId, async (req, page) => {
    const form = await req.form();
    const source = form.get('source');
    if (!(source instanceof Blob) || source.size === 0) return graphError(400, 324, '(#324) Requires upload file');
    if (!/^image\//.test(source.type)) return graphError(400, 324, '(#324) Missing or invalid image file');
    const published = form.get('published') !== 'false';
    const id = fake.nextId();
    fake.photos.set(id, { page, bytes: Buffer.from(await source.arrayBuffer()), published, caption: String(form.get('caption') ?? '') });
    if (!published) return { json: { id } };
    const postId = `${page}_${fake.nextId()}`;
    fake.posts.set(postId, { page, message: String(form.get('caption') ?? ''), photoIds: [id], impressions: 0, clicks: 0, reactions: 0, comments: 0, shares: 0 });
    return { json: { id, post_id: postId } };
  }));

  fake.route('POST', `${V}/:id/feed`, asPage(pageId, (req, page) => {
    const form = new URLSearchParams(req.raw.toString('utf8'));
    const message = form.get('message') ?? '';
    const attached = JSON.parse(form.get('attached_media') ?? '[]') as Array<{ media_fbid: string }>;
    if (!message && !form.get('link') && attached.length === 0) return graphError(400, 100, '(#100) Missing message or attachment');
    for (const a of attached) {
      const photo = fake.photos.get(a.media_fbid);
      if (!photo || photo.page !== page || photo.published) return graphError(400, 100, `(#100) attached_media ${a.media_fbid} is not an unpublished photo of this page`);
    }
    const id = `${page}_${fake.nextId()}`;
    fake.posts.set(id, { page, message, link: form.get('link') ?? undefined, photoIds: attached.map((a) => a.media_fbid), impressions: 0, clicks: 0, reactions: 0, comments: 0, shares: 0 });
    return { json: { id } };
  }));

  fake.route('POST', `${V}/:id/videos`, asPage(pageId, async (req, page) => {
    const form = new URLSearchParams(req.raw.toString('utf8'));
    const fileUrl = form.get('file_url');
    if (!fileUrl) return graphError(400, 100, '(#100) file_url or an upload is required');
    let fetched: Response;
    try {
      fetched = await fetch(fileUrl, { signal: AbortSignal.timeout(5000) });
    } catch (err) {
      return graphError(400, 389, `(#389) Unable to fetch video file from URL: ${(err as Error).message}`);
    }
    const contentType = fetched.headers.get('content-type') ?? '';
    if (!fetched.ok || !/^video\/(mp4|quicktime)$/.test(contentType)) return graphError(400, 389, `(#389) Unable to fetch video file from URL (${fetched.status}, ${contentType})`);
    const id = fake.nextId();
    fake.videos.set(id, { page, bytes: Buffer.from(await fetched.arrayBuffer()), contentType, description: form.get('description') ?? '', statusReads: 0 });
    return { json: { id } };
  }));

  fake.route('GET', `${V}/:id/insights`, asPage(postPage, (req) => {
    const post = fake.posts.get(req.params.id);
    if (!post) return graphError(400, 100, 'Unsupported get request');
    const metrics = (req.query.get('metric') ?? '').split(',');
    const values: Record<string, number> = { post_impressions: post.impressions, post_clicks: post.clicks };
    for (const m of metrics) if (!(m in values)) return graphError(400, 100, `(#100) The value must be a valid insights metric: ${m}`);
    return { json: { data: metrics.map((name) => ({ name, period: 'lifetime', values: [{ value: values[name] }], id: `${req.params.id}/insights/${name}/lifetime` })) } };
  }));

  fake.route('GET', `${V}/:id`, asPage(postPage, (req) => {
    const video = fake.videos.get(req.params.id);
    if (video && (req.query.get('fields') ?? '').includes('status')) {
      const failed = fake.videoProcessingFailure;
      const ready = !failed && ++video.statusReads > fake.videoPolls;
      const processing = failed ? { status: 'error', errors: [{ code: 1363008, message: failed }] } : { status: ready ? 'complete' : 'in_progress' };
      return { json: { id: req.params.id, status: { video_status: failed ? 'error' : ready ? 'ready' : 'processing', uploading_phase: { status: 'complete' }, processing_phase: processing } } };
    }
    const post = fake.posts.get(req.params.id);
    if (!post) return { json: { id: req.params.id } };
    const fields = req.query.get('fields') ?? '';
    return {
      json: {
        id: req.params.id,
        ...(fields.includes('reactions') ? { reactions: { data: [], summary: { total_count: post.reactions } } } : {}),
        ...(fields.includes('comments') ? { comments: { data: [], summary: { total_count: post.comments } } } : {}),
        // Graph leaves `shares` out until someone shares.
        ...(fields.includes('shares') && post.shares > 0 ? { shares: { count: post.shares } } : {}),
      },
    };
  }));

  fake.route('DELETE', `${V}/:id`, asPage(postPage, (req) => ({ json: { success: fake.posts.delete(req.params.id) } })));
  return fake;
}

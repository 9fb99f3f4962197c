import { FakeHttpServer, type FakeReply, type FakeRequest } from './fake-server.js';

/**
 * Instagram API with Instagram Login: api.instagram.com's token endpoint (short-lived token),
 * graph.instagram.com's /access_token (ig_exchange_token → 60 days) and /refresh_access_token,
 * /me, containers on /{ig-user-id}/media which the fake, like Instagram, fills by downloading
 * image_url / video_url (a URL it cannot fetch, or a non-JPEG image, puts the container in
 * ERROR), status_code polls (IN_PROGRESS for `processingPolls` polls, then FINISHED),
 * /{ig-user-id}/media_publish, permalinks and insights. One server plays both hosts.
 */
export interface FakeInstagram extends FakeHttpServer {
  readonly client: { clientId: string; clientSecret: string };
  readonly account: { userId: string; username: string };
  readonly containers: Map<string, { owner: string; status: 'IN_PROGRESS' | 'FINISHED' | 'ERROR' | 'PUBLISHED'; polls: number; caption?: string; kind: string; children?: string[]; fetched?: Buffer; error?: string }>;
  readonly media: Map<string, { owner: string; container: string; caption?: string; views: number; likes: number; comments: number; shares: number }>;
  processingPolls: number;
}

const invalidToken: FakeReply = { status: 400, json: { error: { message: 'Invalid OAuth access token - Cannot parse access token', type: 'OAuthException', code: 190, fbtrace_id: 'Xyz' } } };
const igError = (message: string, code = 100, subcode?: number): FakeReply => ({ status: 400, json: { error: { message, type: 'OAuthException', code, ...(subcode ? { error_subcode: subcode } : {}), fbtrace_id: 'Xyz' } } });

export function createFakeInstagram(): FakeInstagram {
  const fake = new FakeHttpServer('instagram') as FakeInstagram;
  Object.assign(fake, {
    client: { clientId: 'ig-app', clientSecret: 'ig-secret' },
    account: { userId: '17841400000000001', username: 'fake.insta' },
    containers: new Map(),
    media: new Map(),
    processingPolls: 1,
  });
  const V = '/v21.0';
  const clients = () => new Map([[fake.client.clientId, { secret: fake.client.clientSecret }]]);
  fake.oauthAuthorize('/oauth/authorize', { clients, accountId: () => fake.account.userId, requirePkce: false, scopeSeparator: /,/ });
  fake.oauthToken('/oauth/access_token', { clients, clientAuth: 'body', rotateRefresh: false, extra: ({ accountId }) => ({ user_id: accountId, permissions: ['instagram_business_basic', 'instagram_business_content_publish'] }) });

  const longLived = (account: string): FakeReply => {
    const t = fake.issueTokens(account);
    fake.accessTokens.get(t.accessToken)!.expiresAt = Date.now() + 5184000_000;
    return { json: { access_token: t.accessToken, token_type: 'bearer', expires_in: 5184000 } };
  };
  fake.route('GET', '/access_token', (req) => {
    if (req.query.get('grant_type') !== 'ig_exchange_token' || req.query.get('client_secret') !== fake.client.clientSecret) return igError('grant_type=ig_exchange_token and the app secret are required');
    const account = fake.tokenAccount(req.query.get('access_token') ?? '');
    return account ? longLived(account) : invalidToken;
  });
  fake.route('GET', '/refresh_access_token', (req) => {
    if (req.query.get('grant_type') !== 'ig_refresh_token') return igError('grant_type=ig_refresh_token is required');
    const account = fake.tokenAccount(req.query.get('access_token') ?? '');
    return account ? longLived(account) : invalidToken;
  });

  const authed = (handler: (req: FakeRequest, account: string) => FakeReply | Promise<FakeReply>) => (req: FakeRequest) => {
    const account = fake.tokenAccount(req.bearer() ?? req.query.get('access_token') ?? undefined);
    return account ? handler(req, account) : invalidToken;
  };

  fake.route('GET', `${V}/me`, authed((_req, account) => ({ json: { user_id: account, username: fake.account.username, id: account } })));

  async function download(url: string, kind: 'image' | 'video'): Promise<{ bytes?: Buffer; error?: string }> {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
      if (!res.ok) return { error: `The media could not be fetched from this URI: ${res.status}` };
      const type = res.headers.get('content-type') ?? '';
      if (kind === 'image' && type !== 'image/jpeg') return { error: `Only JPEG images are supported, got ${type}` };
      if (kind === 'video' && !/^video\/(mp4|quicktime)$/.test(type)) return { error: `Unsupported video type ${type}` };
      return { bytes: Buffer.from(await res.arrayBuffer()) };
    } catch (err) {
      return { error: `The media could not be fetched from this URI: ${(err as Error).message}` };
    }
  }

  fake.route('POST', `${V}/:user/media`, authed(async (req, account) => {
    if (req.params.user !== account) return igError(`Cannot create media for ${req.params.user}`, 10);
    const form = new URLSearchParams(req.raw.toString('utf8'));
    const caption = form.get('caption') ?? undefined;
    if (caption && caption.length > 2200) return igError('The caption is longer than 2200 characters', 100, 2207018);
    const id = fake.nextId('cont');
    const type = form.get('media_type');
    if (type === 'CAROUSEL') {
      const children = (form.get('children') ?? '').split(',').filter(Boolean);
      if (children.length < 2 || children.length > 10) return igError('A carousel needs 2 to 10 children', 100, 2207026);
      for (const c of children) if (fake.containers.get(c)?.status !== 'FINISHED') return igError(`Child ${c} is not ready`, 9007, 2207027);
      fake.containers.set(id, { owner: account, status: 'IN_PROGRESS', polls: 0, caption, kind: 'CAROUSEL', children });
      return { json: { id } };
    }
    const video = type === 'REELS' || type === 'VIDEO';
    const url = form.get(video ? 'video_url' : 'image_url');
    if (!url) return igError(video ? 'video_url is required' : 'image_url is required');
    const got = await download(url, video ? 'video' : 'image');
    fake.containers.set(id, { owner: account, status: got.error ? 'ERROR' : 'IN_PROGRESS', polls: 0, caption, kind: type ?? 'IMAGE', fetched: got.bytes, error: got.error });
    return { json: { id } };
  }));

  fake.route('POST', `${V}/:user/media_publish`, authed((req, account) => {
    if (req.params.user !== account) return igError(`Cannot publish for ${req.params.user}`, 10);
    const creationId = new URLSearchParams(req.raw.toString('utf8')).get('creation_id') ?? '';
    const container = fake.containers.get(creationId);
    if (!container || container.owner !== account) return igError(`Unknown creation_id ${creationId}`);
    if (container.status !== 'FINISHED') return igError('Media ID is not available', 9007, 2207027);
    container.status = 'PUBLISHED';
    const id = fake.nextId('1790');
    fake.media.set(id, { owner: account, container: creationId, caption: container.caption, views: 0, likes: 0, comments: 0, shares: 0 });
    return { json: { id } };
  }));

  fake.route('GET', `${V}/:id/insights`, authed((req, account) => {
    const m = fake.media.get(req.params.id);
    if (!m || m.owner !== account) return igError(`Object with ID '${req.params.id}' does not exist`);
    const values: Record<string, number> = { views: m.views, likes: m.likes, comments: m.comments, shares: m.shares };
    const metrics = (req.query.get('metric') ?? '').split(',');
    for (const name of metrics) if (!(name in values)) return igError(`(#100) metric[0] must be one of the following values: views, likes, comments, shares`);
    return { json: { data: metrics.map((name) => ({ name, period: 'lifetime', values: [{ value: values[name] }], id: `${req.params.id}/insights/${name}/lifetime` })) } };
  }));

  fake.route('GET', `${V}/:id`, authed((req, account) => {
    const container = fake.containers.get(req.params.id);
    if (container && container.owner === account) {
      // Processing advances one step per poll, as a slow CDN fetch would.
      if (container.status === 'IN_PROGRESS' && ++container.polls >= fake.processingPolls) container.status = 'FINISHED';
      return { json: { id: req.params.id, status_code: container.status, ...(container.error ? { status: `Error: ${container.error}` } : {}) } };
    }
    const media = fake.media.get(req.params.id);
    if (media && media.owner === account) return { json: { id: req.params.id, permalink: `https://www.instagram.com/p/${req.params.id.slice(-11)}/` } };
    return igError(`Object with ID '${req.params.id}' does not exist`);
  }));
  return fake;
}

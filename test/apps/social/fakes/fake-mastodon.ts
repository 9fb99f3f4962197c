import { FakeHttpServer, type FakeReply, type FakeRequest } from './fake-server.js';

/**
 * One Mastodon instance: app registration (/api/v1/apps), OAuth with PKCE against the
 * registered client and its redirect URI, verify_credentials, /api/v2/media (images answer 200
 * with a URL; videos 202 and stay "processing" (206 with url null) for `processingPolls`
 * polls of /api/v1/media/:id), /api/v1/statuses with Idempotency-Key (the same key returns the
 * same status instead of a second one), the 500-character limit and status reads/deletes.
 */
export interface FakeMastodon extends FakeHttpServer {
  readonly apps: Map<string, { secret: string; redirectUris: string[]; name: string }>;
  readonly account: { id: string; username: string; displayName: string };
  readonly media: Map<string, { owner: string; type: string; description?: string; polls: number; size: number }>;
  readonly statuses: Map<string, { owner: string; text: string; mediaIds: string[]; favourites: number; reblogs: number; replies: number }>;
  readonly idempotency: Map<string, string>;
  processingPolls: number;
}

const invalidToken: FakeReply = { status: 401, json: { error: 'The access token is invalid' } };
const unprocessable = (error: string): FakeReply => ({ status: 422, json: { error } });

export function createFakeMastodon(): FakeMastodon {
  const fake = new FakeHttpServer('mastodon') as FakeMastodon;
  Object.assign(fake, {
    apps: new Map(),
    account: { id: '109876543210', username: 'fakemasto', displayName: 'Fake Mastodon' },
    media: new Map(),
    statuses: new Map(),
    idempotency: new Map(),
    processingPolls: 2,
  });
  fake.tokenLifetimeSeconds = 10 * 365 * 86400; // Mastodon tokens live until revoked

  fake.route('POST', '/api/v1/apps', (req) => {
    const body = req.headers['content-type']?.includes('json') ? req.json<Record<string, string>>() : Object.fromEntries(new URLSearchParams(req.raw.toString('utf8')));
    if (!body.client_name || !body.redirect_uris) return unprocessable("Validation failed: Name can't be blank, Redirect URI can't be blank");
    const clientId = `mc-${fake.nextId()}`;
    const secret = `ms-${fake.nextId()}`;
    fake.apps.set(clientId, { secret, redirectUris: body.redirect_uris.split(/\s+/), name: body.client_name });
    return { json: { id: fake.nextId(), name: body.client_name, website: body.website ?? null, redirect_uri: body.redirect_uris, client_id: clientId, client_secret: secret, vapid_key: 'x' } };
  });
  fake.oauthAuthorize('/oauth/authorize', { clients: () => fake.apps, accountId: () => fake.account.id, requirePkce: true });
  fake.oauthToken('/oauth/token', { clients: () => fake.apps, clientAuth: 'body', rotateRefresh: true });

  const authed = (handler: (req: FakeRequest, account: string) => FakeReply | Promise<FakeReply>) => (req: FakeRequest) => {
    const account = fake.tokenAccount(req.bearer());
    return account ? handler(req, account) : invalidToken;
  };
  const statusJson = (id: string) => {
    const s = fake.statuses.get(id)!;
    return {
      id,
      uri: `${fake.baseUrl}/users/${fake.account.username}/statuses/${id}`,
      url: `${fake.baseUrl}/@${fake.account.username}/${id}`,
      content: `<p>${s.text}</p>`,
      visibility: 'public',
      favourites_count: s.favourites,
      reblogs_count: s.reblogs,
      replies_count: s.replies,
      media_attachments: s.mediaIds.map((m) => ({ id: m })),
    };
  };
  const mediaJson = (id: string) => {
    const m = fake.media.get(id)!;
    const ready = !m.type.startsWith('video/') || m.polls >= fake.processingPolls;
    return { id, type: m.type.startsWith('video/') ? 'video' : 'image', url: ready ? `${fake.baseUrl}/system/media/${id}` : null, description: m.description ?? null };
  };

  fake.route('GET', '/api/v1/accounts/verify_credentials', authed((_req, account) => ({ json: { id: account, username: fake.account.username, acct: fake.account.username, display_name: fake.account.displayName, url: `${fake.baseUrl}/@${fake.account.username}` } })));

  fake.route('POST', '/api/v2/media', authed(async (req, account) => {
    const form = await req.form();
    const file = form.get('file');
    if (!(file instanceof Blob) || file.size === 0) return unprocessable('Validation failed: File is required');
    if (!/^(image|video)\//.test(file.type)) return unprocessable(`Validation failed: File content type is invalid (${file.type})`);
    const description = form.get('description');
    if (typeof description === 'string' && description.length > 1500) return unprocessable('Validation failed: Description is too long (maximum is 1500 characters)');
    const id = fake.nextId();
    fake.media.set(id, { owner: account, type: file.type, description: typeof description === 'string' ? description : undefined, polls: 0, size: file.size });
    return { status: file.type.startsWith('video/') ? 202 : 200, json: mediaJson(id) };
  }));

  fake.route('GET', '/api/v1/media/:id', authed((req, account) => {
    const m = fake.media.get(req.params.id);
    if (!m || m.owner !== account) return { status: 404, json: { error: 'Record not found' } };
    m.polls++;
    const body = mediaJson(req.params.id);
    return { status: body.url === null ? 206 : 200, json: body };
  }));

  fake.route('POST', '/api/v1/statuses', authed((req, account) => {
    const key = req.headers['idempotency-key'];
    if (typeof key === 'string' && fake.idempotency.has(`${account}:${key}`)) return { json: statusJson(fake.idempotency.get(`${account}:${key}`)!) };
    const body = req.json<{ status?: string; media_ids?: string[]; visibility?: string }>();
    const mediaIds = body.media_ids ?? [];
    if (!body.status && mediaIds.length === 0) return unprocessable("Validation failed: Text can't be blank");
    if ([...(body.status ?? '')].length > 500) return unprocessable('Validation failed: Text character limit of 500 exceeded');
    if (mediaIds.length > 4) return unprocessable('Validation failed: Media attachments too many');
    for (const id of mediaIds) {
      const m = fake.media.get(id);
      if (!m || m.owner !== account) return unprocessable(`Validation failed: media ${id} not found`);
      if (mediaJson(id).url === null) return unprocessable('Cannot attach files that have not finished processing. Try again in a moment!');
    }
    const id = fake.nextId('11');
    fake.statuses.set(id, { owner: account, text: body.status ?? '', mediaIds, favourites: 0, reblogs: 0, replies: 0 });
    if (typeof key === 'string') fake.idempotency.set(`${account}:${key}`, id);
    return { json: statusJson(id) };
  }));

  fake.route('GET', '/api/v1/statuses/:id', authed((req) => (fake.statuses.has(req.params.id) ? { json: statusJson(req.params.id) } : { status: 404, json: { error: 'Record not found' } })));
  fake.route('DELETE', '/api/v1/statuses/:id', authed((req) => {
    if (!fake.statuses.has(req.params.id)) return { status: 404, json: { error: 'Record not found' } };
    const body = statusJson(req.params.id);
    fake.statuses.delete(req.params.id);
    return { json: body };
  }));
  return fake;
}

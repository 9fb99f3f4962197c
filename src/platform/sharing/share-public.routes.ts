import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError } from '../errors.js';
import type { ResolvedShare, ShareHandlers } from './share-handler.js';
import { publicBaseUrl } from './share-url.js';
import { qrCode } from './qr.js';
import { genericSharePage, shareErrorPage, shareNotFoundPage, sharePasswordPage } from './share-pages.js';

const UNLOCK_COOKIE = 'share_unlock';
const tokenParams = z.object({ token: z.string().max(200) });
const publicRoute = { tags: ['share-public'], security: [] };

/**
 * The public side of share links, no login: /s/:token (an HTML page: the app's own when it
 * registered one, else a generic one), /api/s/:token (JSON), /s/:token/qr (PNG or SVG).
 * Pages answer errors as HTML pages (a friendly 404, the password form); API clients and
 * callers asking for JSON get the usual error envelope.
 */
export async function sharePublicRoutes(root: FastifyInstance, opts: { handlers: ShareHandlers }) {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const shares = app.ctx.shares;

  // The password form posts urlencoded; scoped to these routes, the rest of the API stays JSON-only.
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 8192 }, (_request, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(String(body))));
  });

  app.addHook('onSend', async (_request, reply) => {
    // Every response counts a view or guards a secret URL: never cache, never index, never leak the token as a referrer.
    reply.header('cache-control', 'no-store');
    reply.header('x-robots-tag', 'noindex, nofollow');
    reply.header('referrer-policy', 'no-referrer');
  });

  // Browsers prove an earlier correct password with the cookie, API clients with the x-share-unlock header.
  const resolve = (request: FastifyRequest, token: string, password: string | undefined) =>
    shares.resolve(token, {
      password,
      unlock: unlockHeader(request) ?? readCookie(request, UNLOCK_COOKIE),
      ip: request.ip,
      baseUrl: publicBaseUrl(request, app.ctx.config),
      admit: (link) => opts.handlers.get(link.app)?.admit?.(link, app.ctx, request),
    });

  const renderJson = async (share: ResolvedShare, request: FastifyRequest) => {
    const handler = opts.handlers.get(share.app);
    if (handler?.renderJson) return handler.renderJson(share, app.ctx, request);
    return {
      app: share.app,
      resource_type: share.resourceType,
      resource_id: share.resourceId,
      filters: share.filters,
      title: share.title,
      expires_at: share.expiresAt,
      max_views: share.maxViews,
      view_count: share.viewCount,
      url: share.url,
      qr_url: share.qrUrl,
    };
  };

  /** Resolve, then answer with the app's page (or JSON if asked); errors become pages for browsers. */
  const servePage = async (request: FastifyRequest, reply: FastifyReply, token: string, password: string | undefined) => {
    try {
      const share = await resolve(request, token, password);
      if (wantsJson(request)) return reply.send(await renderJson(share, request));
      if (password) await rememberUnlock(request, reply, token);
      const handler = opts.handlers.get(share.app);
      const html = handler?.renderHtml ? await handler.renderHtml(share, app.ctx, request) : genericSharePage(share);
      return reply.type('text/html; charset=utf-8').send(html);
    } catch (err) {
      return sendErrorPage(request, reply, err, `/s/${encodeURIComponent(token)}`, Boolean(password));
    }
  };

  app.get('/s/:token', { exposeHeadRoute: false, schema: { ...publicRoute, params: tokenParams, hide: true } }, async (request, reply) =>
    servePage(request, reply, request.params.token, headerPassword(request)),
  );

  app.post('/s/:token', { schema: { ...publicRoute, params: tokenParams, hide: true } }, async (request, reply) => {
    const body = request.body as Record<string, unknown> | undefined;
    const password = typeof body?.password === 'string' && body.password ? body.password : headerPassword(request);
    return servePage(request, reply, request.params.token, password ?? '');
  });

  app.get('/api/s/:token', {
    exposeHeadRoute: false,
    schema: {
      ...publicRoute,
      summary: 'Open a share link (counts a view). Password: x-share-password header; the x-share-unlock header it returns opens the link again without the password.',
      params: tokenParams,
      // Paged shares (a Visant gallery) answer next_cursor; the app reads it from the query.
      querystring: z.looseObject({ cursor: z.string().max(200).optional().describe('next_cursor of the previous page, for shares that are paged') }),
    },
  }, async (request, reply) => {
    const password = headerPassword(request);
    const share = await resolve(request, request.params.token, password);
    // Hand back a proof of the password so a client need not resend it (every password try counts against the limit).
    if (password) {
      const unlock = await shares.unlockValue(request.params.token).catch(() => null);
      if (unlock) reply.header('x-share-unlock', unlock);
    }
    return renderJson(share, request);
  });

  app.get('/s/:token/qr', {
    schema: {
      ...publicRoute,
      summary: 'QR code of a share link (does not count a view)',
      params: tokenParams,
      querystring: z.strictObject({
        format: z.enum(['png', 'svg']).default('png'),
        size: z.coerce.number().int().min(64).max(2048).default(320).describe('Width in pixels'),
      }),
    },
  }, async (request, reply) => {
    try {
      await shares.peek(request.params.token);
    } catch (err) {
      return sendErrorPage(request, reply, err, '', false);
    }
    const url = `${publicBaseUrl(request, app.ctx.config)}/s/${request.params.token}`;
    const qr = await qrCode(url, request.query.format, request.query.size);
    return reply.type(qr.contentType).send(qr.body);
  });

  /** After a correct password, the browser keeps a proof so reloading the page does not ask again. */
  async function rememberUnlock(request: FastifyRequest, reply: FastifyReply, token: string) {
    const value = await shares.unlockValue(token).catch(() => null);
    if (!value) return;
    const secure = request.protocol === 'https' ? '; Secure' : '';
    reply.header('set-cookie', `${UNLOCK_COOKIE}=${value}; Path=/s/${token}; HttpOnly; SameSite=Lax; Max-Age=86400${secure}`);
  }
}

function sendErrorPage(request: FastifyRequest, reply: FastifyReply, err: unknown, action: string, triedPassword: boolean) {
  if (!(err instanceof AppError) || wantsJson(request)) throw err;
  if (err.headers) reply.headers(err.headers);
  reply.status(err.status).type('text/html; charset=utf-8');
  switch (err.code) {
    case 'SHARE_NOT_FOUND':
      return reply.send(shareNotFoundPage());
    case 'SHARE_PASSWORD_REQUIRED':
    case 'SHARE_PASSWORD_INVALID':
      return reply.send(sharePasswordPage({ action, error: triedPassword ? 'That password is not right. Try again.' : undefined }));
    case 'RATE_LIMITED':
      // The password limiter and an app's visit limit (ShareHandler.admit) both answer 429.
      return reply.send(shareErrorPage('Too many attempts', `${err.message.replace(/; retry after \d+ s$/, '')}. Wait ${err.headers?.['retry-after'] ?? 'a minute'} seconds, then try again.`));
    default:
      return reply.send(shareErrorPage('Something is wrong with this request', err.message));
  }
}

/** JSON when the caller asks for it and not for HTML (browsers always list text/html). */
function wantsJson(request: FastifyRequest): boolean {
  const accept = request.headers.accept ?? '';
  return accept.includes('application/json') && !accept.includes('text/html');
}

function headerPassword(request: FastifyRequest): string | undefined {
  const value = request.headers['x-share-password'];
  return typeof value === 'string' && value ? value : undefined;
}

function unlockHeader(request: FastifyRequest): string | undefined {
  const value = request.headers['x-share-unlock'];
  return typeof value === 'string' && value ? value : undefined;
}

function readCookie(request: FastifyRequest, name: string): string | undefined {
  const header = request.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

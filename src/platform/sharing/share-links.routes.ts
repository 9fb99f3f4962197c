import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requirePrincipal } from '../auth/authenticate.js';
import { forbidden } from '../errors.js';
import { noContent, requestMeta } from '../http/schemas.js';
import { pageQuery, pageSchema } from '../db/page.js';
import type { ShareHandlers } from './share-handler.js';
import { publicBaseUrl } from './share-url.js';
import { SHARE_PASSWORD_MAX_LENGTH, SHARE_PASSWORD_MIN_LENGTH } from './share-links.service.js';
import { createdLink, linkView } from './share-link.schema.js';

const appName = z.string().regex(/^[a-z][a-z0-9_-]{0,39}$/, 'must be an app name such as "visant"');
const resourceType = z.string().regex(/^[a-z][a-z0-9_.-]{0,63}$/, 'must be a lower-case type such as "device" or "gallery"');
const filters = z
  .record(z.string().max(100), z.unknown())
  .refine((f) => Object.keys(f).length <= 50, 'at most 50 filters')
  .refine((f) => JSON.stringify(f).length <= 8192, 'filters must serialise to at most 8 KB');
const sharePassword = z.string().min(SHARE_PASSWORD_MIN_LENGTH, `must be at least ${SHARE_PASSWORD_MIN_LENGTH} characters`).max(SHARE_PASSWORD_MAX_LENGTH);
const expiry = {
  expires_in_days: z.number().int().min(1).optional().describe('Lifetime in days (default SHARE_DEFAULT_EXPIRY_DAYS, at most SHARE_MAX_EXPIRY_DAYS)'),
  expires_at: z.iso.datetime({ offset: true }).optional().describe('Or an exact expiry (ISO 8601)'),
};
const title = z.string().trim().min(1).max(200).nullable().optional();
const maxViews = z.number().int().min(1).max(1_000_000_000).nullable().optional();

/** A link id, or the link's token (apps such as Visant address links by token). */
const refParams = z.strictObject({ ref: z.string().min(1).max(200) });

const updateBody = z.strictObject({ title, ...expiry, max_views: maxViews, password: sharePassword.nullable().optional() });

export async function shareLinksRoutes(root: FastifyInstance, opts: { handlers: ShareHandlers }) {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const shares = app.ctx.shares;
  const tags = ['share-links'];

  app.post('/', {
    schema: {
      tags,
      body: z.strictObject({
        app: appName,
        resource_type: resourceType,
        resource_id: z.string().min(1).max(200),
        filters: filters.default({}),
        title,
        ...expiry,
        max_views: maxViews,
        password: sharePassword.optional(),
      }),
      response: { 201: createdLink },
    },
  }, async (request, reply) => {
    const p = requirePrincipal(request, 'member');
    const b = request.body;
    const target = { resourceType: b.resource_type, resourceId: b.resource_id, filters: b.filters };
    const handler = opts.handlers.get(b.app);
    if (handler) {
      // An app with public pages shows real data through its links, so it decides who may share what.
      if (!handler.authorizeCreate) throw forbidden(`Create ${b.app} share links through the ${b.app} API`, 'SHARE_CREATE_VIA_APP');
      await handler.authorizeCreate(p, target, app.ctx);
    }
    const created = await shares.create(p, {
      app: b.app,
      ...target,
      title: b.title,
      expiresInDays: b.expires_in_days,
      expiresAt: b.expires_at ? new Date(b.expires_at) : undefined,
      maxViews: b.max_views,
      password: b.password,
    }, { baseUrl: publicBaseUrl(request, app.ctx.config), meta: requestMeta(request) });
    return reply.status(201).send({ ...created.link, token: created.token, url: created.url, qr_url: `${created.url}/qr` });
  });

  app.get('/', {
    schema: {
      tags,
      querystring: pageQuery.extend({
        app: appName.optional(),
        resource_type: resourceType.optional(),
        resource_id: z.string().min(1).max(200).optional(),
        status: z.enum(['active', 'expired', 'revoked', 'exhausted', 'all']).default('all'),
      }),
      response: { 200: pageSchema(linkView) },
    },
  }, async (request) => {
    const q = request.query;
    return shares.list(requirePrincipal(request, 'viewer'), {
      app: q.app, resourceType: q.resource_type, resourceId: q.resource_id, status: q.status, page: q.page, limit: q.limit,
    });
  });

  app.get('/:ref', { schema: { tags, params: refParams, response: { 200: linkView } } }, async (request) =>
    shares.get(requirePrincipal(request, 'viewer'), request.params.ref),
  );

  // PUT is what Visant's clients send; PATCH is the platform's usual verb. Both change only the fields given.
  for (const method of ['PATCH', 'PUT'] as const) {
    app.route({
      method,
      url: '/:ref',
      schema: { tags, params: refParams, body: updateBody, response: { 200: linkView } },
      handler: async (request) => {
        const b = request.body;
        return shares.update(requirePrincipal(request, 'member'), request.params.ref, {
          title: b.title,
          expiresInDays: b.expires_in_days,
          expiresAt: b.expires_at ? new Date(b.expires_at) : undefined,
          maxViews: b.max_views,
          password: b.password,
        }, requestMeta(request));
      },
    });
  }

  app.delete('/:ref', { schema: { tags, params: refParams, response: { 204: noContent('Revoked: the link stops working at once') } } }, async (request, reply) => {
    await shares.revoke(requirePrincipal(request, 'member'), request.params.ref, requestMeta(request));
    return reply.status(204).send();
  });
}

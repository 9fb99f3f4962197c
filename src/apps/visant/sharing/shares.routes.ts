import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { noContent, requestMeta } from '../../../platform/http/schemas.js';
import { pageQuery, pageSchema } from '../../../platform/db/page.js';
import { publicBaseUrl } from '../../../platform/sharing/share-url.js';
import { SHARE_PASSWORD_MIN_LENGTH } from '../../../platform/sharing/share-links.service.js';
import { requireDashboard } from '../devices/device-principal.js';
import { deviceIdSchema } from '../devices/devices.routes.js';
import { VisantSharesService } from './visant-shares.service.js';
import { createdVisantShare, visantShareView } from './share.schema.js';

const tokenParams = z.strictObject({ token: z.string().min(16).max(200) });
const isoDate = z.iso.datetime({ offset: true });

export async function sharesRoutes(root: FastifyInstance) {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const shares = new VisantSharesService(app.ctx);
  const tags = ['visant: sharing'];

  app.post('/devices/:id/share', {
    schema: {
      tags,
      description: 'Create a public link to a device\'s captures, one capture or a date range. The token is shown once.',
      params: z.strictObject({ id: deviceIdSchema }),
      body: z.strictObject({
        share_type: z.enum(['device', 'capture', 'date_range']).default('device'),
        capture_id: z.string().max(255).optional(),
        start_date: isoDate.optional(),
        end_date: isoDate.optional(),
        expires_in_days: z.number().int().min(1).max(365).default(7),
        max_views: z.number().int().min(1).max(1_000_000).optional(),
        password: z.string().min(SHARE_PASSWORD_MIN_LENGTH, `must be at least ${SHARE_PASSWORD_MIN_LENGTH} characters`).max(200).optional(),
        title: z.string().trim().min(1).max(200).optional(),
      }),
      response: { 201: createdVisantShare },
    },
  }, async (request, reply) =>
    reply.status(201).send(await shares.create(requireDashboard(request, 'member'), request.params.id, request.body, publicBaseUrl(request, app.ctx.config), requestMeta(request))),
  );

  app.get('/share-links', { schema: { tags, querystring: pageQuery.extend({ status: z.enum(['active', 'expired', 'revoked', 'exhausted', 'all']).optional() }), response: { 200: pageSchema(visantShareView) } } }, async (request) =>
    shares.list(requireDashboard(request), request.query),
  );

  app.put('/share-links/:token', {
    schema: {
      tags,
      params: tokenParams,
      body: z.strictObject({
        expires_in_days: z.number().int().min(1).max(365).optional(),
        max_views: z.number().int().min(1).max(1_000_000).nullable().optional(),
        password: z.string().min(SHARE_PASSWORD_MIN_LENGTH, `must be at least ${SHARE_PASSWORD_MIN_LENGTH} characters`).max(200).nullable().optional(),
      }),
      response: { 200: visantShareView },
    },
  }, async (request) => shares.update(requireDashboard(request, 'member'), request.params.token, request.body, requestMeta(request)));

  app.delete('/share-links/:token', { schema: { tags, params: tokenParams, response: { 204: noContent('Revoked: the link stops working at once') } } }, async (request, reply) => {
    await shares.revoke(requireDashboard(request, 'member'), request.params.token, requestMeta(request));
    return reply.status(204).send();
  });
}

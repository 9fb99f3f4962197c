import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { idParams, noContent, nonJsonResponse, pageQuery, requestMeta } from '../../../platform/http/schemas.js';
import { publicBaseUrl } from '../../../platform/sharing/share-url.js';
import { requireAuraAdmin, requireAuraEmployee, requireAuraReader } from '../access.js';
import { EventsService } from './events.service.js';
import { createEventBody, eventPage, eventView, updateEventBody } from './event.schema.js';

export async function eventsRoutes(root: FastifyInstance) {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const events = new EventsService(app.ctx);
  const tags = ['aura: events'];
  const base = (request: Parameters<typeof publicBaseUrl>[0]) => publicBaseUrl(request, app.ctx.config);

  app.post('/events', { schema: { tags, description: 'Employees and admins.', body: createEventBody, response: { 201: eventView } } }, async (request, reply) =>
    reply.status(201).send(await events.create(requireAuraEmployee(request), request.body, base(request), requestMeta(request))),
  );

  app.get('/events', { schema: { tags, querystring: pageQuery, response: { 200: eventPage } } }, async (request) =>
    events.list(requireAuraReader(request), request.query, base(request)),
  );

  app.get('/events/:id', { schema: { tags, params: idParams, response: { 200: eventView } } }, async (request) =>
    events.get(requireAuraReader(request), request.params.id, base(request)),
  );

  app.patch('/events/:id', { schema: { tags, description: 'Admins only: name, date and the guest settings.', params: idParams, body: updateEventBody, response: { 200: eventView } } }, async (request) =>
    events.update(requireAuraAdmin(request), request.params.id, request.body, base(request), requestMeta(request)),
  );

  app.delete('/events/:id', { schema: { tags, description: 'Admins only. The photos stay, without an event.', params: idParams, response: { 204: noContent('The event is deleted') } } }, async (request, reply) => {
    await events.delete(requireAuraAdmin(request), request.params.id, requestMeta(request));
    return reply.status(204).send();
  });

  app.post('/events/:id/guest-token', { schema: { tags, description: 'Admins only: a new guest link; the old link and its QR codes stop working.', params: idParams, response: { 200: eventView } } }, async (request) =>
    events.rotateGuestToken(requireAuraAdmin(request), request.params.id, base(request), requestMeta(request)),
  );

  app.get('/events/:id/qr', {
    schema: {
      tags,
      description: 'A QR code of the event\'s guest link (PUBLIC_URL, or the address this request came to, + /scan/<token>). 409 GUEST_ACCESS_OFF while guest access is off, 409 GUEST_LINK_EXPIRED once guest_expires_at has passed.',
      params: idParams,
      querystring: z.strictObject({ format: z.enum(['png', 'svg']).default('png'), size: z.coerce.number().int().min(64).max(2048).default(512) }),
      response: { 200: nonJsonResponse('The QR code', ['image/png', 'image/svg+xml']) },
    },
  }, async (request, reply) => {
    const qr = await events.qr(requireAuraEmployee(request), request.params.id, request.query.format, request.query.size, base(request));
    return reply.header('content-type', qr.contentType).header('cache-control', 'private, no-store').send(qr.body);
  });
}

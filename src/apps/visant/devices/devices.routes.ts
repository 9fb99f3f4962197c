import type { FastifyInstance } from 'fastify';
import { publicBaseUrl } from '../../../platform/sharing/share-url.js';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requestMeta } from '../../../platform/http/schemas.js';
import { pageQuery } from '../../../platform/db/page.js';
import { DevicesService } from './devices.service.js';
import { requireCaptureClient, requireDashboard } from './device-principal.js';
import { deviceConfigSchema } from './device-config.js';

export const deviceIdSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,254}$/, 'letters, digits, ".", "_" and "-", up to 255 characters');
const deviceParams = z.strictObject({ id: deviceIdSchema });
const statusEnum = z.enum(['active', 'inactive', 'transferred']);

export async function devicesRoutes(root: FastifyInstance) {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const devices = new DevicesService(app.ctx);
  const tags = ['visant: devices'];

  app.post('/devices', {
    schema: {
      tags,
      description: 'Register a camera. The response carries its API key, a config file and a QR code of that file: shown only once.',
      body: z.strictObject({
        device_id: deviceIdSchema.optional(),
        friendly_name: z.string().trim().min(1).max(255).optional(),
        device_version: z.string().trim().max(50).optional(),
        config: deviceConfigSchema.optional(),
      }),
    },
  }, async (request, reply) =>
    reply.status(201).send(await devices.register(requireDashboard(request, 'editor'), request.body, requestMeta(request), publicBaseUrl(request, app.ctx.config))),
  );

  app.get('/devices', { schema: { tags, querystring: pageQuery.extend({ status: statusEnum.optional() }) } }, async (request) => devices.list(requireDashboard(request), request.query));

  app.get('/devices/:id', { schema: { tags, params: deviceParams } }, async (request) => devices.get(requireDashboard(request), request.params.id));

  app.put('/devices/:id', {
    schema: {
      tags,
      params: deviceParams,
      body: z.strictObject({
        friendly_name: z.string().trim().min(1).max(255).optional(),
        device_version: z.string().trim().max(50).optional(),
        status: statusEnum.optional(),
      }),
    },
  }, async (request) => devices.update(requireDashboard(request, 'editor'), request.params.id, request.body, requestMeta(request)));

  app.post('/devices/:id/key', {
    schema: { tags, params: deviceParams, description: 'Issue a new key for an active device (an imported camera has none): every earlier key of the device stops working. Answers the key, config file and QR code, shown only once, like registration. Owner or admin.' },
  }, async (request, reply) =>
    reply.status(201).send(await devices.issueKey(requireDashboard(request, 'admin'), request.params.id, requestMeta(request), publicBaseUrl(request, app.ctx.config))),
  );

  app.post('/devices/:id/reactivate', {
    schema: { tags, params: deviceParams, description: 'Make a deactivated or transferred device active again, with a new key (shown only once, with its config file and QR code). Owner or admin.' },
  }, async (request) =>
    devices.reactivate(requireDashboard(request, 'admin'), request.params.id, requestMeta(request), publicBaseUrl(request, app.ctx.config)),
  );

  app.delete('/devices/:id', { schema: { tags, params: deviceParams } }, async (request) =>
    devices.deactivate(requireDashboard(request, 'editor'), request.params.id, requestMeta(request)),
  );

  app.get('/devices/:id/status', { schema: { tags, params: deviceParams } }, async (request) => devices.status(requireDashboard(request), request.params.id));

  // The camera client re-reads its own configuration with its key, so trigger changes reach it.
  app.get('/devices/:id/config', {
    schema: { tags, params: deviceParams, description: 'A device\'s configuration: for people (viewer), and for the device\'s own key (another device\'s answers 404).' },
  }, async (request) => devices.getConfig(requireCaptureClient(request), request.params.id));

  app.put('/devices/:id/config', { schema: { tags, params: deviceParams, body: deviceConfigSchema } }, async (request) =>
    devices.putConfig(requireDashboard(request, 'editor'), request.params.id, request.body, requestMeta(request)),
  );
}

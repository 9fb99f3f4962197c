import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { noContent, requestMeta, uuid } from '../../../platform/http/schemas.js';
import { requireAuraAdmin } from '../access.js';
import { PinsService } from './pins.service.js';
import { pin } from '../auth/auth.schema.js';

const params = z.strictObject({ user_id: uuid });

export async function teamRoutes(root: FastifyInstance) {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const pins = new PinsService(app.ctx);
  const tags = ['aura: team'];

  app.put('/team/:user_id/pin', {
    schema: {
      tags,
      description: 'Set an employee\'s capture-station PIN (4–8 digits). Admins only; the PIN is stored hashed and never shown again. 409 PIN_TAKEN when another employee of the studio has it.',
      params,
      body: z.strictObject({ pin }),
      response: { 204: noContent('The PIN is set') },
    },
  }, async (request, reply) => {
    await pins.set(requireAuraAdmin(request), request.params.user_id, request.body.pin, requestMeta(request));
    return reply.status(204).send();
  });

  app.delete('/team/:user_id/pin', { schema: { tags, params, response: { 204: noContent('The PIN no longer works') } } }, async (request, reply) => {
    await pins.clear(requireAuraAdmin(request), request.params.user_id, requestMeta(request));
    return reply.status(204).send();
  });
}

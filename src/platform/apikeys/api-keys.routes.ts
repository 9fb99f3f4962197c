import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ApiKeysService } from './api-keys.service.js';
import { requirePrincipal } from '../auth/authenticate.js';
import { idParams, noContent, requestMeta } from '../http/schemas.js';

const keyView = z.object({
  id: z.string(),
  name: z.string(),
  prefix: z.string(),
  scopes: z.array(z.string()),
  role: z.string(),
  created_at: z.date(),
  last_used_at: z.date().nullable(),
  revoked_at: z.date().nullable(),
});
const createdKey = keyView.extend({ key: z.string().describe('The secret key. Shown only once: store it now.') });
const scope = z.string().regex(/^(\*|[a-z][a-z0-9_]*(:[a-z0-9_*]+)*)$/, 'scopes look like "*", "visant" or "visant:captures:write"');

export async function apiKeysRoutes(root: FastifyInstance) {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const keys = new ApiKeysService(app.ctx);
  const tags = ['api-keys'];

  app.post('/', {
    schema: {
      tags,
      body: z.strictObject({
        name: z.string().trim().min(1).max(100),
        scopes: z.array(scope).max(50).default(['*']),
        role: z.enum(['admin', 'editor', 'member', 'viewer']).default('member'),
      }),
      response: { 201: createdKey },
    },
  }, async (request, reply) => reply.status(201).send(await keys.create(requirePrincipal(request, 'admin'), request.body, requestMeta(request))));

  app.get('/', { schema: { tags, response: { 200: z.object({ items: z.array(keyView) }) } } }, async (request) => ({
    items: await keys.list(requirePrincipal(request, 'admin')),
  }));

  app.delete('/:id', { schema: { tags, params: idParams, response: { 204: noContent('Revoked: the key stops working at once') } } }, async (request, reply) => {
    await keys.revoke(requirePrincipal(request, 'admin'), request.params.id, requestMeta(request));
    return reply.status(204).send();
  });

  app.post('/:id/rotate', { schema: { tags, params: idParams, response: { 201: createdKey } } }, async (request, reply) =>
    reply.status(201).send(await keys.rotate(requirePrincipal(request, 'admin'), request.params.id, requestMeta(request))),
  );
}

import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { nonJsonResponse, requestMeta } from '../../../platform/http/schemas.js';
import { contentDisposition } from '../../../platform/storage/driver.js';
import { requireAuraAdmin } from '../access.js';
import { exportOrg } from './org-export.js';

export async function exportRoutes(root: FastifyInstance) {
  const app = root.withTypeProvider<ZodTypeProvider>();
  app.get('/export', {
    schema: {
      tags: ['aura: backup'],
      description: 'Backup export (admin): a streamed ZIP of every photo\'s original at its storage path and data.json with the events, photos and bundles. Audited.',
      response: { 200: nonJsonResponse('The org\'s photos and data', ['application/zip']) },
    },
  }, async (request, reply) => {
    const zip = await exportOrg(app.ctx, requireAuraAdmin(request), requestMeta(request));
    reply.header('content-disposition', contentDisposition(zip.fileName)).header('cache-control', 'no-store');
    return reply.type('application/zip').send(zip.stream);
  });
}

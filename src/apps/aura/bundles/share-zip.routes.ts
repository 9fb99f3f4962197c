import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { nonJsonResponse } from '../../../platform/http/schemas.js';
import { publicBaseUrl } from '../../../platform/sharing/share-url.js';
import { contentDisposition } from '../../../platform/storage/driver.js';
import { notFound } from '../../../platform/errors.js';
import { bundleZip } from './bundle-zip.js';
import { BUNDLE_RESOURCE } from './bundle-shares.service.js';

/**
 * The ZIP of a shared bundle, no login: the link is resolved like its page (expiry, view limit,
 * password through the x-share-password header or the page's unlock proof), so each download
 * counts as a view.
 */
export async function shareZipRoutes(root: FastifyInstance) {
  const app = root.withTypeProvider<ZodTypeProvider>();
  app.get('/s/:token/zip', {
    schema: {
      tags: ['share-public'],
      security: [],
      summary: 'Download a shared bundle as a ZIP (counts a view)',
      params: z.strictObject({ token: z.string().min(16).max(200) }),
      querystring: z.strictObject({ unlock: z.string().max(500).optional().describe('The unlock proof the bundle\'s page puts in its download link') }),
      response: { 200: nonJsonResponse('The bundle\'s photos', ['application/zip']) },
    },
  }, async (request, reply) => {
    const header = (name: string) => {
      const v = request.headers[name];
      return typeof v === 'string' && v ? v : undefined;
    };
    const share = await app.ctx.shares.resolve(request.params.token, {
      password: header('x-share-password'),
      unlock: request.query.unlock ?? header('x-share-unlock'),
      ip: request.ip,
      baseUrl: publicBaseUrl(request, app.ctx.config),
    });
    if (share.app !== 'aura' || share.resourceType !== BUNDLE_RESOURCE) throw notFound('Shared bundle', 'SHARE_NOT_FOUND');
    const zip = await bundleZip(app.ctx, { orgId: share.orgId }, share.resourceId);
    reply.header('cache-control', 'no-store').header('referrer-policy', 'no-referrer').header('content-disposition', contentDisposition(zip.fileName));
    return reply.type('application/zip').send(zip.stream);
  });
}

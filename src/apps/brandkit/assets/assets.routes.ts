import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { noContent } from '../../../platform/http/schemas.js';
import { badRequest } from '../../../platform/errors.js';
import { requireBrandkitUser } from '../access.js';
import { brandParams } from '../brands/brands.routes.js';
import { ASSET_TYPES } from '../schema.js';
import type { BrandkitConfig } from '../config.js';
import { AssetsService } from './assets.service.js';

export const assetView = z.object({
  id: z.string(), brand_id: z.string(), asset_type: z.enum(ASSET_TYPES), file_name: z.string(),
  file_url: z.string().describe('signed URL, valid 1 hour'), metadata: z.record(z.string(), z.unknown()), is_primary: z.boolean(),
  created_at: z.date(), updated_at: z.date(),
});
const assetParams = brandParams.extend({ assetId: z.uuid() });

export async function assetsRoutes(root: FastifyInstance, opts: { config: BrandkitConfig }) {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const assets = new AssetsService(app.ctx);
  const tags = ['brandkit: assets'];

  app.addContentTypeParser(['image/png', 'image/jpeg', 'image/webp'], { parseAs: 'buffer', bodyLimit: opts.config.maxImageBytes }, (_req, body, done) => done(null, body));

  app.get('/brands/:brandId/assets', { schema: { tags, params: brandParams, querystring: z.strictObject({ type: z.enum(ASSET_TYPES).optional() }), response: { 200: z.object({ items: z.array(assetView) }) } } }, async (request) =>
    assets.list(requireBrandkitUser(request), request.params.brandId, request.query.type));

  app.post('/brands/:brandId/assets/logo', {
    schema: {
      tags, params: brandParams, querystring: z.strictObject({ primary: z.stringbool().default(true) }),
      description: 'Upload a logo the user already has: the raw PNG, JPEG or WebP as the body; stored as PNG at {user_id}/{brand_id}/logos/. Primary by default. Not an image: 415 NOT_AN_IMAGE.',
      response: { 201: assetView },
    },
  }, async (request, reply) => {
    const p = requireBrandkitUser(request, 'member');
    if (!Buffer.isBuffer(request.body) || request.body.length === 0) throw badRequest('Send the logo as the body with Content-Type image/png, image/jpeg or image/webp', undefined, 'IMAGE_REQUIRED');
    return reply.status(201).send(await assets.uploadLogo(p, request.params.brandId, request.body, { primary: request.query.primary }));
  });

  app.post('/brands/:brandId/assets/:assetId/primary', {
    schema: { tags, params: assetParams, description: 'Make this the brand\'s primary asset of its type (one per type: the previous primary is kept as non-primary).', response: { 200: assetView } },
  }, async (request) => assets.choosePrimary(requireBrandkitUser(request, 'member'), request.params.brandId, request.params.assetId));

  app.delete('/brands/:brandId/assets/:assetId', { schema: { tags, params: assetParams, response: { 204: noContent('Deleted with its file') } } }, async (request, reply) => {
    await assets.delete(requireBrandkitUser(request, 'member'), request.params.brandId, request.params.assetId);
    return reply.status(204).send();
  });
}

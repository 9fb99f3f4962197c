import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireBrandkitUser } from '../access.js';
import { brandParams } from '../brands/brands.routes.js';
import type { BrandkitConfig } from '../config.js';
import { LOGO_LAYOUTS } from '../engines/logo/logo-spec.js';
import { GenerationService } from './generation.service.js';
import { MAX_MOCKUP_PRODUCTS } from './generate-mockups.job.js';
import { noContent, nonJsonResponse } from '../../../platform/http/schemas.js';
import { contentDisposition } from '../../../platform/storage/driver.js';

const queued = z.object({ job_id: z.string().describe('follow it at GET /api/v1/jobs/{job_id} or on its realtime topic') });

export async function generationRoutes(root: FastifyInstance, opts: { config: BrandkitConfig }) {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const generation = new GenerationService(app.ctx, opts.config);
  const tags = ['brandkit: generation'];

  app.post('/brands/:brandId/logos/generate', {
    schema: {
      tags, params: brandParams,
      body: z.strictObject({ layout: z.enum(LOGO_LAYOUTS).optional().describe('default: the brand\'s logo_style, else wordmark'), count: z.number().int().min(1).max(12).default(6), seed: z.number().int().min(0).max(2 ** 31).optional() }),
      description: 'Draw `count` logo variations (SVG with a 1024 px PNG each) as logo assets; choose one with POST …/assets/{id}/primary. Counts against the plan\'s logo generations (429 GENERATION_LIMIT_REACHED). 409 BRAND_NOT_READY without a name or a palette with a primary.',
      response: { 202: queued },
    },
  }, async (request, reply) => reply.status(202).send(await generation.logos(requireBrandkitUser(request, 'member'), request.params.brandId, request.body)));

  app.post('/brands/:brandId/logos/:assetId/vary', {
    schema: { tags, params: brandParams.extend({ assetId: z.uuid() }), body: z.strictObject({ count: z.number().int().min(1).max(6).default(3) }), description: '"Vary this one": close relatives of a generated logo.', response: { 202: queued } },
  }, async (request, reply) => reply.status(202).send(await generation.logos(requireBrandkitUser(request, 'member'), request.params.brandId, { count: request.body.count, vary_asset_id: request.params.assetId })));

  app.post('/brands/:brandId/mockups/generate', {
    schema: {
      tags, params: brandParams,
      body: z.strictObject({ product_ids: z.array(z.uuid()).min(1).max(MAX_MOCKUP_PRODUCTS).optional().describe(`default: every selected product (at most ${MAX_MOCKUP_PRODUCTS}: 400 TOO_MANY_PRODUCTS past that)`), count: z.number().int().min(1).max(8).default(3) }),
      description: 'Render `count` mockup variations of each product: the brand label on the catalog photo through its mask. 409 PRODUCT_NOT_SELECTED for a product the brand did not select, PRODUCT_NOT_READY for one without photo or mask; counts against the plan\'s mockup generations.',
      response: { 202: queued },
    },
  }, async (request, reply) => reply.status(202).send(await generation.mockups(requireBrandkitUser(request, 'member'), request.params.brandId, request.body)));

  app.post('/brands/:brandId/guide', {
    schema: { tags, params: brandParams, description: 'Build the brand guide PDF (logo usage, palette in HEX/RGB/CMYK, fonts, archetype, values, approved mockups) as the brand_guide asset, replacing the previous one. Needs a chosen generated logo (409 BRAND_NOT_READY).', response: { 202: queued } },
  }, async (request, reply) => reply.status(202).send(await generation.guide(requireBrandkitUser(request, 'member'), request.params.brandId)));

  app.get('/brands/:brandId/guide', {
    schema: { tags, params: brandParams, description: 'Redirects (302) to a signed URL of the brand guide PDF, valid 1 hour; 404 before one was built.', response: { 302: noContent('To the PDF\'s signed URL (Location)') } },
  }, async (request, reply) => reply.redirect(await generation.guideUrl(requireBrandkitUser(request), request.params.brandId), 302));

  app.get('/brands/:brandId/kit', {
    schema: { tags, params: brandParams, description: 'The brand kit ZIP, streamed: logos (SVG and PNG sizes), favicons, social profile and header images, palette as CSS variables and JSON, and the guide when built. 409 BRAND_NOT_READY without a chosen generated logo.', response: { 200: nonJsonResponse('The ZIP', ['application/zip']) } },
  }, async (request, reply) => {
    const { stream, fileName } = await generation.kit(requireBrandkitUser(request), request.params.brandId);
    return reply.type('application/zip').header('content-disposition', contentDisposition(fileName)).send(stream);
  });
}

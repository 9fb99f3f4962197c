import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requestMeta } from '../../../platform/http/schemas.js';
import { GENADS_ROLES, requireGenAds } from '../access.js';
import { brandOf } from '../onboarding-guard.js';
import { campaignParams } from '../campaigns/campaigns.routes.js';
import { GenerationService } from './generation.service.js';
import { campaignResponse, generationStartedResponse, progressResponse } from '../responses.js';

const generationParams = z.strictObject({ id: campaignParams.shape.campaignId });

export async function generationRoutes(root: FastifyInstance) {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const generation = new GenerationService(app.ctx);
  const tags = ['genads: generation'];

  app.post('/generation/campaigns/:id/generate', {
    schema: {
      tags,
      params: generationParams,
      response: { 202: generationStartedResponse },
      description: 'Queue the video generation pipeline (202). Progress: GET …/progress, or live on the realtime topic `genads:campaign:<id>`. 409 GENERATION_IN_PROGRESS while running.',
    },
  }, async (request, reply) =>
    reply.status(202).send(await generation.start(requireGenAds(request, GENADS_ROLES.create), brandOf(request), request.params.id, requestMeta(request))),
  );

  app.get('/generation/campaigns/:id/progress', { schema: { tags, params: generationParams, response: { 200: progressResponse }, description: 'Status, progress 0-100 and the current stage.' } }, async (request) =>
    generation.progress(requireGenAds(request, GENADS_ROLES.read), brandOf(request), request.params.id),
  );

  app.post('/generation/campaigns/:id/select-variation', {
    schema: {
      tags,
      params: generationParams,
      body: z.strictObject({ variation_index: z.number().int().min(0) }),
      response: { 200: campaignResponse },
      description: 'Keep one variation of a completed campaign. 422 VARIATION_NOT_FOUND for an index the campaign does not have.',
    },
  }, async (request) =>
    generation.selectVariation(requireGenAds(request, GENADS_ROLES.create), brandOf(request), request.params.id, request.body.variation_index, requestMeta(request)),
  );
}

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
      description: 'Queue the video generation pipeline (202): `{campaign_id, status, progress, job_id, take, shown_take, progress_url}`. Generating again makes a new take (new concepts and seeds) written beside the take shown, which stays listed and selectable until the new one completes; a failed take leaves it as it was. Progress: GET …/progress, or live on the realtime topic `genads:campaign:<id>`. 409 GENERATION_IN_PROGRESS while running.',
    },
  }, async (request, reply) =>
    reply.status(202).send(await generation.start(requireGenAds(request, GENADS_ROLES.create), brandOf(request), request.params.id, requestMeta(request))),
  );

  app.get('/generation/campaigns/:id/progress', { schema: { tags, params: generationParams, response: { 200: progressResponse }, description: 'Status, progress 0-100 and the current stage; `variations_completed` of `num_variations` in the running (or last) take, counted as each finishes; `take` (the running or last run) and `shown_take` (the take whose videos are shown); `cost` is the total spend across runs.' } }, async (request) =>
    generation.progress(requireGenAds(request, GENADS_ROLES.read), brandOf(request), request.params.id),
  );

  app.post('/generation/campaigns/:id/select-variation', {
    schema: {
      tags,
      params: generationParams,
      body: z.strictObject({ variation_index: z.number().int().min(0) }),
      response: { 200: campaignResponse },
      description: 'Keep one variation of the take shown, also while a new take is being generated (the selection is cleared when a new take replaces it). 409 CAMPAIGN_NOT_COMPLETED before any take has completed; 422 VARIATION_NOT_FOUND for an index the campaign does not have.',
    },
  }, async (request) =>
    generation.selectVariation(requireGenAds(request, GENADS_ROLES.create), brandOf(request), request.params.id, request.body.variation_index, requestMeta(request)),
  );
}

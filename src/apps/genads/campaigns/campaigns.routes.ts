import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { noContent, nonJsonResponse, requestMeta, uuid } from '../../../platform/http/schemas.js';
import { GENADS_ROLES, requireGenAds } from '../access.js';
import { brandOf } from '../onboarding-guard.js';
import { CampaignsService, campaignView } from './campaigns.service.js';
import { CampaignVideos } from './campaign-videos.js';
import { campaignListResponse, campaignResponse, campaignVideosResponse, createdCampaignResponse } from '../responses.js';

export const campaignParams = z.strictObject({ campaignId: uuid });
export const adStyle = z.enum(['gold_luxe', 'dark_elegance', 'romantic_floral']);
const status = z.enum(['pending', 'processing', 'completed', 'failed']);

export async function campaignsRoutes(root: FastifyInstance) {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const campaigns = new CampaignsService(app.ctx);
  const videos = new CampaignVideos(app.ctx);
  const tags = ['genads: campaigns'];

  app.post('/campaigns', {
    schema: {
      tags,
      body: z.strictObject({
        perfume_id: uuid,
        campaign_name: z.string().trim().min(2).max(200),
        creative_prompt: z.string().trim().min(10, 'must be at least 10 characters').max(2000, 'must be at most 2000 characters'),
        selected_style: adStyle,
        target_duration: z.number().int().min(15, 'must be 15-60 seconds').max(60, 'must be 15-60 seconds'),
        num_variations: z.number().int().min(1).max(3).default(1),
      }),
      response: { 201: createdCampaignResponse },
      description: 'Create a campaign for a perfume (status pending). Start it with POST /genads/api/generation/campaigns/:id/generate.',
    },
  }, async (request, reply) => {
    const c = await campaigns.create(requireGenAds(request, GENADS_ROLES.create), brandOf(request), request.body, requestMeta(request));
    return reply.status(201).send({ campaign_id: c.campaign_id, perfume_id: c.perfume_id, brand_id: c.brand_id, campaign_name: c.campaign_name, status: c.status, progress: c.progress, created_at: c.created_at.toISOString() });
  });

  app.get('/campaigns', {
    schema: {
      tags,
      querystring: z.strictObject({
        perfume_id: uuid.optional(),
        status: status.optional(),
        page: z.coerce.number().int().min(1).default(1),
        limit: z.coerce.number().int().min(1).max(100).default(20),
        sort: z.enum(['created_at', 'cost']).default('created_at'),
        order: z.enum(['asc', 'desc']).default('desc'),
      }),
      response: { 200: campaignListResponse },
    },
  }, async (request) => campaigns.list(requireGenAds(request, GENADS_ROLES.read), brandOf(request), request.query));

  app.get('/campaigns/:campaignId', { schema: { tags, params: campaignParams, response: { 200: campaignResponse } } }, async (request) =>
    campaignView(await campaigns.get(requireGenAds(request, GENADS_ROLES.read), brandOf(request), request.params.campaignId)),
  );

  app.delete('/campaigns/:campaignId', { schema: { tags, params: campaignParams, description: '204; 409 CAMPAIGN_PROCESSING while it is being generated.', response: { 204: noContent('Deleted, with its videos') } } }, async (request, reply) => {
    await campaigns.delete(requireGenAds(request, GENADS_ROLES.remove), brandOf(request), request.params.campaignId, requestMeta(request));
    return reply.status(204).send();
  });

  app.get('/campaigns/:campaignId/variations/:variationIndex/captions.vtt', {
    schema: {
      tags,
      params: campaignParams.extend({ variationIndex: z.coerce.number().int().min(0).max(9) }),
      response: { 200: nonJsonResponse('WebVTT captions', ['text/vtt']) },
      description: 'A rendered variation\'s on-screen words as a WebVTT captions track, one cue per scene that shows text (for a <track kind="captions">). 404 CAPTIONS_NOT_READY until the variation is rendered.',
    },
  }, async (request, reply) => {
    const p = requireGenAds(request, GENADS_ROLES.read);
    const vtt = await videos.captions(p, await campaigns.get(p, brandOf(request), request.params.campaignId), request.params.variationIndex);
    return reply.type('text/vtt; charset=utf-8').send(vtt);
  });

  app.get('/campaigns/:campaignId/videos', {
    schema: {
      tags,
      params: campaignParams,
      response: { 200: campaignVideosResponse },
      description: 'Presigned download URLs (valid 1 hour) for every variation\'s final video and drafts (scene backgrounds, music) of the take shown (`take`). A file removed by its lifecycle rule (drafts 30 days, finals 90) is listed with url null and expired true. When the last run failed, `failed_run` lists what it made before failing: `{take, error_message, failed_at, concepts, variations_completed, variations: [{variation_index, final, draft}]}`.',
    },
  }, async (request) => {
    const p = requireGenAds(request, GENADS_ROLES.read);
    return videos.links(p, await campaigns.get(p, brandOf(request), request.params.campaignId));
  });
}

/**
 * The shapes of GenAds' answers, declared on the routes so /openapi.json describes them and
 * the web app's generated client types them. Each mirrors the view function that builds the
 * answer (brandView, perfumeView, campaignView, progressView, CampaignVideos.links).
 *
 * fastify-type-provider-zod removes every field a response schema does not list, so a field
 * added to a view must be added here too. The answers the generation pipeline keeps growing
 * (progress, videos, campaign_json) are declared loose: their known fields are typed and
 * new ones pass through instead of silently disappearing.
 */
import { z } from 'zod';

const isoDate = z.string().describe('ISO 8601 date-time');
const status = z.enum(['pending', 'processing', 'completed', 'failed']);
const gender = z.enum(['masculine', 'feminine', 'unisex']);
const adStyle = z.enum(['gold_luxe', 'dark_elegance', 'romantic_floral']);
const pageInfo = { total: z.number().int(), page: z.number().int(), limit: z.number().int(), pages: z.number().int() };

export const brandResponse = z.object({
  brand_id: z.string(),
  brand_name: z.string(),
  brand_logo_url: z.string().describe('storage key of the logo; GET /genads/api/brands/me/logo downloads it'),
  brand_guidelines_url: z.string().describe('storage key of the guidelines; GET /genads/api/brands/me/guidelines downloads it'),
  onboarding_completed: z.boolean(),
  created_at: isoDate,
  updated_at: isoDate,
});

export const onboardedBrandResponse = brandResponse.omit({ updated_at: true });

export const brandStatsResponse = z.object({
  total_perfumes: z.number().int(),
  total_campaigns: z.number().int(),
  total_cost: z.number(),
  completed_campaigns: z.number().int(),
  processing_campaigns: z.number().int(),
  failed_campaigns: z.number().int(),
  pending_campaigns: z.number().int(),
});

export const perfumeResponse = z.object({
  perfume_id: z.string(),
  brand_id: z.string(),
  perfume_name: z.string(),
  perfume_gender: gender,
  front_image_url: z.string().describe('storage key; GET /genads/api/perfumes/:id/images/front downloads it'),
  back_image_url: z.string().optional(),
  top_image_url: z.string().optional(),
  left_image_url: z.string().optional(),
  right_image_url: z.string().optional(),
  images_count: z.number().int(),
  campaigns_count: z.number().int().optional(),
  created_at: isoDate,
  updated_at: isoDate,
});

export const createdPerfumeResponse = perfumeResponse.omit({ updated_at: true });

/** A presigned URL of one stored file, for a page to show it (assets/asset-links.ts). */
export const imageLinkResponse = z.object({ url: z.string(), expires_in_seconds: z.number().int() });

export const perfumeListResponse = z.object({
  perfumes: z.array(perfumeResponse.pick({ perfume_id: true, perfume_name: true, perfume_gender: true, front_image_url: true, images_count: true, campaigns_count: true, created_at: true })),
  ...pageInfo,
});

export const campaignResponse = z.object({
  campaign_id: z.string(),
  perfume_id: z.string(),
  brand_id: z.string(),
  campaign_name: z.string(),
  creative_prompt: z.string(),
  selected_style: adStyle,
  target_duration: z.number().int(),
  num_variations: z.number().int(),
  selected_variation_index: z.number().int().optional(),
  status,
  progress: z.number().int(),
  cost: z.number().describe('total spend across every run (takes, failed runs and retries)'),
  error_message: z.string().optional(),
  takes_started: z.number().int().describe('generation runs started; the latest is this take number'),
  shown_take: z.number().int().optional().describe('the take whose videos are shown; absent before a run completes'),
  variations_completed: z.number().int().describe('finished variations of the running (or last) take, counted as each finishes'),
  campaign_json: z.unknown().describe('scenes, styleSpec, videoMetadata, costBreakdown, variationPaths and each variation\'s plan (docs/genads.md)'),
  created_at: isoDate,
  updated_at: isoDate,
});

export const createdCampaignResponse = campaignResponse.pick({ campaign_id: true, perfume_id: true, brand_id: true, campaign_name: true, status: true, progress: true, created_at: true });

export const campaignListResponse = z.object({
  campaigns: z.array(campaignResponse.pick({
    campaign_id: true, perfume_id: true, brand_id: true, campaign_name: true, status: true, progress: true, cost: true,
    target_duration: true, num_variations: true, selected_variation_index: true, created_at: true,
  })),
  ...pageInfo,
});

const fileLink = z.object({
  path: z.string(),
  url: z.string().nullable().describe('presigned, valid `expires_in` seconds; null once the file is gone'),
  expired: z.boolean(),
});

export const campaignVideosResponse = z.looseObject({
  campaign_id: z.string(),
  status,
  selected_variation_index: z.number().int().optional(),
  expires_in: z.number().int(),
  take: z.number().int().optional().describe('the take these variations belong to'),
  variations: z.array(z.looseObject({
    variation_index: z.number().int(),
    ready: z.boolean(),
    selected: z.boolean().optional(),
    final: fileLink.nullable(),
    captions_url: z.string().optional().describe('the final video\'s on-screen words as WebVTT captions (GET with the same credentials)'),
    draft: z.record(z.string(), fileLink),
  })),
  failed_run: z.object({
    take: z.number().int(),
    error_message: z.string(),
    failed_at: z.string(),
    concepts: z.array(z.string()),
    variations_completed: z.number().int(),
    variations: z.array(z.object({ variation_index: z.number().int(), final: fileLink.nullable(), draft: z.record(z.string(), fileLink) })),
  }).optional().describe('when the last run failed: what it made before failing, per variation'),
});

export const generationStartedResponse = z.object({
  campaign_id: z.string(),
  status,
  progress: z.number().int(),
  job_id: z.string(),
  take: z.number().int().describe('the take this run makes'),
  shown_take: z.number().int().optional().describe('the take shown until this one completes'),
  progress_url: z.string(),
});

export const progressResponse = z.looseObject({
  campaign_id: z.string(),
  status,
  progress: z.number().int().describe('0-100'),
  stage: z.string().optional(),
  variations_completed: z.number().int(),
  num_variations: z.number().int(),
  cost: z.number(),
  error_message: z.string().optional(),
  job_id: z.string().optional(),
  take: z.number().int().optional().describe('the running (or last) run'),
  shown_take: z.number().int().optional().describe('the take whose videos are shown'),
  updated_at: isoDate,
});

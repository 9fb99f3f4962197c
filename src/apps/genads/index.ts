import multipart from '@fastify/multipart';
import type { FastifyInstance } from 'fastify';
import type { TenantryApp } from '../../platform/apps.js';
import { genadsManifest } from './manifest.js';
import { BRANDS_PREFIX, GUIDELINES_TYPES, LIFECYCLE_RULES, UPLOAD_KINDS } from './storage-layout.js';
import { MAX_GUIDELINES_BYTES } from './uploads/validate-files.js';
import { registerOnboardingGuard } from './onboarding-guard.js';
import { brandsRoutes } from './brands/brands.routes.js';
import { perfumesRoutes } from './perfumes/perfumes.routes.js';
import { campaignsRoutes } from './campaigns/campaigns.routes.js';
import { generationRoutes } from './generation/generation.routes.js';
import { generateCampaignJob } from './generation/generate.job.js';
import { generationMetrics } from './generation/generation-metrics.js';
import { pipelineKitFor } from './generation/create-pipeline-kit.js';
import type { PipelineKit } from './generation/pipeline-kit.js';
import type { PlatformContext } from '../../platform/context.js';

/** Stored images are PNGs made from ≤ 5 MB uploads; decoding can make them larger. */
const MAX_STORED_IMAGE_BYTES = 64 * 1024 * 1024;
const MAX_VIDEO_BYTES = 2 * 1024 ** 3;
const MAX_AUDIO_BYTES = 200 * 1024 ** 2;

/**
 * GenAds (seed 000): perfume brands → perfumes → ad campaigns, and the pipeline that turns a
 * campaign into 9:16 video ads. Mounted at /genads, so the seed's /api/perfumes is
 * /genads/api/perfumes.
 */
export function createGenAdsApp(options: GenAdsAppOptions = {}): TenantryApp {
  return {
    name: genadsManifest.name,
    prefix: '/genads',
    migrations: genadsManifest.migrations,
    settings: genadsManifest.settings,
    jobs: [generateCampaignJob(options.pipelineKit ?? pipelineKitFor)],
    metrics: generationMetrics,
    setup(ctx) {
      ctx.storage.kinds.register({ name: UPLOAD_KINDS.image, maxBytes: MAX_STORED_IMAGE_BYTES, types: ['image/png'] });
      ctx.storage.kinds.register({ name: UPLOAD_KINDS.guidelines, maxBytes: MAX_GUIDELINES_BYTES, types: Object.keys(GUIDELINES_TYPES) });
      ctx.storage.kinds.register({ name: UPLOAD_KINDS.video, maxBytes: MAX_VIDEO_BYTES, types: ['video/mp4'] });
      ctx.storage.kinds.register({ name: UPLOAD_KINDS.audio, maxBytes: MAX_AUDIO_BYTES, types: ['audio/mpeg'] });
      for (const rule of LIFECYCLE_RULES) ctx.storage.lifecycle.register(rule);
      // Logos, guidelines, product shots and videos are rows' files: only GenAds' routes change them.
      ctx.storage.ownership.register({ app: 'genads', prefix: BRANDS_PREFIX, modify: 'readonly' });
    },
    async routes(app: FastifyInstance) {
      await app.register(async (api) => {
        // Files are checked per field in readForm; this is the ceiling for the largest (guidelines).
        await api.register(multipart, { limits: { fileSize: MAX_GUIDELINES_BYTES + 1, files: 5, fields: 10, fieldSize: 64 * 1024 } });
        registerOnboardingGuard(api);
        await api.register(brandsRoutes);
        await api.register(perfumesRoutes);
        await api.register(campaignsRoutes);
        await api.register(generationRoutes);
      }, { prefix: '/api' });
    },
  };
}

export interface GenAdsAppOptions {
  /** The pipeline's stage implementations; default: chosen from GENADS_* configuration. Tests wrap it to inject failures. */
  pipelineKit?: (ctx: PlatformContext) => PipelineKit;
}

export const genadsApp = createGenAdsApp();

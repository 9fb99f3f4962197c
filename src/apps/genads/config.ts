import os from 'node:os';
import { z } from 'zod';
import { ConfigError } from '../../platform/config/config.js';
import { defineAppSettings } from '../../platform/config/app-settings.js';

const schema = z.object({
  /** FFmpeg and ffprobe binaries (Debian's ffmpeg 5.1 or newer). */
  GENADS_FFMPEG_PATH: z.string().min(1).default('ffmpeg'),
  GENADS_FFPROBE_PATH: z.string().min(1).default('ffprobe'),
  /** libx264 preset of the final render; drafts always use a faster one. */
  GENADS_X264_PRESET: z.enum(['ultrafast', 'superfast', 'veryfast', 'faster', 'fast', 'medium', 'slow']).default('veryfast'),
  /**
   * Size of every video the pipeline writes (scene drafts, conformed clips, the final ad), in
   * the seed's 9:16. Layout is designed at 1080x1920 and scaled: a smaller size is for previews
   * and for tests of the pipeline around the render, which then cost a fraction of the CPU.
   */
  GENADS_VIDEO_SIZE: z.enum(['1080x1920', '720x1280', '540x960']).default('1080x1920'),
  /** Variations rendered at once; default: one per two cores (FFmpeg already uses every core). */
  GENADS_VARIATION_CONCURRENCY: z.coerce.number().int().min(1).max(3).optional(),
  /** Scene backgrounds of one variation generated at once (the music beside them). */
  GENADS_SCENE_CONCURRENCY: z.coerce.number().int().min(1).max(8).default(4),
  /** OpenAI-compatible chat API for guideline analysis and scene planning; rules are used when unset. */
  GENADS_LLM_BASE_URL: z.url().optional(),
  GENADS_LLM_API_KEY: z.string().min(1).optional(),
  GENADS_LLM_MODEL: z.string().min(1).default('gpt-4o-mini'),
  /** USD per 1M tokens (input, output), for the cost breakdown. */
  GENADS_LLM_PRICE_INPUT_PER_MTOK: z.coerce.number().min(0).max(1000).default(0.15),
  GENADS_LLM_PRICE_OUTPUT_PER_MTOK: z.coerce.number().min(0).max(1000).default(0.6),
  /** Scene backgrounds and music: generated locally with FFmpeg (default), or by Replicate-hosted models. */
  GENADS_VIDEO_PROVIDER: z.enum(['local', 'replicate']).default('local'),
  GENADS_MUSIC_PROVIDER: z.enum(['local', 'replicate']).default('local'),
  GENADS_REPLICATE_BASE_URL: z.url().default('https://api.replicate.com'),
  GENADS_REPLICATE_API_TOKEN: z.string().min(1).optional(),
  /** "owner/name" (an official model) or "owner/name:version". */
  GENADS_REPLICATE_VIDEO_MODEL: z.string().regex(/^[\w.-]+\/[\w.-]+(:[0-9a-f]{64})?$/).default('wan-video/wan-2.2-t2v-fast'),
  GENADS_REPLICATE_MUSIC_MODEL: z.string().regex(/^[\w.-]+\/[\w.-]+(:[0-9a-f]{64})?$/).default('meta/musicgen:671ac645ce5e552cc63a54a2bbff63fcf798043055d2dac5fc9e36a837eedcfb'),
  /** USD per generated video second / per prediction second of music, for the cost breakdown. */
  GENADS_VIDEO_PRICE_PER_SECOND: z.coerce.number().min(0).max(100).default(0.05),
  GENADS_MUSIC_PRICE_PER_SECOND: z.coerce.number().min(0).max(100).default(0.0023),
  GENADS_PROVIDER_TIMEOUT_MS: z.coerce.number().int().min(1000).max(3_600_000).default(600_000),
  GENADS_PROVIDER_POLL_MS: z.coerce.number().int().min(10).max(60_000).default(2000),
  /** Product cut-out: the bundled segmentation model (imgly), or "threshold" (the backdrop colour, modelled from the photo's edges, keyed out). */
  GENADS_BACKGROUND_REMOVAL: z.enum(['imgly', 'threshold']).default('imgly'),
});

/** The LLM settings by name, for error messages that say what to fix. */
export const LLM_SETTINGS = { apiKey: 'GENADS_LLM_API_KEY', baseUrl: 'GENADS_LLM_BASE_URL', model: 'GENADS_LLM_MODEL' };

export interface GenAdsConfig {
  ffmpegPath: string;
  ffprobePath: string;
  x264Preset: string;
  videoSize: { width: number; height: number };
  variationConcurrency: number;
  sceneConcurrency: number;
  llm: { baseUrl: string; apiKey: string | undefined; model: string; priceInputPerMTok: number; priceOutputPerMTok: number } | null;
  videoProvider: 'local' | 'replicate';
  musicProvider: 'local' | 'replicate';
  replicate: { baseUrl: string; apiToken: string | undefined; videoModel: string; musicModel: string; timeoutMs: number; pollMs: number };
  videoPricePerSecond: number;
  musicPricePerSecond: number;
  backgroundRemoval: 'imgly' | 'threshold';
}

/** GenAds' own settings, validated at start (documented in docs/configuration.md). */
export const genadsSettings = defineAppSettings('GENADS', schema, (e): GenAdsConfig => {
  const usesReplicate = e.GENADS_VIDEO_PROVIDER === 'replicate' || e.GENADS_MUSIC_PROVIDER === 'replicate';
  if (usesReplicate && !e.GENADS_REPLICATE_API_TOKEN) {
    throw new ConfigError(['GENADS_REPLICATE_API_TOKEN: required when GENADS_VIDEO_PROVIDER or GENADS_MUSIC_PROVIDER is "replicate"']);
  }
  const [videoWidth, videoHeight] = e.GENADS_VIDEO_SIZE.split('x').map(Number);
  return {
    ffmpegPath: e.GENADS_FFMPEG_PATH,
    ffprobePath: e.GENADS_FFPROBE_PATH,
    x264Preset: e.GENADS_X264_PRESET,
    videoSize: { width: videoWidth, height: videoHeight },
    variationConcurrency: e.GENADS_VARIATION_CONCURRENCY ?? Math.max(1, Math.floor(os.availableParallelism() / 2)),
    sceneConcurrency: e.GENADS_SCENE_CONCURRENCY,
    llm: e.GENADS_LLM_BASE_URL
      ? { baseUrl: e.GENADS_LLM_BASE_URL, apiKey: e.GENADS_LLM_API_KEY, model: e.GENADS_LLM_MODEL, priceInputPerMTok: e.GENADS_LLM_PRICE_INPUT_PER_MTOK, priceOutputPerMTok: e.GENADS_LLM_PRICE_OUTPUT_PER_MTOK }
      : null,
    videoProvider: e.GENADS_VIDEO_PROVIDER,
    musicProvider: e.GENADS_MUSIC_PROVIDER,
    replicate: {
      baseUrl: e.GENADS_REPLICATE_BASE_URL,
      apiToken: e.GENADS_REPLICATE_API_TOKEN,
      videoModel: e.GENADS_REPLICATE_VIDEO_MODEL,
      musicModel: e.GENADS_REPLICATE_MUSIC_MODEL,
      timeoutMs: e.GENADS_PROVIDER_TIMEOUT_MS,
      pollMs: e.GENADS_PROVIDER_POLL_MS,
    },
    videoPricePerSecond: e.GENADS_VIDEO_PRICE_PER_SECOND,
    musicPricePerSecond: e.GENADS_MUSIC_PRICE_PER_SECOND,
    backgroundRemoval: e.GENADS_BACKGROUND_REMOVAL,
  };
});

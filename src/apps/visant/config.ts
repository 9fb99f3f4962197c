import { z } from 'zod';
import { ConfigError } from '../../platform/config/config.js';
import { defineAppSettings } from '../../platform/config/app-settings.js';

const schema = z.object({
  /** Which evaluator judges captures: the offline baseline comparison, or a hosted vision model. */
  VISANT_EVALUATOR: z.enum(['baseline', 'vision']).default('baseline'),
  VISANT_VISION_BASE_URL: z.url().optional(),
  VISANT_VISION_API_KEY: z.string().min(1).optional(),
  VISANT_VISION_MODEL: z.string().min(1).default('gpt-4o-mini'),
  VISANT_VISION_TIMEOUT_MS: z.coerce.number().int().min(1000).max(600_000).default(60_000),
  VISANT_DEVICE_UPLOADS_PER_MINUTE: z.coerce.number().int().min(1).max(6000).default(120),
  VISANT_SHARE_VIEWS_PER_MINUTE: z.coerce.number().int().min(1).max(6000).default(120),
  /** Where the public gallery's "Get Visant" button leads; unset: this instance's own /signup. */
  VISANT_SIGNUP_URL: z.url({ protocol: /^https?$/ }).optional(),
});

export type VisantConfig = {
  evaluator: 'baseline' | 'vision';
  vision: { baseUrl: string; apiKey: string | undefined; model: string; timeoutMs: number } | null;
  deviceUploadsPerMinute: number;
  shareViewsPerMinute: number;
  /** null: the instance's own sign-up page (PUBLIC_URL or the request's host, then /signup). */
  signupUrl: string | null;
};

/** Visant's own settings, validated at start like the platform's (documented in docs/configuration.md). */
export const visantSettings = defineAppSettings('VISANT', schema, (e): VisantConfig => {
  if (e.VISANT_EVALUATOR === 'vision' && !e.VISANT_VISION_BASE_URL) {
    throw new ConfigError(['VISANT_VISION_BASE_URL: required when VISANT_EVALUATOR=vision (an OpenAI-compatible API, e.g. https://api.openai.com/v1)']);
  }
  return {
    evaluator: e.VISANT_EVALUATOR,
    vision: e.VISANT_VISION_BASE_URL ? { baseUrl: e.VISANT_VISION_BASE_URL, apiKey: e.VISANT_VISION_API_KEY, model: e.VISANT_VISION_MODEL, timeoutMs: e.VISANT_VISION_TIMEOUT_MS } : null,
    deviceUploadsPerMinute: e.VISANT_DEVICE_UPLOADS_PER_MINUTE,
    shareViewsPerMinute: e.VISANT_SHARE_VIEWS_PER_MINUTE,
    signupUrl: e.VISANT_SIGNUP_URL ?? null,
  };
});

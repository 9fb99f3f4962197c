import { z } from 'zod';
import { ConfigError } from '../../platform/config/config.js';
import { defineAppSettings } from '../../platform/config/app-settings.js';
import type { Plan } from '../../platform/db/schema.js';

const perMonth = (fallback: number) => z.coerce.number().int().min(0).max(1_000_000).default(fallback);

const schema = z.object({
  /** Who analyses a social profile: the offline text analyser over what the user pasted, or a hosted model. */
  BRANDKIT_ANALYZER: z.enum(['offline', 'hosted']).default('offline'),
  BRANDKIT_ANALYZER_BASE_URL: z.url({ protocol: /^https?$/ }).optional(),
  BRANDKIT_ANALYZER_API_KEY: z.string().min(1).optional(),
  BRANDKIT_ANALYZER_MODEL: z.string().min(1).max(200).default('gpt-4o-mini'),
  BRANDKIT_ANALYZER_TIMEOUT_MS: z.coerce.number().int().min(1000).max(600_000).default(60_000),
  /** The profile adapter the hosted analyser reads public profile data from (GET {url}/profiles/{platform}/{handle}). */
  BRANDKIT_PROFILE_SOURCE_URL: z.url({ protocol: /^https?$/ }).optional(),
  BRANDKIT_PROFILE_SOURCE_API_KEY: z.string().min(1).optional(),
  /** Largest image accepted (logo upload, product photo or mask, palette source). */
  BRANDKIT_MAX_IMAGE_BYTES: z.coerce.number().int().min(64 * 1024).max(100 * 1024 * 1024).default(15 * 1024 * 1024),
  /** Who draws logos and mockups: the offline generators, or hosted image models through Fal.ai's queue. */
  BRANDKIT_IMAGE_ENGINE: z.enum(['offline', 'fal']).default('offline'),
  BRANDKIT_FAL_BASE_URL: z.url({ protocol: /^https?$/ }).default('https://queue.fal.run'),
  BRANDKIT_FAL_API_KEY: z.string().min(1).optional(),
  BRANDKIT_FAL_LOGO_MODEL: z.string().regex(/^[a-z0-9-]+\/[a-z0-9./-]+$/).default('fal-ai/flux/schnell'),
  BRANDKIT_FAL_MOCKUP_MODEL: z.string().regex(/^[a-z0-9-]+\/[a-z0-9./-]+$/).default('fal-ai/flux-pro/v1/fill'),
  BRANDKIT_FAL_POLL_MS: z.coerce.number().int().min(5).max(60_000).default(1000),
  BRANDKIT_FAL_TIMEOUT_MS: z.coerce.number().int().min(1000).max(3_600_000).default(300_000),
  /** GoHighLevel CRM sync: off unless a location token and id are set. */
  BRANDKIT_GHL_BASE_URL: z.url({ protocol: /^https?$/ }).default('https://services.leadconnectorhq.com'),
  BRANDKIT_GHL_TOKEN: z.string().min(1).optional(),
  BRANDKIT_GHL_LOCATION_ID: z.string().regex(/^[A-Za-z0-9_-]{1,100}$/).optional(),
  /** Logo and mockup generations an org may run per calendar month (UTC), by plan. 0 = none. */
  BRANDKIT_LOGO_GENERATIONS_FREE: perMonth(30),
  BRANDKIT_LOGO_GENERATIONS_PRO: perMonth(500),
  BRANDKIT_LOGO_GENERATIONS_ENTERPRISE: perMonth(10_000),
  BRANDKIT_MOCKUP_GENERATIONS_FREE: perMonth(20),
  BRANDKIT_MOCKUP_GENERATIONS_PRO: perMonth(300),
  BRANDKIT_MOCKUP_GENERATIONS_ENTERPRISE: perMonth(5_000),
});

export type GenerationKind = 'logo' | 'mockup';

export type BrandkitConfig = {
  analyzer: 'offline' | 'hosted';
  hosted: { baseUrl: string; apiKey: string | undefined; model: string; timeoutMs: number } | null;
  profileSource: { baseUrl: string; apiKey: string | undefined } | null;
  maxImageBytes: number;
  /** null: no CRM sync. */
  ghl: { baseUrl: string; token: string; locationId: string } | null;
  /** null: the offline generators draw. */
  fal: { baseUrl: string; apiKey: string | undefined; logoModel: string; mockupModel: string; pollMs: number; timeoutMs: number } | null;
  /** Generations per calendar month, by kind and plan. */
  limits: Record<GenerationKind, Record<Plan, number>>;
};

/** Brandkit's own settings, validated at start (documented in docs/configuration.md). */
export const brandkitSettings = defineAppSettings('BRANDKIT', schema, (e): BrandkitConfig => {
  if (e.BRANDKIT_ANALYZER === 'hosted' && !e.BRANDKIT_ANALYZER_BASE_URL) {
    throw new ConfigError(['BRANDKIT_ANALYZER_BASE_URL: required when BRANDKIT_ANALYZER=hosted (an OpenAI-compatible API, e.g. https://api.openai.com/v1)']);
  }
  if (e.BRANDKIT_IMAGE_ENGINE === 'fal' && !e.BRANDKIT_FAL_API_KEY) {
    throw new ConfigError(['BRANDKIT_FAL_API_KEY: required when BRANDKIT_IMAGE_ENGINE=fal (a key from https://fal.ai/dashboard/keys)']);
  }
  if (!!e.BRANDKIT_GHL_TOKEN !== !!e.BRANDKIT_GHL_LOCATION_ID) {
    throw new ConfigError(['BRANDKIT_GHL_TOKEN and BRANDKIT_GHL_LOCATION_ID: set both to sync contacts to GoHighLevel, or neither']);
  }
  return {
    analyzer: e.BRANDKIT_ANALYZER,
    ghl: e.BRANDKIT_GHL_TOKEN && e.BRANDKIT_GHL_LOCATION_ID ? { baseUrl: e.BRANDKIT_GHL_BASE_URL, token: e.BRANDKIT_GHL_TOKEN, locationId: e.BRANDKIT_GHL_LOCATION_ID } : null,
    fal: e.BRANDKIT_IMAGE_ENGINE === 'fal'
      ? { baseUrl: e.BRANDKIT_FAL_BASE_URL, apiKey: e.BRANDKIT_FAL_API_KEY, logoModel: e.BRANDKIT_FAL_LOGO_MODEL, mockupModel: e.BRANDKIT_FAL_MOCKUP_MODEL, pollMs: e.BRANDKIT_FAL_POLL_MS, timeoutMs: e.BRANDKIT_FAL_TIMEOUT_MS }
      : null,
    hosted: e.BRANDKIT_ANALYZER_BASE_URL
      ? { baseUrl: e.BRANDKIT_ANALYZER_BASE_URL, apiKey: e.BRANDKIT_ANALYZER_API_KEY, model: e.BRANDKIT_ANALYZER_MODEL, timeoutMs: e.BRANDKIT_ANALYZER_TIMEOUT_MS }
      : null,
    profileSource: e.BRANDKIT_PROFILE_SOURCE_URL ? { baseUrl: e.BRANDKIT_PROFILE_SOURCE_URL, apiKey: e.BRANDKIT_PROFILE_SOURCE_API_KEY } : null,
    maxImageBytes: e.BRANDKIT_MAX_IMAGE_BYTES,
    limits: {
      logo: { free: e.BRANDKIT_LOGO_GENERATIONS_FREE, pro: e.BRANDKIT_LOGO_GENERATIONS_PRO, enterprise: e.BRANDKIT_LOGO_GENERATIONS_ENTERPRISE },
      mockup: { free: e.BRANDKIT_MOCKUP_GENERATIONS_FREE, pro: e.BRANDKIT_MOCKUP_GENERATIONS_PRO, enterprise: e.BRANDKIT_MOCKUP_GENERATIONS_ENTERPRISE },
    },
  };
});

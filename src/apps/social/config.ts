import { z } from 'zod';
import { defineAppSettings } from '../../platform/config/app-settings.js';
import { booleanSetting } from '../../platform/config/config.js';
import type { Network } from './providers/provider.js';

/** The OAuth clients the operator registered with each network's developer portal (Mastodon registers itself per instance; Bluesky uses app passwords). */
const OAUTH_NETWORKS = [
  ['x', 'SOCIAL_X_CLIENT_ID', 'SOCIAL_X_CLIENT_SECRET'],
  ['linkedin', 'SOCIAL_LINKEDIN_CLIENT_ID', 'SOCIAL_LINKEDIN_CLIENT_SECRET'],
  ['facebook', 'SOCIAL_FACEBOOK_APP_ID', 'SOCIAL_FACEBOOK_APP_SECRET'],
  ['instagram', 'SOCIAL_INSTAGRAM_APP_ID', 'SOCIAL_INSTAGRAM_APP_SECRET'],
] as const;
const clientPart = z.string().trim().min(1).max(500).optional();

const schema = z.object({
  /** Largest image in the media library. */
  SOCIAL_MEDIA_IMAGE_MAX_MB: z.coerce.number().int().min(1).max(100).default(20),
  /** Largest video in the media library (networks accept up to 512 MB for X, 4 GB for some: the library bounds it here). */
  SOCIAL_MEDIA_VIDEO_MAX_MB: z.coerce.number().int().min(1).max(2048).default(512),
  /** How many of the workspace's most recent posts a new text is compared with for near duplicates. */
  SOCIAL_NEAR_DUPLICATE_WINDOW: z.coerce.number().int().min(10).max(5000).default(500),
  /** Rows one CSV import may carry. */
  SOCIAL_CSV_IMPORT_MAX_ROWS: z.coerce.number().int().min(1).max(10_000).default(1000),
  /** Rows one CSV export writes at most (newest first). */
  SOCIAL_CSV_EXPORT_MAX_ROWS: z.coerce.number().int().min(1).max(100_000).default(10_000),
  /** Widest calendar request, in days. */
  SOCIAL_CALENDAR_MAX_DAYS: z.coerce.number().int().min(1).max(400).default(93),
  /** Posts published within this many hours count as recent: their metrics are collected more often. */
  SOCIAL_METRICS_RECENT_HOURS: z.coerce.number().int().min(1).max(168).default(48),
  /** Minutes between two collections of a recent post's metrics. */
  SOCIAL_METRICS_RECENT_EVERY_MINUTES: z.coerce.number().int().min(15).max(1440).default(60),
  /** Hours between two collections of an older post's metrics. */
  SOCIAL_METRICS_OLDER_EVERY_HOURS: z.coerce.number().int().min(1).max(168).default(24),
  /** Posts older than this are no longer collected (their last figures stay). */
  SOCIAL_METRICS_MAX_AGE_DAYS: z.coerce.number().int().min(1).max(365).default(30),
  /** Targets one workspace has collected per run at most (the most overdue first); the rest wait for the next run. */
  SOCIAL_METRICS_BATCH: z.coerce.number().int().min(10).max(5000).default(500),
  /** OpenAI-compatible chat API for POST /social/api/ai/generate; the offline adapter is used when unset. */
  SOCIAL_AI_BASE_URL: z.url().optional(),
  SOCIAL_AI_API_KEY: z.string().min(1).max(500).optional(),
  SOCIAL_AI_MODEL: z.string().min(1).max(200).default('gpt-4o-mini'),
  SOCIAL_AI_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(120).default(30),
  /** Generations one user may ask for per minute (each may call the hosted model). */
  SOCIAL_AI_REQUESTS_PER_MINUTE: z.coerce.number().int().min(1).max(120).default(10),
  SOCIAL_X_CLIENT_ID: clientPart,
  SOCIAL_X_CLIENT_SECRET: clientPart,
  SOCIAL_LINKEDIN_CLIENT_ID: clientPart,
  SOCIAL_LINKEDIN_CLIENT_SECRET: clientPart,
  SOCIAL_FACEBOOK_APP_ID: clientPart,
  SOCIAL_FACEBOOK_APP_SECRET: clientPart,
  SOCIAL_INSTAGRAM_APP_ID: clientPart,
  SOCIAL_INSTAGRAM_APP_SECRET: clientPart,
  /** Let tenants connect Mastodon instances on private or local addresses (an instance on the operator's own network). */
  SOCIAL_MASTODON_ALLOW_PRIVATE_INSTANCES: booleanSetting.default(false),
}).superRefine((e, ctx) => {
  // Half a client would fail only when someone first tries to connect: refuse it at start.
  for (const [, id, secret] of OAUTH_NETWORKS) {
    if (Boolean(e[id]) !== Boolean(e[secret])) ctx.addIssue({ code: 'custom', path: [e[id] ? secret : id], message: `set together with ${e[id] ? id : secret}, or neither` });
  }
});

export type SocialConfig = {
  imageMaxBytes: number;
  videoMaxBytes: number;
  nearDuplicateWindow: number;
  csvImportMaxRows: number;
  csvExportMaxRows: number;
  calendarMaxDays: number;
  metrics: { recentHours: number; recentEveryMinutes: number; olderEveryHours: number; maxAgeDays: number; batch: number };
  /** null: the offline adapter answers. */
  ai: { baseUrl: string; apiKey: string | undefined; model: string; timeoutMs: number } | null;
  aiRequestsPerMinute: number;
  /** The configured OAuth clients; a network without one answers 422 SOCIAL_CLIENT_MISSING when connected. */
  oauthClients: Partial<Record<Network, { clientId: string; clientSecret: string }>>;
  mastodonAllowPrivateInstances: boolean;
};

/** Social's own settings, validated at start like the platform's (documented in docs/configuration.md). */
export const socialSettings = defineAppSettings('SOCIAL', schema, (e): SocialConfig => ({
  imageMaxBytes: e.SOCIAL_MEDIA_IMAGE_MAX_MB * 1024 * 1024,
  videoMaxBytes: e.SOCIAL_MEDIA_VIDEO_MAX_MB * 1024 * 1024,
  nearDuplicateWindow: e.SOCIAL_NEAR_DUPLICATE_WINDOW,
  csvImportMaxRows: e.SOCIAL_CSV_IMPORT_MAX_ROWS,
  csvExportMaxRows: e.SOCIAL_CSV_EXPORT_MAX_ROWS,
  calendarMaxDays: e.SOCIAL_CALENDAR_MAX_DAYS,
  metrics: {
    recentHours: e.SOCIAL_METRICS_RECENT_HOURS,
    recentEveryMinutes: e.SOCIAL_METRICS_RECENT_EVERY_MINUTES,
    olderEveryHours: e.SOCIAL_METRICS_OLDER_EVERY_HOURS,
    maxAgeDays: e.SOCIAL_METRICS_MAX_AGE_DAYS,
    batch: e.SOCIAL_METRICS_BATCH,
  },
  ai: e.SOCIAL_AI_BASE_URL ? { baseUrl: e.SOCIAL_AI_BASE_URL, apiKey: e.SOCIAL_AI_API_KEY, model: e.SOCIAL_AI_MODEL, timeoutMs: e.SOCIAL_AI_TIMEOUT_SECONDS * 1000 } : null,
  aiRequestsPerMinute: e.SOCIAL_AI_REQUESTS_PER_MINUTE,
  oauthClients: Object.fromEntries(
    OAUTH_NETWORKS.flatMap(([network, id, secret]) => {
      const clientId = e[id];
      const clientSecret = e[secret];
      return clientId && clientSecret ? [[network, { clientId, clientSecret }]] : [];
    }),
  ),
  mastodonAllowPrivateInstances: e.SOCIAL_MASTODON_ALLOW_PRIVATE_INSTANCES,
}));

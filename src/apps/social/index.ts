import type { TenantryApp } from '../../platform/apps.js';
import { socialManifest } from './manifest.js';
import { socialSettings } from './config.js';
import { IMAGE_TYPES, SOCIAL_PREFIX, UPLOAD_KINDS, VIDEO_TYPES } from './storage-layout.js';
import { postsRoutes } from './posts/posts.routes.js';
import { postVersionsRoutes } from './posts/post-versions.routes.js';
import { approvalsRoutes } from './approvals/approvals.routes.js';
import { campaignsRoutes } from './campaigns/campaigns.routes.js';
import { mediaRoutes } from './media/media.routes.js';
import { activityRoutes } from './activity/activity.routes.js';
import { settingsRoutes } from './workspace/settings.routes.js';
import { accountsRoutes } from './accounts/accounts.routes.js';
import { connectRoutes } from './connect/connect.routes.js';
import { scheduleRoutes } from './publishing/schedule.routes.js';
import { publishDueJob } from './publishing/publish-due.job.js';
import { publishSweepJob } from './publishing/publish-sweep.js';
import { tokenRefreshJob } from './publishing/token-refresh.sweep.js';
import { analyticsRoutes } from './analytics/analytics.routes.js';
import { metricsJob } from './analytics/metrics.job.js';
import { videoPosterJob } from './media/video-poster.job.js';
import { abTestsRoutes } from './ab-tests/ab-tests.routes.js';
import { aiRoutes } from './ai/ai.routes.js';
import { installProviders } from './providers/app-providers.js';
import { providersFromSettings } from './providers/from-settings.js';
import type { ProvidersConfig } from './providers/registry.js';

/**
 * Social Media OS (seed 003): workspaces (platform orgs) plan posts with versions, media and
 * campaigns, get them approved, and publish them to connected network accounts. Success
 * bodies are wrapped as the seed shows ({success: true, data, message?}).
 */
export interface SocialAppOptions {
  /** The networks' adapters (real endpoints by default; tests and the bench pass the fakes'). */
  providers?: ProvidersConfig;
}

export function createSocialApp(options: SocialAppOptions = {}): TenantryApp {
  return {
    name: socialManifest.name,
    prefix: '/social',
    migrations: socialManifest.migrations,
    settings: socialManifest.settings,
    jobs: [publishDueJob, publishSweepJob, tokenRefreshJob, metricsJob, videoPosterJob],
    setup(ctx) {
      const c = socialSettings.load(ctx.config);
      installProviders(ctx, options.providers ?? providersFromSettings(ctx, c));
      ctx.storage.kinds.register({ name: UPLOAD_KINDS.image, maxBytes: c.imageMaxBytes, types: IMAGE_TYPES });
      ctx.storage.kinds.register({ name: UPLOAD_KINDS.video, maxBytes: c.videoMaxBytes, types: VIDEO_TYPES });
      // Library files are what posts point at: only Social's routes change them.
      ctx.storage.ownership.register({ app: 'social', prefix: SOCIAL_PREFIX, modify: 'readonly' });
    },
    async routes(app, ctx) {
      const config = socialSettings.load(ctx.config);
      await app.register(postsRoutes, { prefix: '/api', config });
      await app.register(postVersionsRoutes, { prefix: '/api', config });
      await app.register(approvalsRoutes, { prefix: '/api' });
      await app.register(campaignsRoutes, { prefix: '/api', config });
      await app.register(mediaRoutes, { prefix: '/api', config });
      await app.register(activityRoutes, { prefix: '/api' });
      await app.register(settingsRoutes, { prefix: '/api' });
      await app.register(accountsRoutes, { prefix: '/api' });
      await app.register(connectRoutes, { prefix: '/api' });
      await app.register(scheduleRoutes, { prefix: '/api' });
      await app.register(analyticsRoutes, { prefix: '/api' });
      await app.register(abTestsRoutes, { prefix: '/api' });
      await app.register(aiRoutes, { prefix: '/api', config });
    },
  };
}

export const socialApp: TenantryApp = createSocialApp();

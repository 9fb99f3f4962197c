import type { TenantryApp } from '../../platform/apps.js';
import { brandkitManifest } from './manifest.js';
import { brandkitSettings } from './config.js';
import { BRANDKIT_PREFIX, UPLOAD_KINDS } from './storage-layout.js';
import { analyzeSocialJob } from './socials/analyze-social.job.js';
import { BrandsService } from './brands/brands.service.js';
import { brandsRoutes } from './brands/brands.routes.js';
import { identityRoutes } from './identity/identity.routes.js';
import { socialsRoutes } from './socials/socials.routes.js';
import { productsRoutes } from './products/products.routes.js';
import { assetsRoutes } from './assets/assets.routes.js';
import { mockupsRoutes } from './mockups/mockups.routes.js';
import { profilesRoutes } from './profiles/profiles.routes.js';
import { usageRoutes } from './metering/usage.routes.js';
import { generationRoutes } from './generation/generation.routes.js';
import { generateLogosJob } from './generation/generate-logos.job.js';
import { generateMockupsJob } from './generation/generate-mockups.job.js';
import { buildGuideJob } from './generation/build-guide.job.js';
import { ghlSyncJob } from './crm/ghl-sync.job.js';
import { brandkitCommand } from './cli.js';

/**
 * Brandkit (seed 004): the brand-creation wizard. A user's brands inside an org go from social
 * analysis through identity, palette, fonts, logo, products and mockups to submission.
 * Mounted at /brandkit; the API is under /brandkit/api.
 */
export const brandkitApp: TenantryApp = {
  name: brandkitManifest.name,
  prefix: '/brandkit',
  migrations: brandkitManifest.migrations,
  settings: brandkitManifest.settings,
  cli: brandkitCommand,
  jobs: [analyzeSocialJob, generateLogosJob, generateMockupsJob, buildGuideJob, ghlSyncJob],
  setup(ctx) {
    const c = brandkitSettings.load(ctx.config);
    // Generated artwork and deliverables; SVG (text, no signature) only ever comes from the logo
    // generator: users upload raster logos, never SVG.
    const files = ['image/png', 'image/jpeg', 'image/webp', 'application/pdf', 'application/zip'];
    ctx.storage.kinds.register({ name: UPLOAD_KINDS.brandImage, maxBytes: Math.max(c.maxImageBytes, 50 * 1024 * 1024), types: files, textTypes: ['image/svg+xml'] });
    ctx.storage.kinds.register({ name: UPLOAD_KINDS.productImage, maxBytes: c.maxImageBytes, types: ['image/png'] });
    // Logos, mockups, catalog photos: files rows point at, changed only through Brandkit's routes.
    ctx.storage.ownership.register({ app: 'brandkit', prefix: BRANDKIT_PREFIX, modify: 'readonly' });
  },
  async routes(app, ctx) {
    const config = brandkitSettings.load(ctx.config);
    const brands = new BrandsService(ctx);
    // Submission updates the CRM contact with the brand's final assets (when GHL is configured).
    if (config.ghl) brands.whenSubmitted((tx, p, brandId) => ctx.jobs.enqueue(ghlSyncJob, { orgId: p.orgId, userId: p.userId, brandId }, { tx }).then(() => undefined));
    await app.register(brandsRoutes, { prefix: '/api', brands });
    await app.register(identityRoutes, { prefix: '/api', config });
    await app.register(socialsRoutes, { prefix: '/api' });
    await app.register(productsRoutes, { prefix: '/api', config });
    await app.register(assetsRoutes, { prefix: '/api', config });
    await app.register(mockupsRoutes, { prefix: '/api' });
    await app.register(profilesRoutes, { prefix: '/api' });
    await app.register(usageRoutes, { prefix: '/api', config });
    await app.register(generationRoutes, { prefix: '/api', config });
  },
};

import type { TenantryApp } from '../../platform/apps.js';
import { auraManifest } from './manifest.js';
import { PHOTOS_PREFIX } from './storage-layout.js';
import { bundlesRoutes } from './bundles/bundles.routes.js';
import { shareZipRoutes } from './bundles/share-zip.routes.js';
import { auraShareHandler } from './bundles/share-handler.js';
import { trashRoutes } from './trash/trash.routes.js';
import { auraRetentionJob } from './trash/retention.sweep.js';
import { exportRoutes } from './backup/export.routes.js';
import { auraSettings } from './config.js';
import { auraAuthRoutes } from './auth/auth.routes.js';
import { faceLoginRoutes } from './auth/face-login.routes.js';
import { teamRoutes } from './team/team.routes.js';
import { settingsRoutes } from './settings/settings.routes.js';
import { eventsRoutes } from './events/events.routes.js';
import { photosRoutes } from './photos/photos.routes.js';
import { PHOTO_UPLOAD_KIND, VARIANT_UPLOAD_KIND } from './photos/upload.service.js';
import { PHOTO_TYPES } from './photos/photo-image.js';

/** The variants are at most 2000 px WebP: far below this. */
const MAX_VARIANT_BYTES = 20 * 1024 * 1024;
import { auraCommand } from './cli.js';
import { detectFacesJob } from './faces/detect-faces.job.js';
import { facesRoutes } from './faces/faces.routes.js';
import { faceSearchMode } from './faces/face-vectors.js';
import { scanRoutes } from './scan/scan.routes.js';
import { peopleRoutes } from './people/people.routes.js';
import { reclusterPeopleJob } from './people/recluster.job.js';
import { auraStorageAlertsJob } from './usage/storage-alerts.js';

/**
 * Aura Pro (seed 001): photo studios. Events and photos with optimised variants, face search,
 * guest scan, bundles, trash and a sync agent. Mounted at /aura, so the seed's
 * /api/trash/restore/{id} is /aura/api/trash/restore/{id}.
 */
export const auraApp: TenantryApp = {
  name: auraManifest.name,
  prefix: '/aura',
  migrations: auraManifest.migrations,
  settings: auraManifest.settings,
  jobs: [auraRetentionJob, detectFacesJob, reclusterPeopleJob, auraStorageAlertsJob],
  share: auraShareHandler,
  cli: auraCommand,
  setup(ctx) {
    const c = auraSettings.load(ctx.config);
    ctx.storage.kinds.register({ name: PHOTO_UPLOAD_KIND, maxBytes: c.maxPhotoBytes, types: Object.keys(PHOTO_TYPES) });
    ctx.storage.kinds.register({ name: VARIANT_UPLOAD_KIND, maxBytes: MAX_VARIANT_BYTES, types: ['image/webp'] });
    // Originals and variants are rows' files: only Aura's routes change them.
    ctx.storage.ownership.register({ app: 'aura', prefix: PHOTOS_PREFIX, modify: 'readonly' });
  },
  async routes(app, ctx) {
    const config = auraSettings.load(ctx.config);
    // Says once, at start, when face search will be exact (no vector extension).
    await faceSearchMode(ctx);
    await app.register(auraAuthRoutes, { prefix: '/api', config });
    await app.register(faceLoginRoutes, { prefix: '/api', config });
    await app.register(teamRoutes, { prefix: '/api' });
    await app.register(settingsRoutes, { prefix: '/api' });
    await app.register(eventsRoutes, { prefix: '/api' });
    await app.register(photosRoutes, { prefix: '/api', config });
    await app.register(bundlesRoutes, { prefix: '/api' });
    await app.register(trashRoutes, { prefix: '/api' });
    await app.register(exportRoutes, { prefix: '/api' });
    // Public, no login: the ZIP behind a bundle's share link (/aura/s/{token}/zip).
    await app.register(shareZipRoutes);
    await app.register(facesRoutes, { prefix: '/api' });
    await app.register(peopleRoutes, { prefix: '/api' });
    // Public, no login: guests find their photos of an event with a selfie.
    await app.register(scanRoutes, { prefix: '/api' });
  },
};

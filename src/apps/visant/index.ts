import type { TenantryApp } from '../../platform/apps.js';
import { visantManifest } from './manifest.js';
import { devicesRoutes } from './devices/devices.routes.js';
import { capturesRoutes } from './captures/captures.routes.js';
import { sharesRoutes } from './sharing/shares.routes.js';
import { CAPTURE_UPLOAD_KIND } from './captures/captures.service.js';
import { DEVICES_PREFIX, MAX_CAPTURE_BYTES } from './captures/capture-image.js';
import { evaluateCaptureJob } from './evaluation/evaluate.job.js';
import { visantShareHandler } from './sharing/share-handler.js';
import { visantSettings } from './config.js';
import { visantCommand } from './cli.js';
import { evaluationMetrics, evaluationQueueMetrics } from './evaluation/evaluation-metrics.js';

/**
 * Visant (seed 002): camera monitoring. Devices with their own API keys upload captures,
 * which are evaluated asynchronously; results go live to dashboards and can be shared publicly.
 */
export const visantApp: TenantryApp = {
  name: visantManifest.name,
  prefix: '/visant',
  migrations: visantManifest.migrations,
  settings: visantManifest.settings,
  jobs: [evaluateCaptureJob],
  share: visantShareHandler,
  cli: visantCommand,
  metrics: evaluationQueueMetrics,
  setup(ctx) {
    ctx.storage.kinds.register({ name: CAPTURE_UPLOAD_KIND, maxBytes: MAX_CAPTURE_BYTES, types: ['image/jpeg'] });
    // Capture images are evidence their rows point at: only Visant's routes change them.
    ctx.storage.ownership.register({ app: 'visant', prefix: DEVICES_PREFIX, modify: 'readonly' });
    evaluationMetrics(ctx);
  },
  async routes(app, ctx) {
    const c = visantSettings.load(ctx.config);
    await app.register(devicesRoutes, { prefix: '/v1' });
    await app.register(capturesRoutes, { prefix: '/v1', config: c });
    await app.register(sharesRoutes, { prefix: '/v1' });
  },
};

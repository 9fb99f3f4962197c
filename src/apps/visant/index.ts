import { fileURLToPath } from 'node:url';
import type { TenantryApp } from '../../platform/apps.js';
import { devicesRoutes } from './devices/devices.routes.js';

/**
 * Visant (seed 002): camera monitoring. Devices with their own API keys upload captures,
 * which are evaluated asynchronously; results go live to dashboards and can be shared publicly.
 */
export const visantApp: TenantryApp = {
  name: 'visant',
  prefix: '/visant',
  migrations: { module: 'visant', directory: fileURLToPath(new URL('./migrations', import.meta.url)) },
  async routes(app) {
    await app.register(devicesRoutes, { prefix: '/v1' });
  },
};

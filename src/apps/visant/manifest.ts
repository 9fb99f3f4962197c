import { fileURLToPath } from 'node:url';
import type { AppManifest } from '../../platform/apps.js';
import { visantSettings } from './config.js';

/** Visant as the CLI sees it before it needs the app (platform/apps.ts): index.ts is loaded on demand. */
export const visantManifest: AppManifest = {
  name: 'visant',
  settings: visantSettings,
  migrations: { module: 'visant', directory: fileURLToPath(new URL('./migrations', import.meta.url)) },
  load: async () => (await import('./index.js')).visantApp,
};

import { fileURLToPath } from 'node:url';
import type { AppManifest } from '../../platform/apps.js';
import { brandkitSettings } from './config.js';

/** Brandkit as the CLI sees it before it needs the app (platform/apps.ts): index.ts is loaded on demand. */
export const brandkitManifest: AppManifest = {
  name: 'brandkit',
  settings: brandkitSettings,
  migrations: { module: 'brandkit', directory: fileURLToPath(new URL('./migrations', import.meta.url)) },
  load: async () => (await import('./index.js')).brandkitApp,
};

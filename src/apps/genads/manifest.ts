import { fileURLToPath } from 'node:url';
import type { AppManifest } from '../../platform/apps.js';
import { genadsSettings } from './config.js';

/** GenAds as the CLI sees it before it needs the app (platform/apps.ts): index.ts is loaded on demand. */
export const genadsManifest: AppManifest = {
  name: 'genads',
  settings: genadsSettings,
  migrations: { module: 'genads', directory: fileURLToPath(new URL('./migrations', import.meta.url)) },
  load: async () => (await import('./index.js')).genadsApp,
};

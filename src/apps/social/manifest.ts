import { fileURLToPath } from 'node:url';
import type { AppManifest } from '../../platform/apps.js';
import { socialSettings } from './config.js';

/** Social Media OS as the CLI sees it before it needs the app (platform/apps.ts): index.ts is loaded on demand. */
export const socialManifest: AppManifest = {
  name: 'social',
  settings: socialSettings,
  migrations: { module: 'social', directory: fileURLToPath(new URL('./migrations', import.meta.url)) },
  load: async () => (await import('./index.js')).socialApp,
};

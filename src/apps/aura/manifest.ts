import { fileURLToPath } from 'node:url';
import type { AppManifest } from '../../platform/apps.js';
import { auraSettings } from './config.js';

/** Aura Pro as the CLI sees it before it needs the app (platform/apps.ts): index.ts is loaded on demand. */
export const auraManifest: AppManifest = {
  name: 'aura',
  settings: auraSettings,
  migrations: { module: 'aura', directory: fileURLToPath(new URL('./migrations', import.meta.url)) },
  load: async () => (await import('./index.js')).auraApp,
};

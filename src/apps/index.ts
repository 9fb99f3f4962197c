import type { TenantryApp } from '../platform/apps.js';
import { loadApps } from './manifests.js';

/** Every app this build ships, loaded; APPS=name,name narrows what runs. The list itself is in manifests.ts. */
export const installedApps: TenantryApp[] = await loadApps();

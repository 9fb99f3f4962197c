import type { TenantryApp } from '../platform/apps.js';

/** Every app this build ships; APPS=name,name narrows what runs. */
export const installedApps: TenantryApp[] = [];

import type { TenantryApp } from '../platform/apps.js';
import { visantApp } from './visant/index.js';
import { genadsApp } from './genads/index.js';

/** Every app this build ships; APPS=name,name narrows what runs. */
export const installedApps: TenantryApp[] = [visantApp, genadsApp];

import type { TenantryApp } from '../platform/apps.js';
import { visantApp } from './visant/index.js';
import { genadsApp } from './genads/index.js';
import { auraApp } from './aura/index.js';
import { socialApp } from './social/index.js';
import { brandkitApp } from './brandkit/index.js';

/** Every app this build ships; APPS=name,name narrows what runs. */
export const installedApps: TenantryApp[] = [visantApp, genadsApp, auraApp, socialApp, brandkitApp];

import type { WebApp } from './types';
import { visantWeb } from './visant';
import { genadsWeb } from './genads';
import { auraWeb } from './aura';
import { socialWeb } from './social';
import { brandkitWeb } from './brandkit';

/** Every product's pages; an app adds itself here (docs/web.md). */
export const webApps: WebApp[] = [visantWeb, genadsWeb, auraWeb, socialWeb, brandkitWeb];

import type { WebApp } from './types';
import { visantWeb } from './visant';
import { genadsWeb } from './genads';

/** Every product's pages; an app adds itself here (docs/web.md). */
export const webApps: WebApp[] = [visantWeb, genadsWeb];

import type { WebApp } from './types';
import { visantWeb } from './visant';

/** Every product's pages; an app adds itself here (docs/web.md). */
export const webApps: WebApp[] = [visantWeb];

import { appDatabase } from '../../platform/db/app-database.js';
import type { BrandkitTables } from './schema.js';

/** Brandkit's typed database access: tenant transactions that see its tables and the platform's. */
export const brandkitDb = appDatabase<BrandkitTables>();

import { appDatabase } from '../../platform/db/app-database.js';
import type { VisantTables } from './schema.js';

/** Visant's typed database access: tenant transactions that see Visant's tables and the platform's. */
export const visantDb = appDatabase<VisantTables>();

import { appDatabase } from '../../platform/db/app-database.js';
import type { AuraTables } from './schema.js';

/** Aura's typed database access: tenant transactions that see Aura's tables and the platform's. */
export const auraDb = appDatabase<AuraTables>();

import { appDatabase } from '../../platform/db/app-database.js';
import type { SocialTables } from './schema.js';

/** Social's typed database access: tenant transactions that see Social's tables and the platform's. */
export const socialDb = appDatabase<SocialTables>();

import { appDatabase } from '../../platform/db/app-database.js';
import type { GenAdsTables } from './schema.js';

/** GenAds' typed database access: tenant transactions that see GenAds' tables and the platform's. */
export const genadsDb = appDatabase<GenAdsTables>();

import type { FastifyInstance } from 'fastify';
import type { PlatformContext } from './context.js';
import type { MigrationSource } from './db/migrate.js';

/**
 * What an app gives the platform to run it: its routes (mounted under its prefix), its
 * migrations, and later its jobs and lifecycle rules. `APPS=genads,visant` runs a subset.
 * Apps import from platform/; platform/ never imports an app.
 */
export interface TenantryApp {
  name: string;
  /** URL prefix, e.g. "/genads". */
  prefix: string;
  migrations?: MigrationSource;
  routes?(app: FastifyInstance, ctx: PlatformContext): Promise<void>;
}

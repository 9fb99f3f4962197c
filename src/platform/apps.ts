import type { FastifyInstance } from 'fastify';
import type { PlatformContext } from './context.js';
import type { MigrationSource } from './db/migrate.js';
import type { JobDefinition } from './jobs/define-job.js';
import type { ShareHandler } from './sharing/share-handler.js';

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
  /** Called once the platform's services exist: register upload kinds, lifecycle rules and the like. */
  setup?(ctx: PlatformContext): void | Promise<void>;
  /** Background jobs (defineJob); system jobs may carry a cron `schedule`. Names should start with the app's name. */
  jobs?: JobDefinition<unknown>[];
  /** How this app's share links (those created with app = this name) render at /s/:token and /api/s/:token. */
  share?: ShareHandler;
}

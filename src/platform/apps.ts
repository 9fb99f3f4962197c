import type { FastifyInstance } from 'fastify';
import type { Command } from 'commander';
import type { Logger } from 'pino';
import type { PlatformContext } from './context.js';
import type { MigrationSource } from './db/migrate.js';
import type { JobDefinition } from './jobs/define-job.js';
import type { ShareHandler } from './sharing/share-handler.js';
import type { AppSettings } from './config/app-settings.js';
import type { Platform } from './runtime.js';
import type { AppMetric } from './http/app-metrics.js';

/**
 * Everything an app gives the platform to run it. The platform mounts the routes under the
 * prefix, applies the migrations, validates the settings at start, registers the jobs and
 * share pages, and adds the CLI commands; `APPS=genads,visant` runs a subset
 * (enabled-apps.ts). Apps import from platform/; platform/ never imports an app, and apps
 * never import each other (eslint.config.js enforces both). docs/adding-an-app.md is the guide.
 */
export interface TenantryApp {
  /** Lower-case; the name in APPS, in API-key scopes, in share links and in `tenantry <name> …`. */
  name: string;
  /** URL prefix, e.g. "/genads". */
  prefix: string;
  /** The app's `<PREFIX>_*` environment variables (defineAppSettings); checked before the platform starts. */
  settings?: AppSettings<unknown>;
  migrations?: MigrationSource;
  routes?(app: FastifyInstance, ctx: PlatformContext): Promise<void>;
  /** Called once the platform's services exist: register upload kinds, lifecycle rules and the like. */
  setup?(ctx: PlatformContext): void | Promise<void>;
  /** Background jobs (defineJob); system jobs may carry a cron `schedule`. Names start with the app's name. */
  jobs?: JobDefinition<unknown>[];
  /** What the app adds to /metrics (http/app-metrics.ts): totals across tenants, read at each scrape. */
  metrics?(ctx: PlatformContext): AppMetric[];
  /** How this app's share links (those created with app = this name) render at /s/:token and /api/s/:token. */
  share?: ShareHandler;
  /** Operator commands, run as `tenantry <name> …`: return a commander Command named after the app. */
  cli?(kit: AppCliKit): Command;
}

/**
 * The part of an app that is cheap to import (its name, settings and migrations, no routes,
 * jobs or their dependencies), with `load()` for the rest. Each app exports one from its
 * `manifest.ts`: the CLI checks APPS and every app's settings, and `migrate` and `backup` run,
 * without importing any app's code (importing all five cost ~2 CPU seconds per command).
 */
export interface AppManifest extends Pick<TenantryApp, 'name' | 'settings' | 'migrations'> {
  load(): Promise<TenantryApp>;
}

/** What an app's CLI commands get from the platform. */
export interface AppCliKit {
  /**
   * Start the platform with the enabled apps, as the server would but without HTTP listening.
   * Workers stay off unless asked: queued jobs then run in the server or `tenantry worker`.
   */
  start(options?: { workers?: boolean; log?: Logger }): Promise<Platform>;
}

import pino, { type Logger } from 'pino';
import type { FastifyInstance } from 'fastify';
import { loadConfig, type Config } from './config/config.js';
import { resolveJwtSecret } from './config/secrets.js';
import { openDatabase } from './db/database.js';
import { migrate } from './db/migrate.js';
import { migrationSourcesFor } from './db/sources.js';
import { assertConnectingRoleCanBypassRls } from './db/check-role.js';
import { ensureTenantLoginRole } from './db/tenant-login-role.js';
import { openTenantPool } from './db/tenant-pool.js';
import { TokenService } from './auth/tokens.js';
import { MemoryRateLimitStore, RateLimiter, RedisRateLimitStore } from './http/rate-limiter.js';
import { createMailer } from './email/create-mailer.js';
import { ShareService } from './sharing/share-links.service.js';
import { buildServer } from './http/server.js';
import { createStorage } from './storage/storage.js';
import { createEventBus } from './realtime/create-event-bus.js';
import { JobService } from './jobs/job-service.js';
import { platformJobs } from './jobs/platform-jobs.js';
import type { PlatformContext } from './context.js';
import type { TenantryApp } from './apps.js';
import { enabledApps } from './enabled-apps.js';
import { startAdminChannel } from './local-admin/admin-channel.js';
import { resolveCredentialKeys } from './secrets/credential-keys.js';
import { CredentialStore } from './secrets/credential-store.js';

export interface Platform {
  ctx: PlatformContext;
  server: FastifyInstance;
  close(): Promise<void>;
}

export function createLogger(config: Pick<Config, 'logLevel' | 'env'>): Logger {
  return pino({ level: config.env === 'test' && config.logLevel === 'info' ? 'warn' : config.logLevel });
}

export interface StartOptions {
  config?: Config;
  /** The installed apps; APPS narrows them (enabled-apps.ts). */
  apps?: readonly TenantryApp[];
  log?: Logger;
  /**
   * Run job workers (handlers, queue maintenance, cron) in this process. Default: WORKERS
   * (inline). `tenantry worker` forces them on; an API-only process sets WORKERS=off.
   */
  workers?: boolean;
  /** What this process is ("serve", "worker"…), for the embedded database's DATA_DIR lock. */
  holder?: string;
  /** An in-memory embedded database starts from this dump (database.ts, `OpenOptions.startFrom`). */
  startFrom?: Blob;
  /**
   * On the embedded database, answer operator commands from other processes (which may not
   * open it) through the local admin channel: the long-running `serve` and `worker` do.
   */
  adminChannel?: boolean;
}

/** Open the database, apply migrations and build the platform's services and HTTP server. */
export async function startPlatform(options: StartOptions = {}): Promise<Platform> {
  const config = options.config ?? loadConfig();
  const apps = enabledApps(options.apps ?? [], config);
  const log = options.log ?? createLogger(config);
  const database = await openDatabase(config, { holder: options.holder, startFrom: options.startFrom });
  // What to close if start-up fails half-way, newest first.
  const opened: Array<() => unknown> = [() => database.close()];
  try {
    await assertConnectingRoleCanBypassRls(database.pool);
    await migrate(database.pool, migrationSourcesFor(apps), (m) => log.info(m));
    if (config.databaseAppUrl) {
      // From here on tenant transactions log in as a role that cannot bypass row-level security.
      await ensureTenantLoginRole(database.pool, config.databaseAppUrl);
      await openTenantPool(database, config.databaseAppUrl, config.databasePoolSize);
    }
    const jwtSecret = await resolveJwtSecret(config);
    const credentials = new CredentialStore(await resolveCredentialKeys(config));
    const tokens = new TokenService(jwtSecret, config.accessTokenTtlSeconds, config.supabaseJwtSecret);
    const storage = await createStorage(config, jwtSecret);
    opened.unshift(() => storage.close());
    const rateLimiter = new RateLimiter(config.redisUrl ? new RedisRateLimitStore(config.redisUrl) : new MemoryRateLimitStore());
    opened.unshift(() => rateLimiter.close());
    const mailer = createMailer(config, database.db, log);
    opened.unshift(() => mailer.close());
    const shares = new ShareService({ config, database, rateLimiter });
    const bus = await createEventBus(config, database, log);
    opened.unshift(() => bus.close());
    const jobService = new JobService({ config, database, events: bus, log });
    opened.unshift(() => jobService.stop());
    jobService.register(platformJobs);
    jobService.register(apps.flatMap((a) => a.jobs ?? []));
    const ctx: PlatformContext = { config, database, tokens, rateLimiter, mailer, shares, storage, jobs: jobService, events: bus, credentials, log };
    for (const a of apps) await a.setup?.(ctx);
    await jobService.start(ctx, { workers: options.workers ?? config.jobs.workers === 'inline' });
    const server = await buildServer(ctx, apps);
    if (options.adminChannel && database.kind === 'pglite' && !config.dataDir.startsWith('memory://')) {
      const channel = await startAdminChannel(ctx, config.dataDir);
      opened.unshift(() => channel.close());
    }
    return {
      ctx,
      server,
      async close() {
        await server.close();
        // Newest first: jobs after HTTP (a request may still enqueue), the bus after jobs
        // (they publish progress), the database last.
        for (const close of opened) await close();
      },
    };
  } catch (err) {
    for (const close of opened) await Promise.resolve().then(close).catch(() => {});
    throw err;
  }
}

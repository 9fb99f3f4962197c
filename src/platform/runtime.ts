import pino, { type Logger } from 'pino';
import type { FastifyInstance } from 'fastify';
import { loadConfig, type Config } from './config/config.js';
import { resolveJwtSecret } from './config/secrets.js';
import { openDatabase } from './db/database.js';
import { migrate } from './db/migrate.js';
import { migrationSourcesFor } from './db/sources.js';
import { TokenService } from './auth/tokens.js';
import { MemoryRateLimitStore, RateLimiter, RedisRateLimitStore } from './http/rate-limiter.js';
import { OutboxMailer } from './email/mailer.js';
import { buildServer } from './http/server.js';
import type { PlatformContext } from './context.js';
import type { TenantryApp } from './apps.js';

export interface Platform {
  ctx: PlatformContext;
  server: FastifyInstance;
  close(): Promise<void>;
}

export function createLogger(config: Pick<Config, 'logLevel' | 'env'>): Logger {
  return pino({ level: config.env === 'test' && config.logLevel === 'info' ? 'warn' : config.logLevel });
}

/** Open the database, apply migrations and build the platform's services and HTTP server. */
export async function startPlatform(options: { config?: Config; apps?: TenantryApp[]; log?: Logger } = {}): Promise<Platform> {
  const config = options.config ?? loadConfig();
  const apps = (options.apps ?? []).filter((a) => !config.apps || config.apps.includes(a.name));
  const log = options.log ?? createLogger(config);
  const database = await openDatabase(config);
  try {
    await migrate(database.pool, migrationSourcesFor(apps), (m) => log.info(m));
    const tokens = new TokenService(await resolveJwtSecret(config), config.accessTokenTtlSeconds, config.supabaseJwtSecret);
    const rateLimiter = new RateLimiter(config.redisUrl ? new RedisRateLimitStore(config.redisUrl) : new MemoryRateLimitStore());
    const ctx: PlatformContext = { config, database, tokens, rateLimiter, mailer: new OutboxMailer(database.db), log };
    const server = await buildServer(ctx, apps);
    return {
      ctx,
      server,
      async close() {
        await server.close();
        await rateLimiter.close();
        await database.close();
      },
    };
  } catch (err) {
    await database.close();
    throw err;
  }
}

import type { Logger } from 'pino';
import type { Config } from './config/config.js';
import type { Database } from './db/database.js';
import type { TokenService } from './auth/tokens.js';
import type { RateLimiter } from './http/rate-limiter.js';
import type { Mailer } from './email/mailer.js';

/** The platform's shared services, built once at start and handed to routes, jobs and apps. */
export interface PlatformContext {
  config: Config;
  database: Database;
  tokens: TokenService;
  rateLimiter: RateLimiter;
  mailer: Mailer;
  log: Logger;
}

import type { Logger } from 'pino';
import type { Config } from './config/config.js';
import type { Database } from './db/database.js';
import type { TokenService } from './auth/tokens.js';
import type { RateLimiter } from './http/rate-limiter.js';
import type { Mailer } from './email/mailer.js';
import type { JobService } from './jobs/job-service.js';
import type { EventBus } from './realtime/event-bus.js';
import type { PlatformStorage } from './storage/storage.js';
import type { ShareService } from './sharing/share-links.service.js';
import type { CredentialStore } from './secrets/credential-store.js';

/** The platform's shared services, built once at start and handed to routes, jobs and apps. */
export interface PlatformContext {
  config: Config;
  database: Database;
  tokens: TokenService;
  rateLimiter: RateLimiter;
  mailer: Mailer;
  /** Public share links for every app (sharing/share-links.service.ts). */
  shares: ShareService;
  /** Object storage driver and the upload-kind / lifecycle registries (storage/storage.ts). */
  storage: PlatformStorage;
  /** Background jobs with progress (jobs/job-service.ts). */
  jobs: JobService;
  /** Tenant-scoped realtime events (realtime/event-bus.ts). */
  events: EventBus;
  /** Third-party credentials (OAuth tokens, providers' API keys) sealed at rest (secrets/credential-store.ts). */
  credentials: CredentialStore;
  log: Logger;
}

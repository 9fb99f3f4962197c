import path from 'node:path';
import { z } from 'zod';
import { parseTrustProxy, type TrustProxy } from './trust-proxy.js';
// Installs the process-wide validation messages before any setting is checked.
import '../validation-messages.js';

/**
 * All configuration comes from environment variables, validated once at start.
 * A bad value stops the process with a message naming the variable, so an operator
 * never has to guess which setting is wrong. See docs/configuration.md.
 */
const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');
/** The platform's spelling of an on/off variable, for apps' settings too. */
export { bool as booleanSetting };

const csv = z
  .string()
  .transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean));

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().min(1).default('0.0.0.0'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  PUBLIC_URL: z.url().optional(),
  // The built web app (web/dist) the server serves at /; unset means the repository's web/dist.
  WEB_DIST_DIR: z.string().min(1).optional(),
  // Email: unset SMTP_URL keeps the embedded outbox (nothing leaves the machine).
  SMTP_URL: z.string().regex(/^smtps?:\/\//, 'must be an smtp:// or smtps:// URL, e.g. smtp://user:pass@mail.example.com:587').optional(),
  EMAIL_FROM: z.string().min(3).max(320).default('Tenantry <no-reply@localhost>'),
  // Delivered (and never-read embedded) messages are deleted after this many days.
  EMAIL_OUTBOX_RETENTION_DAYS: z.coerce.number().int().min(0).max(365).default(7),
  // Failed emails are retried by a job every few minutes, spaced BASE * 2^(attempts-1) apart,
  // until a message has been tried this many times; then it stays failed for an operator.
  EMAIL_RETRY_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(6),
  EMAIL_RETRY_BASE_SECONDS: z.coerce.number().int().min(10).max(86_400).default(120),
  // How often each API node adds its in-memory per-org request counts to request_daily.
  REQUEST_COUNT_FLUSH_SECONDS: z.coerce.number().int().min(1).max(3600).default(60),
  // Share links: default and longest lifetime, password guesses allowed per link and IP per minute,
  // and per link (from any address) per lockout window.
  SHARE_DEFAULT_EXPIRY_DAYS: z.coerce.number().int().min(1).max(3650).default(7),
  SHARE_MAX_EXPIRY_DAYS: z.coerce.number().int().min(1).max(3650).default(365),
  SHARE_PASSWORD_ATTEMPTS_PER_MINUTE: z.coerce.number().int().min(1).max(1000).default(5),
  SHARE_PASSWORD_ATTEMPTS_PER_LINK: z.coerce.number().int().min(1).max(10_000).default(20),
  SHARE_PASSWORD_LOCKOUT_MINUTES: z.coerce.number().int().min(1).max(1440).default(15),
  DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// connection URL').optional(),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  // PostgreSQL only: tenant requests log in as this URL's role (no BYPASSRLS), not as DATABASE_URL's owner.
  DATABASE_APP_URL: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// connection URL').optional(),
  JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  SUPABASE_JWT_SECRET: z.string().min(16).optional(),
  // Third-party credentials at rest (secrets/credential-store.ts): the key new values are sealed
  // with, and earlier keys that still open older values while they are re-sealed.
  CREDENTIALS_KEY: z.string().optional(),
  CREDENTIALS_PREVIOUS_KEYS: csv.optional(),
  ACCESS_TOKEN_TTL_SECONDS: z.coerce.number().int().min(30).max(86_400).default(900),
  REFRESH_TOKEN_TTL_DAYS: z.coerce.number().int().min(1).max(365).default(30),
  CORS_ORIGINS: csv.default([]),
  BODY_LIMIT_BYTES: z.coerce.number().int().min(1024).default(1_048_576),
  RATE_LIMIT_IP_PER_MINUTE: z.coerce.number().int().min(1).default(1200),
  RATE_LIMIT_USER_PER_MINUTE: z.coerce.number().int().min(1).default(600),
  RATE_LIMIT_ORG_PER_MINUTE: z.coerce.number().int().min(1).default(10000),
  LOGIN_MAX_ATTEMPTS_PER_IP_PER_MINUTE: z.coerce.number().int().min(1).default(20),
  // Login-attempt scores untouched this long are deleted by the hourly sweep. At least 6 hours:
  // by then the largest score that still matters has decayed (login-throttle.ts).
  LOGIN_ATTEMPTS_RETENTION_HOURS: z.coerce.number().int().min(6).max(720).default(24),
  // Prometheus /metrics: on by default except in production, where it needs METRICS_TOKEN or METRICS_ENABLED=true.
  METRICS_ENABLED: bool.optional(),
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').max(256).optional(),
  DEFAULT_STORAGE_LIMIT_BYTES: z.coerce.number().int().min(0).default(5 * 1024 ** 3),
  TRUST_PROXY: z.string().default('false'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  // Every JSON answer also serialized by zod and compared with the compiled one (http/compiled-serializer.ts): for test runs.
  SERIALIZER_CROSSCHECK: bool.default(false),
  REDIS_URL: z.string().regex(/^rediss?:\/\//, 'must be a redis:// URL').optional(),
  APPS: csv.optional(),
  // Object storage (src/platform/storage). Local disk by default; any S3-compatible service with STORAGE_DRIVER=s3.
  STORAGE_DRIVER: z.enum(['local', 's3']).default('local'),
  STORAGE_DIR: z.string().min(1).optional(),
  S3_ENDPOINT: z.url().optional(),
  S3_BUCKET: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be a valid S3 bucket name').optional(),
  S3_REGION: z.string().min(1).default('us-east-1'),
  S3_FORCE_PATH_STYLE: bool.default(false),
  S3_ACCESS_KEY_ID: z.string().min(1).optional(),
  S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
  S3_PART_SIZE_BYTES: z.coerce.number().int().min(5 * 1024 ** 2, 'S3 parts must be at least 5 MiB').default(8 * 1024 ** 2),
  /** Seconds an S3 connection may take to open, or its socket stay silent, before the request is abandoned (and retried by the SDK). */
  S3_TIMEOUT_SECONDS: z.coerce.number().min(1).max(600).default(30),
  SIGNED_URL_TTL_SECONDS: z.coerce.number().int().min(1).max(86_400).default(900),
  UPLOAD_MAX_BYTES: z.coerce.number().int().min(1).default(1024 ** 3),
  TRASH_RETENTION_DAYS: z.coerce.number().int().min(0).max(3650).default(30),
  ORG_FILES_DELETION_GRACE_HOURS: z.coerce.number().int().min(0).max(720).default(72),
  // FFmpeg and ffprobe (src/platform/media/ffmpeg.ts): video posters; GenAds has its own pair.
  FFMPEG_PATH: z.string().min(1).default('ffmpeg'),
  FFPROBE_PATH: z.string().min(1).default('ffprobe'),
  // Background jobs (src/platform/jobs). WORKERS=off runs the API only; start `tenantry worker` processes instead.
  WORKERS: z.enum(['inline', 'off']).default('inline'),
  JOB_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(2),
  JOB_POLL_INTERVAL_SECONDS: z.coerce.number().min(0.5, 'pg-boss polls at most every 0.5 s').max(60).default(2),
  JOB_MAINTENANCE_INTERVAL_SECONDS: z.coerce.number().int().min(1).max(3600).default(60),
  JOB_SHUTDOWN_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(3600).default(25),
  JOB_DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(50).default(4),
  // A running job's lease: renewed every JOB_HEARTBEAT_SECONDS by its live worker; a lease not
  // renewed for JOB_LEASE_SECONDS means its process died, and any worker takes the job over.
  JOB_LEASE_SECONDS: z.coerce.number().int().min(5).max(600).default(45),
  JOB_HEARTBEAT_SECONDS: z.coerce.number().int().min(1).max(200).default(10),
  JOB_SCHEMA: z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/, 'lower-case letters, digits and _').default('pgboss'),
  // Realtime fan-out (src/platform/realtime): auto = Redis if REDIS_URL, else PostgreSQL LISTEN/NOTIFY if DATABASE_URL, else in-process.
  REALTIME_DRIVER: z.enum(['auto', 'memory', 'postgres', 'redis']).default('auto'),
  // The PostgreSQL bus's LISTEN connection, when DATABASE_URL goes through a transaction-mode pooler (PgBouncer) that cannot carry LISTEN.
  REALTIME_DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// connection URL').optional(),
  REALTIME_HEARTBEAT_SECONDS: z.coerce.number().int().min(1).max(300).default(25),
  // How often an open stream re-checks that its caller may still read the org (the token's expiry also closes it).
  REALTIME_RECHECK_SECONDS: z.coerce.number().int().min(1).max(600).default(30),
  REALTIME_MAX_CONNECTIONS_PER_USER: z.coerce.number().int().min(1).max(10_000).default(20),
  REALTIME_MAX_CONNECTIONS_PER_ORG: z.coerce.number().int().min(1).max(1_000_000).default(1000),
  REALTIME_MAX_CONNECTIONS_PER_IP: z.coerce.number().int().min(1).max(100_000).default(50),
});

export type Config = {
  env: 'development' | 'production' | 'test';
  host: string;
  port: number;
  publicUrl: string | undefined;
  /** Folder of the built web app; undefined means the repository's web/dist. */
  webDistDir: string | undefined;
  /** smtp(s):// URL; undefined means the embedded outbox mailer. */
  smtpUrl: string | undefined;
  emailFrom: string;
  /** Days a delivered outbox message is kept (masked) before the daily purge deletes it. */
  emailOutboxRetentionDays: number;
  /** Failed email: attempts (the first send included) after which the retry job gives up. */
  emailRetryMaxAttempts: number;
  /** Failed email: wait after the first attempt before the job retries; doubled per attempt. */
  emailRetryBaseSeconds: number;
  /** Seconds between flushes of the per-org request counter (request-counter.ts). */
  requestCountFlushSeconds: number;
  sharing: {
    defaultExpiryDays: number;
    maxExpiryDays: number;
    /** Wrong-password guesses per link and IP per minute. */
    passwordAttemptsPerMinute: number;
    /** Guesses per link from all addresses together per lockout window: rotating IPs does not help. */
    passwordAttemptsPerLink: number;
    passwordLockoutMinutes: number;
  };
  dataDir: string;
  databaseUrl: string | undefined;
  /**
   * PostgreSQL only: the login of tenant traffic, a role without BYPASSRLS that the migrations
   * create (db/tenant-login-role.ts). Undefined: tenant transactions SET ROLE on the owner's pool.
   */
  databaseAppUrl: string | undefined;
  databasePoolSize: number;
  /** Undefined means "embedded mode may generate and keep one in DATA_DIR". */
  jwtSecret: string | undefined;
  supabaseJwtSecret: string | undefined;
  /**
   * AES-256 keys of the credential store: the current one (undefined: generated into
   * DATA_DIR/credentials-key) and earlier ones that still decrypt.
   */
  credentialKeys: { current: Buffer | undefined; previous: Buffer[] };
  accessTokenTtlSeconds: number;
  refreshTokenTtlDays: number;
  corsOrigins: string[];
  bodyLimitBytes: number;
  rateLimits: { ipPerMinute: number; userPerMinute: number; orgPerMinute: number; loginPerIpPerMinute: number };
  /** Hours after its last attempt a login_attempts row is deleted by the sweep. */
  loginAttemptsRetentionHours: number;
  /** /metrics: served at all, and the bearer token scrapers must send (none: open to anyone who reaches it). */
  metrics: { enabled: boolean; token: string | undefined };
  defaultStorageLimitBytes: number;
  /** false, a hop count, or the proxies' addresses/CIDRs (never "trust any X-Forwarded-For"). */
  trustProxy: TrustProxy;
  logLevel: string;
  /** SERIALIZER_CROSSCHECK: compare every compiled answer with zod's serializer, failing the request on a difference. */
  serializerCrossCheck: boolean;
  redisUrl: string | undefined;
  apps: string[] | undefined;
  /**
   * Every variable that was set (empty ones dropped). Apps read their own `<PREFIX>_*` ones
   * through defineAppSettings (config/app-settings.ts), which validates them.
   */
  variables: Readonly<Record<string, string>>;
  storage: {
    driver: 'local' | 's3';
    /** Local driver root; undefined means DATA_DIR/storage (or a temporary directory when DATA_DIR is memory://). */
    dir: string | undefined;
    s3: {
      endpoint: string | undefined;
      bucket: string | undefined;
      region: string;
      forcePathStyle: boolean;
      accessKeyId: string | undefined;
      secretAccessKey: string | undefined;
      partSizeBytes: number;
      timeoutSeconds: number;
    };
    signedUrlTtlSeconds: number;
    /** Largest upload the generic "file" kind accepts; apps' kinds declare their own limits. */
    uploadMaxBytes: number;
    trashRetentionDays: number;
    /** Hours between deleting an org and deleting its stored files (a window to restore from a backup). */
    orgFilesDeletionGraceHours: number;
  };
  /** The FFmpeg binaries the platform's media tools run (video poster frames). */
  media: { ffmpegPath: string; ffprobePath: string };
  jobs: {
    /** 'inline' runs job workers in this process; 'off' leaves them to `tenantry worker`. */
    workers: 'inline' | 'off';
    /** Handlers of one job type running at once in one process (a definition may override). */
    concurrency: number;
    pollIntervalSeconds: number;
    /** How often expired jobs (a crashed worker's) are found and retried. */
    maintenanceIntervalSeconds: number;
    /** How long a stopping process waits for running jobs before they are failed and retried. */
    shutdownTimeoutSeconds: number;
    /** The queue's own schema: deployments (or test runs) sharing one database keep their queues apart. */
    schema: string;
    /** Connections pg-boss opens for itself on PostgreSQL (PGlite shares the one connection). */
    databasePoolSize: number;
    /** A running job's lease lapses this long after its worker last renewed it (job-leases.ts). */
    leaseSeconds: number;
    /** How often a worker renews its leases and looks for lapsed ones. */
    heartbeatSeconds: number;
  };
  realtime: {
    driver: 'auto' | 'memory' | 'postgres' | 'redis';
    /** Direct connection for the PostgreSQL bus's LISTEN; undefined means DATABASE_URL. */
    listenUrl?: string;
    heartbeatSeconds: number;
    recheckSeconds: number;
    maxConnections: { perUser: number; perOrg: number; perIp: number };
  };
};

export class ConfigError extends Error {
  constructor(public readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // Empty strings are treated as unset: `FOO= npm start` should mean "use the default".
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = envSchema.safeParse(cleaned);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((i) => `${i.path.join('.') || '(environment)'}: ${i.message}`),
    );
  }
  const e = parsed.data;
  if (e.NODE_ENV === 'production' && !e.JWT_SECRET) {
    throw new ConfigError(['JWT_SECRET: required when NODE_ENV=production (at least 32 random characters)']);
  }
  if (e.STORAGE_DRIVER === 's3' && !e.S3_BUCKET) {
    throw new ConfigError(['S3_BUCKET: required when STORAGE_DRIVER=s3 (also set S3_ENDPOINT for MinIO, R2 or Supabase)']);
  }
  if (e.REALTIME_DRIVER === 'redis' && !e.REDIS_URL) {
    throw new ConfigError(['REALTIME_DRIVER: "redis" needs REDIS_URL (or use auto, postgres or memory)']);
  }
  if (e.REALTIME_DRIVER === 'postgres' && !e.DATABASE_URL) {
    throw new ConfigError(['REALTIME_DRIVER: "postgres" needs DATABASE_URL; the embedded database runs in one process, where "memory" is exact']);
  }
  if (e.REALTIME_DATABASE_URL && !e.DATABASE_URL) {
    throw new ConfigError(['REALTIME_DATABASE_URL: needs DATABASE_URL (it is a direct connection to the same PostgreSQL database, for the realtime bus\'s LISTEN)']);
  }
  if (e.JOB_HEARTBEAT_SECONDS * 3 > e.JOB_LEASE_SECONDS) {
    // Three renewals per lease: one slow or lost renewal never lets a live worker's lease lapse.
    throw new ConfigError([`JOB_HEARTBEAT_SECONDS: at most a third of JOB_LEASE_SECONDS (${e.JOB_LEASE_SECONDS}), so a live worker renews its leases at least three times before they lapse`]);
  }
  if (e.DATABASE_APP_URL) {
    if (!e.DATABASE_URL) {
      throw new ConfigError(['DATABASE_APP_URL: needs DATABASE_URL; the embedded database has one built-in role (unset DATABASE_APP_URL)']);
    }
    const owner = decodeURIComponent(new URL(e.DATABASE_URL).username);
    const tenant = decodeURIComponent(new URL(e.DATABASE_APP_URL).username);
    if (!tenant || tenant === owner) {
      throw new ConfigError([`DATABASE_APP_URL: must name its own role (e.g. postgres://tenantry_tenant:…@host/db), not DATABASE_URL's "${owner}"`]);
    }
    if (tenant === 'tenantry_app') {
      throw new ConfigError(['DATABASE_APP_URL: "tenantry_app" is the group role tenant traffic switches to; name a login role of its own, e.g. tenantry_tenant']);
    }
  }
  const credentialKeys = {
    current: e.CREDENTIALS_KEY === undefined ? undefined : credentialKey('CREDENTIALS_KEY', e.CREDENTIALS_KEY),
    previous: (e.CREDENTIALS_PREVIOUS_KEYS ?? []).map((k, i) => credentialKey(`CREDENTIALS_PREVIOUS_KEYS (entry ${i + 1})`, k)),
  };
  const trustProxy = parseTrustProxy(e.TRUST_PROXY);
  if (typeof trustProxy === 'string') throw new ConfigError([`TRUST_PROXY: ${trustProxy}`]);
  if (Boolean(e.S3_ACCESS_KEY_ID) !== Boolean(e.S3_SECRET_ACCESS_KEY)) {
    throw new ConfigError(['S3_ACCESS_KEY_ID / S3_SECRET_ACCESS_KEY: set both, or neither to use the AWS default credential chain']);
  }
  return {
    env: e.NODE_ENV,
    host: e.HOST,
    port: e.PORT,
    publicUrl: e.PUBLIC_URL?.replace(/\/$/, ''),
    webDistDir: e.WEB_DIST_DIR ? path.resolve(e.WEB_DIST_DIR) : undefined,
    smtpUrl: e.SMTP_URL,
    emailFrom: e.EMAIL_FROM,
    emailOutboxRetentionDays: e.EMAIL_OUTBOX_RETENTION_DAYS,
    emailRetryMaxAttempts: e.EMAIL_RETRY_MAX_ATTEMPTS,
    emailRetryBaseSeconds: e.EMAIL_RETRY_BASE_SECONDS,
    requestCountFlushSeconds: e.REQUEST_COUNT_FLUSH_SECONDS,
    sharing: {
      defaultExpiryDays: Math.min(e.SHARE_DEFAULT_EXPIRY_DAYS, e.SHARE_MAX_EXPIRY_DAYS),
      maxExpiryDays: e.SHARE_MAX_EXPIRY_DAYS,
      passwordAttemptsPerMinute: e.SHARE_PASSWORD_ATTEMPTS_PER_MINUTE,
      passwordAttemptsPerLink: e.SHARE_PASSWORD_ATTEMPTS_PER_LINK,
      passwordLockoutMinutes: e.SHARE_PASSWORD_LOCKOUT_MINUTES,
    },
    dataDir: e.DATA_DIR.startsWith('memory://') ? e.DATA_DIR : path.resolve(e.DATA_DIR),
    databaseUrl: e.DATABASE_URL,
    databaseAppUrl: e.DATABASE_APP_URL,
    databasePoolSize: e.DATABASE_POOL_SIZE,
    jwtSecret: e.JWT_SECRET,
    supabaseJwtSecret: e.SUPABASE_JWT_SECRET,
    credentialKeys,
    accessTokenTtlSeconds: e.ACCESS_TOKEN_TTL_SECONDS,
    refreshTokenTtlDays: e.REFRESH_TOKEN_TTL_DAYS,
    corsOrigins: e.CORS_ORIGINS,
    bodyLimitBytes: e.BODY_LIMIT_BYTES,
    rateLimits: {
      ipPerMinute: e.RATE_LIMIT_IP_PER_MINUTE,
      userPerMinute: e.RATE_LIMIT_USER_PER_MINUTE,
      orgPerMinute: e.RATE_LIMIT_ORG_PER_MINUTE,
      loginPerIpPerMinute: e.LOGIN_MAX_ATTEMPTS_PER_IP_PER_MINUTE,
    },
    loginAttemptsRetentionHours: e.LOGIN_ATTEMPTS_RETENTION_HOURS,
    metrics: {
      enabled: e.METRICS_ENABLED ?? (e.NODE_ENV !== 'production' || e.METRICS_TOKEN !== undefined),
      token: e.METRICS_TOKEN,
    },
    defaultStorageLimitBytes: e.DEFAULT_STORAGE_LIMIT_BYTES,
    trustProxy: trustProxy.value,
    logLevel: e.LOG_LEVEL,
    serializerCrossCheck: e.SERIALIZER_CROSSCHECK,
    redisUrl: e.REDIS_URL,
    apps: e.APPS,
    variables: Object.freeze(cleaned as Record<string, string>),
    storage: {
      driver: e.STORAGE_DRIVER,
      dir: e.STORAGE_DIR ? path.resolve(e.STORAGE_DIR) : undefined,
      s3: {
        endpoint: e.S3_ENDPOINT,
        bucket: e.S3_BUCKET,
        region: e.S3_REGION,
        forcePathStyle: e.S3_FORCE_PATH_STYLE,
        accessKeyId: e.S3_ACCESS_KEY_ID,
        secretAccessKey: e.S3_SECRET_ACCESS_KEY,
        partSizeBytes: e.S3_PART_SIZE_BYTES,
        timeoutSeconds: e.S3_TIMEOUT_SECONDS,
      },
      signedUrlTtlSeconds: e.SIGNED_URL_TTL_SECONDS,
      uploadMaxBytes: e.UPLOAD_MAX_BYTES,
      trashRetentionDays: e.TRASH_RETENTION_DAYS,
      orgFilesDeletionGraceHours: e.ORG_FILES_DELETION_GRACE_HOURS,
    },
    media: { ffmpegPath: e.FFMPEG_PATH, ffprobePath: e.FFPROBE_PATH },
    jobs: {
      workers: e.WORKERS,
      concurrency: e.JOB_CONCURRENCY,
      pollIntervalSeconds: e.JOB_POLL_INTERVAL_SECONDS,
      maintenanceIntervalSeconds: e.JOB_MAINTENANCE_INTERVAL_SECONDS,
      shutdownTimeoutSeconds: e.JOB_SHUTDOWN_TIMEOUT_SECONDS,
      databasePoolSize: e.JOB_DATABASE_POOL_SIZE,
      schema: e.JOB_SCHEMA,
      leaseSeconds: e.JOB_LEASE_SECONDS,
      heartbeatSeconds: e.JOB_HEARTBEAT_SECONDS,
    },
    realtime: {
      driver: e.REALTIME_DRIVER,
      listenUrl: e.REALTIME_DATABASE_URL,
      heartbeatSeconds: e.REALTIME_HEARTBEAT_SECONDS,
      recheckSeconds: e.REALTIME_RECHECK_SECONDS,
      maxConnections: {
        perUser: e.REALTIME_MAX_CONNECTIONS_PER_USER,
        perOrg: e.REALTIME_MAX_CONNECTIONS_PER_ORG,
        perIp: e.REALTIME_MAX_CONNECTIONS_PER_IP,
      },
    },
  };
}

/** A credential-store key: base64 of exactly 32 bytes (AES-256), or the start stops saying how to make one. */
function credentialKey(name: string, value: string): Buffer {
  const bytes = Buffer.from(value, 'base64');
  if (bytes.length !== 32 || bytes.toString('base64').replace(/=+$/, '') !== value.replace(/=+$/, '')) {
    throw new ConfigError([`${name}: must be 32 random bytes in base64 (44 characters): make one with \`openssl rand -base64 32\``]);
  }
  return bytes;
}

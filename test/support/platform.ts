import { randomBytes } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import type { Logger } from 'pino';
import { loadConfig, type Config } from '../../src/platform/config/config.js';
import { startPlatform, type Platform } from '../../src/platform/runtime.js';
import type { TenantryApp } from '../../src/platform/apps.js';
import { tokenFromEmail } from './outbox.js';
import { enabledApps } from '../../src/platform/enabled-apps.js';
import { migrationSourcesFor } from '../../src/platform/db/sources.js';
import { migratedTemplate } from './pglite-template.js';

/**
 * Test platform: embedded PGlite in memory by default, or the PostgreSQL in DATABASE_URL
 * (CI runs the suite both ways). Data from different test files may share one PostgreSQL
 * database, so tests create their own users and orgs with unique emails.
 */
export async function startTestPlatform(options: { env?: Record<string, string>; apps?: TenantryApp[]; log?: Logger } = {}): Promise<TestPlatform> {
  const config: Config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'error',
    DATA_DIR: 'memory://',
    JWT_SECRET: 'test-secret-test-secret-test-secret-0123456789',
    RATE_LIMIT_IP_PER_MINUTE: '100000',
    RATE_LIMIT_USER_PER_MINUTE: '100000',
    RATE_LIMIT_ORG_PER_MINUTE: '100000',
    LOGIN_MAX_ATTEMPTS_PER_IP_PER_MINUTE: '100000',
    // Test files run in parallel on one PostgreSQL database: each platform gets its own job
    // queue schema, so one file's workers never take (and abandon) another file's jobs.
    ...(process.env.DATABASE_URL ? { DATABASE_URL: process.env.DATABASE_URL, JOB_SCHEMA: `pgboss_t${randomBytes(5).toString('hex')}` } : {}),
    // SERIALIZER_CROSSCHECK=1 npm test compares every answer's two serializations (http/compiled-serializer.ts).
    ...(process.env.SERIALIZER_CROSSCHECK ? { SERIALIZER_CROSSCHECK: process.env.SERIALIZER_CROSSCHECK } : {}),
    // DATABASE_APP_URL too: the suite can run with tenant traffic on its own login role.
    ...(process.env.DATABASE_URL && process.env.DATABASE_APP_URL ? { DATABASE_APP_URL: process.env.DATABASE_APP_URL } : {}),
    ...options.env,
  });
  // In memory on PGlite: start from the run's migrated template (pglite-template.ts) rather
  // than an empty database, with exactly the migrations this platform's apps bring.
  const startFrom = !config.databaseUrl && config.dataDir.startsWith('memory://')
    ? await migratedTemplate(migrationSourcesFor(enabledApps(options.apps ?? [], config)))
    : undefined;
  const platform = await startPlatform({ config, apps: options.apps, log: options.log, startFrom });
  await platform.server.ready();
  return new TestPlatform(platform);
}

export interface TestUser {
  userId: string;
  orgId: string;
  email: string;
  password: string;
  token: string;
  refreshToken: string;
}

export function uniqueEmail(label = 'user'): string {
  return `${label}-${randomBytes(5).toString('hex')}@example.test`;
}

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD' | 'OPTIONS';

export class TestPlatform {
  constructor(public readonly platform: Platform) {}

  get server() {
    return this.platform.server;
  }

  get db() {
    return this.platform.ctx.database.db;
  }

  async request(method: Method, url: string, opts: { token?: string; body?: unknown; headers?: Record<string, string>; raw?: string | Buffer } = {}): Promise<LightMyRequestResponse> {
    const headers: Record<string, string> = { ...opts.headers };
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    if (opts.body !== undefined) headers['content-type'] ??= 'application/json';
    return this.server.inject({
      method,
      url,
      headers,
      payload: opts.raw ?? (opts.body === undefined ? undefined : JSON.stringify(opts.body)),
    });
  }

  /**
   * Invite a new person into `owner`'s org with `role` and accept as they would: the token
   * comes from the invitation email (the API never shows it to the inviting admin).
   */
  async addMember(owner: TestUser, role: 'viewer' | 'member' | 'editor' | 'admin', label: string = role): Promise<TestUser> {
    const email = uniqueEmail(label);
    const password = 'member password 1';
    const invite = await this.request('POST', '/api/v1/invites', { token: owner.token, body: { email, role } });
    if (invite.statusCode !== 201) throw new Error(`invite failed: ${invite.statusCode} ${invite.body}`);
    const token = await tokenFromEmail(this.db, email, 'inv_');
    const res = await this.request('POST', '/api/v1/invites/accept', { body: { token, password } });
    if (res.statusCode !== 200) throw new Error(`invite acceptance failed: ${res.statusCode} ${res.body}`);
    const body = res.json();
    return { userId: body.user.id, orgId: owner.orgId, email, password, token: body.access_token, refreshToken: body.refresh_token };
  }

  async signup(label = 'user', extra: Record<string, unknown> = {}): Promise<TestUser> {
    const email = uniqueEmail(label);
    const password = 'correct horse battery';
    const res = await this.request('POST', '/api/v1/auth/signup', { body: { email, password, org_name: `${label} org`, ...extra } });
    if (res.statusCode !== 201) throw new Error(`signup failed: ${res.statusCode} ${res.body}`);
    const body = res.json();
    return { userId: body.user.id, orgId: body.user.org_id, email, password, token: body.access_token, refreshToken: body.refresh_token };
  }

  async close() {
    await this.platform.close();
  }
}

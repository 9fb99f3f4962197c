import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';
import { assertError } from '../support/envelope.js';
import Fastify from 'fastify';
import { loadConfig } from '../../src/platform/config/config.js';
import { metricsPlugin } from '../../src/platform/http/metrics.js';

const METRICS_TOKEN = 'metrics-token-0123456789abcdef';
const IP_LIMIT = 6;

describe('health, readiness and metrics are cheap and say nothing of the internals', () => {
  let t: TestPlatform;
  let lateMigrations: string;
  before(async () => {
    // An app whose migration folder is empty at start: a file added later is a pending migration.
    lateMigrations = await mkdtemp(path.join(tmpdir(), 'tenantry-late-migrations-'));
    const module = `late${randomBytes(4).toString('hex')}`;
    t = await startTestPlatform({
      env: { METRICS_TOKEN, RATE_LIMIT_IP_PER_MINUTE: String(IP_LIMIT) },
      apps: [{ name: module, prefix: `/${module}`, migrations: { module, directory: lateMigrations } }],
    });
  });
  after(async () => {
    await t.close();
    await rm(lateMigrations, { recursive: true, force: true });
  });

  // Each test has its own client address, so the small per-IP limit of this platform is its own.
  const get = (url: string, remoteAddress: string, headers: Record<string, string> = {}) => t.server.inject({ method: 'GET', url, remoteAddress, headers });

  it('does not authenticate on health routes: any Authorization header is ignored, not looked up', async () => {
    const bogus = { authorization: 'Bearer tnt_not-a-real-key' };
    assert.equal((await get('/healthz', '192.0.2.1', bogus)).statusCode, 200);
    assert.equal((await get('/healthz', '192.0.2.1', { authorization: 'Basic Zm9vOmJhcg==' })).statusCode, 200);
    const metrics = await get('/metrics', '192.0.2.1', { authorization: `Bearer ${METRICS_TOKEN}` });
    assert.equal(metrics.statusCode, 200, metrics.body);
    // Control: the same header on an authenticated route is checked, and refused.
    assertError(await get('/api/v1/auth/me', '192.0.2.1', bogus), 401, 'INVALID_API_KEY');
  });

  it('keeps health routes under the per-IP limit', async () => {
    for (let i = 0; i < IP_LIMIT; i++) assert.equal((await get('/healthz', '192.0.2.2')).statusCode, 200);
    assertError(await get('/healthz', '192.0.2.2'), 429, 'RATE_LIMITED');
    assertError(await get('/readyz', '192.0.2.2'), 429, 'RATE_LIMITED');
    assert.equal((await get('/healthz', '192.0.2.3')).statusCode, 200, 'another address is not affected');
  });

  it('/metrics needs METRICS_TOKEN when it is set', async () => {
    assertError(await get('/metrics', '192.0.2.4'), 401, 'INVALID_METRICS_TOKEN');
    assertError(await get('/metrics', '192.0.2.4', { authorization: 'Bearer wrong-token-0123456789abcdef' }), 401, 'INVALID_METRICS_TOKEN');
    assertError(await get('/metrics', '192.0.2.4', { authorization: METRICS_TOKEN }), 401, 'INVALID_METRICS_TOKEN');
    const ok = await get('/metrics', '192.0.2.4', { authorization: `Bearer ${METRICS_TOKEN}` });
    assert.equal(ok.statusCode, 200);
    assert.match(ok.body, /http_requests_total/);
  });

  it('/metrics counts argon2 computations (a login checks one password)', async () => {
    const count = async () => {
      const body = (await get('/metrics', '192.0.2.8', { authorization: `Bearer ${METRICS_TOKEN}` })).body;
      return Number(/^password_hash_computations_total (\d+)/m.exec(body)?.[1]);
    };
    const before = await count();
    assert.ok(Number.isInteger(before), 'the counter is exported');
    const login = await t.server.inject({ method: 'POST', url: '/api/v1/auth/login', remoteAddress: '192.0.2.9', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ email: 'nobody@example.test', password: 'some password' }) });
    assert.equal(login.statusCode, 401);
    assert.equal(await count(), before + 1);
  });

  it('/readyz: 503 that names no migration nor database detail while a migration is pending, then ready', async () => {
    const late = path.join(lateMigrations, '099_late.sql');
    await writeFile(late, 'select 1;');
    const res = await get('/readyz', '192.0.2.5');
    assertError(res, 503, 'NOT_READY');
    assert.doesNotMatch(res.body, /099_late|\.sql|migrat|postgres|pglite|select/i, `no internals in ${res.body}`);
    await rm(late);
    const ready = await get('/readyz', '192.0.2.5');
    assert.equal(ready.statusCode, 200, ready.body);
    assert.deepEqual(ready.json(), { status: 'ready' });
  });
});

describe('metrics settings', () => {
  it('serves /metrics by default outside production, and not in production unless a token or METRICS_ENABLED is set', () => {
    assert.deepEqual(loadConfig({}).metrics, { enabled: true, token: undefined });
    const production = { NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(32) };
    assert.equal(loadConfig(production).metrics.enabled, false);
    assert.deepEqual(loadConfig({ ...production, METRICS_TOKEN }).metrics, { enabled: true, token: METRICS_TOKEN });
    assert.equal(loadConfig({ ...production, METRICS_ENABLED: 'true' }).metrics.enabled, true);
    assert.equal(loadConfig({ METRICS_ENABLED: 'false' }).metrics.enabled, false);
    assert.throws(() => loadConfig({ METRICS_TOKEN: 'short' }), /METRICS_TOKEN/);
  });

  it('has no /metrics route when metrics are off', async () => {
    const app = Fastify();
    await app.register(metricsPlugin, { enabled: false, token: undefined });
    try {
      assert.equal((await app.inject({ method: 'GET', url: '/metrics' })).statusCode, 404);
    } finally {
      await app.close();
    }
  });
});

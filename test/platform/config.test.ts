import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig } from '../../src/platform/config/config.js';
import { resolveJwtSecret } from '../../src/platform/config/secrets.js';

/** loadConfig must fail with a ConfigError whose message names `variable`. */
function assertConfigError(env: Record<string, string>, variable: string, also?: RegExp) {
  assert.throws(
    () => loadConfig(env),
    (err: unknown) => {
      assert.ok(err instanceof ConfigError, `expected a ConfigError, got ${String(err)}`);
      assert.ok(err.problems.some((p) => p.startsWith(`${variable}`)), `the problems name ${variable}: ${err.problems.join('; ')}`);
      assert.match(err.message, new RegExp(variable));
      if (also) assert.match(err.message, also);
      return true;
    },
  );
}

describe('config', () => {
  it('has working defaults for an empty environment (embedded mode)', () => {
    const config = loadConfig({});
    assert.equal(config.env, 'development');
    assert.equal(config.port, 3000);
    assert.equal(config.databaseUrl, undefined);
    assert.equal(config.jwtSecret, undefined);
    assert.equal(config.accessTokenTtlSeconds, 900);
    assert.equal(config.bodyLimitBytes, 1_048_576);
    assert.deepEqual(config.corsOrigins, []);
    assert.equal(path.isAbsolute(config.dataDir), true, 'DATA_DIR is resolved to an absolute path');
  });

  it('parses and coerces the values it is given', () => {
    const config = loadConfig({
      PORT: '8080',
      DATABASE_URL: 'postgresql://u:p@db:5432/app',
      JWT_SECRET: 'x'.repeat(32),
      CORS_ORIGINS: ' https://a.example , https://b.example ,',
      TRUST_PROXY: '1',
      LOGIN_MAX_ATTEMPTS_PER_IP_PER_MINUTE: '7',
      PUBLIC_URL: 'https://tenantry.example/',
    });
    assert.equal(config.port, 8080);
    assert.equal(config.databaseUrl, 'postgresql://u:p@db:5432/app');
    assert.deepEqual(config.corsOrigins, ['https://a.example', 'https://b.example']);
    assert.equal(config.trustProxy, 1, 'a hop count');
    assert.equal(config.rateLimits.loginPerIpPerMinute, 7);
    assert.equal(config.publicUrl, 'https://tenantry.example', 'trailing slash dropped');
  });

  it('treats empty variables as unset', () => {
    const config = loadConfig({ PORT: '', DATABASE_URL: '', JWT_SECRET: '' });
    assert.equal(config.port, 3000);
    assert.equal(config.databaseUrl, undefined);
    assert.equal(config.jwtSecret, undefined);
  });

  it('names the variable when a value is bad', () => {
    assertConfigError({ PORT: 'eighty' }, 'PORT');
    assertConfigError({ PORT: '70000' }, 'PORT');
    assertConfigError({ PORT: '-1' }, 'PORT');
    assertConfigError({ DATABASE_URL: 'mysql://localhost/db' }, 'DATABASE_URL', /postgres:\/\//);
    assertConfigError({ JWT_SECRET: 'too-short' }, 'JWT_SECRET', /32 characters/);
    assertConfigError({ BODY_LIMIT_BYTES: '10' }, 'BODY_LIMIT_BYTES');
    assertConfigError({ TRUST_PROXY: 'maybe' }, 'TRUST_PROXY');
    assertConfigError({ TRUST_PROXY: '10.0.0.0/33' }, 'TRUST_PROXY');
    assertConfigError({ TRUST_PROXY: '11' }, 'TRUST_PROXY');
    assertConfigError({ REALTIME_RECHECK_SECONDS: '0' }, 'REALTIME_RECHECK_SECONDS');
    assertConfigError({ REALTIME_MAX_CONNECTIONS_PER_USER: '0' }, 'REALTIME_MAX_CONNECTIONS_PER_USER');
    assertConfigError({ SHARE_PASSWORD_ATTEMPTS_PER_LINK: '0' }, 'SHARE_PASSWORD_ATTEMPTS_PER_LINK');
    assertConfigError({ NODE_ENV: 'staging' }, 'NODE_ENV');
    assertConfigError({ JOB_LEASE_SECONDS: '2' }, 'JOB_LEASE_SECONDS');
    assertConfigError({ JOB_HEARTBEAT_SECONDS: '0' }, 'JOB_HEARTBEAT_SECONDS');
    // A heartbeat must fit three times in a lease, so one slow renewal never loses a live job.
    assertConfigError({ JOB_LEASE_SECONDS: '20', JOB_HEARTBEAT_SECONDS: '10' }, 'JOB_HEARTBEAT_SECONDS', /third of JOB_LEASE_SECONDS/);
    assertConfigError({ ACCESS_TOKEN_TTL_SECONDS: '5' }, 'ACCESS_TOKEN_TTL_SECONDS');
    assertConfigError({ LOG_LEVEL: 'loud' }, 'LOG_LEVEL');
  });

  it('takes TRUST_PROXY as a hop count or proxy addresses, and refuses "true" (which trusts what clients send)', () => {
    assert.equal(loadConfig({}).trustProxy, false);
    assert.equal(loadConfig({ TRUST_PROXY: 'false' }).trustProxy, false);
    assert.equal(loadConfig({ TRUST_PROXY: '2' }).trustProxy, 2);
    assert.deepEqual(loadConfig({ TRUST_PROXY: '10.0.0.0/8, 192.168.1.7,loopback,::1,fd00::/8' }).trustProxy, ['10.0.0.0/8', '192.168.1.7', 'loopback', '::1', 'fd00::/8']);
    for (const value of ['true', 'yes', 'on']) assertConfigError({ TRUST_PROXY: value }, 'TRUST_PROXY', /number of proxies/);
  });

  it('reports every bad variable at once', () => {
    assert.throws(() => loadConfig({ PORT: 'x', JWT_SECRET: 'short' }), (err: unknown) => {
      assert.ok(err instanceof ConfigError);
      assert.ok(err.problems.some((p) => p.startsWith('PORT')));
      assert.ok(err.problems.some((p) => p.startsWith('JWT_SECRET')));
      return true;
    });
  });

  it('refuses NODE_ENV=production without JWT_SECRET', () => {
    assertConfigError({ NODE_ENV: 'production' }, 'JWT_SECRET', /production/);
    assert.equal(loadConfig({ NODE_ENV: 'production', JWT_SECRET: 's'.repeat(40) }).env, 'production');
  });

  describe('embedded JWT secret', () => {
    const dirs: string[] = [];
    after(async () => {
      for (const d of dirs) await rm(d, { recursive: true, force: true });
    });
    const tempDir = async () => {
      const d = await mkdtemp(path.join(tmpdir(), 'tenantry-config-'));
      dirs.push(d);
      return d;
    };

    it('is generated once in DATA_DIR, kept private, and reused on the next start', async () => {
      const dataDir = path.join(await tempDir(), 'nested', 'data');
      const config = loadConfig({ DATA_DIR: dataDir });
      const first = await resolveJwtSecret(config);
      assert.ok(first.length >= 32);
      const file = path.join(dataDir, 'jwt-secret');
      assert.equal((await readFile(file, 'utf8')).trim(), first);
      assert.equal((await stat(file)).mode & 0o777, 0o600, 'only the owner can read the secret');
      assert.equal(await resolveJwtSecret(loadConfig({ DATA_DIR: dataDir })), first, 'a restart reuses it');
    });

    it('gives one secret to concurrent starters', async () => {
      const dataDir = await tempDir();
      const secrets = await Promise.all(Array.from({ length: 5 }, () => resolveJwtSecret(loadConfig({ DATA_DIR: dataDir }))));
      assert.equal(new Set(secrets).size, 1);
    });

    it('prefers JWT_SECRET and then writes nothing', async () => {
      const dataDir = await tempDir();
      const secret = 'e'.repeat(40);
      assert.equal(await resolveJwtSecret(loadConfig({ DATA_DIR: dataDir, JWT_SECRET: secret })), secret);
      await assert.rejects(stat(path.join(dataDir, 'jwt-secret')), { code: 'ENOENT' });
    });

    it('refuses a kept secret too short to be safe, saying what to do', async () => {
      const dataDir = await tempDir();
      await writeFile(path.join(dataDir, 'jwt-secret'), 'weak\n');
      await assert.rejects(resolveJwtSecret(loadConfig({ DATA_DIR: dataDir })), (err: unknown) => {
        assert.ok(err instanceof ConfigError);
        assert.match(err.message, /JWT_SECRET/);
        assert.match(err.message, /jwt-secret/);
        assert.match(err.message, /delete it/);
        return true;
      });
      await writeFile(path.join(dataDir, 'jwt-secret'), '');
      await assert.rejects(resolveJwtSecret(loadConfig({ DATA_DIR: dataDir })), ConfigError);
    });

    it('is random per process when DATA_DIR is memory://', async () => {
      const config = loadConfig({ DATA_DIR: 'memory://' });
      assert.notEqual(await resolveJwtSecret(config), await resolveJwtSecret(config));
    });
  });
});

import os from 'node:os';
import Fastify from 'fastify';
import autocannon from 'autocannon';
import { sql } from 'kysely';
import { loadConfig } from '../src/platform/config/config.js';
import { startPlatform } from '../src/platform/runtime.js';
import { APP_ROLE, withSystem } from '../src/platform/db/tenant.js';
import { readWithSettings } from '../src/platform/db/tenant-read.js';

/**
 * Tenant-scoped list API vs a bare Fastify route running the same SQL without auth, RLS or
 * validation, on the same database (targets: throughput ratio >= 0.6, p99 <= 1.5 x the bare
 * p99 at 64 connections); the cost of RLS alone (the same tenant read as the application role
 * and as the owner); and a write route (an API key and its audit row) against the same two
 * inserts in a bare transaction.
 */
const CONNECTIONS = 64;
const DURATION_S = Number(process.env.BENCH_DURATION ?? 10);
const ROWS = 2_000;

async function load(url: string, headers: Record<string, string> = {}, method: 'GET' | 'POST' = 'GET', body?: string) {
  const result = await autocannon({ url, connections: CONNECTIONS, duration: DURATION_S, headers, method, body });
  if (result.non2xx || result.errors) throw new Error(`${url}: ${result.non2xx} non-2xx, ${result.errors} errors`);
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99 };
}

export async function run() {
  const config = loadConfig({
    ...process.env,
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    DATA_DIR: process.env.DATABASE_URL ? './data' : 'memory://',
    JWT_SECRET: 'bench-secret-bench-secret-bench-secret-00',
    RATE_LIMIT_IP_PER_MINUTE: '100000000',
    RATE_LIMIT_USER_PER_MINUTE: '100000000',
    RATE_LIMIT_ORG_PER_MINUTE: '100000000',
    DATABASE_POOL_SIZE: '16',
  });
  const platform = await startPlatform({ config });
  const { server, ctx } = platform;
  await server.listen({ host: '127.0.0.1', port: 0 });
  const base = `http://127.0.0.1:${(server.server.address() as { port: number }).port}`;

  const signup = await fetch(`${base}/api/v1/auth/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: `bench-${Date.now()}@example.test`, password: 'bench password', org_name: 'Bench' }),
  }).then((r) => r.json() as Promise<{ access_token: string; user: { id: string; org_id: string } }>);
  const orgId = signup.user.org_id;
  process.stderr.write(`seeding ${ROWS} audit rows…\n`);
  await withSystem(ctx.database.db, (tx) =>
    sql`insert into audit_log (org_id, actor_type, action, target_type, target_id, metadata)
        select ${orgId}::uuid, 'system', 'bench.event', 'thing', g::text, '{}'::jsonb from generate_series(1, ${ROWS}) g`.execute(tx),
  );

  // The baseline: same SQL, same pool, no auth, no RLS, no validation, no serializer schema.
  const bare = Fastify();
  bare.get('/list', async () => {
    const { rows } = await ctx.database.pool.query(
      `select id, actor_type, actor_user_id, actor_api_key_id, action, target_type, target_id, ip, user_agent, request_id, metadata, created_at
       from audit_log where org_id = $1 order by created_at desc, id desc limit 21`,
      [orgId],
    );
    return { items: rows.slice(0, 20) };
  });

  // What row-level security itself costs: the same one-round-trip tenant read, once as the
  // application role (policies applied) and once as the owner (BYPASSRLS), nothing else changed.
  const tenantPool = ctx.database.tenant?.pool ?? ctx.database.pool;
  const ownerRole = (await tenantPool.query<{ role: string }>('select current_user as role')).rows[0]!.role;
  const listQuery = ctx.database.db
    .selectFrom('audit_log')
    .select(['id', 'actor_type', 'actor_user_id', 'actor_api_key_id', 'action', 'target_type', 'target_id', 'ip', 'user_agent', 'request_id', 'metadata', 'created_at'])
    .where('org_id', '=', orgId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(21)
    .compile();
  bare.get('/read-as/:role', async (request) => {
    const role = (request.params as { role: string }).role === 'app' ? APP_ROLE : ownerRole;
    return { items: (await readWithSettings(tenantPool, { orgId, userId: signup.user.id, role }, listQuery)).slice(0, 20) };
  });

  // The write baseline: the same two inserts as creating an API key (the key, its audit row) in
  // one transaction, with no auth, RLS, validation or hashing of a real secret.
  let n = 0;
  bare.post('/write', async () => {
    const client = await ctx.database.pool.connect();
    try {
      await client.query('begin');
      const { rows } = await client.query<{ id: string }>(
        `insert into api_keys (org_id, name, prefix, key_hash, scopes, role, created_by) values ($1, $2, $3, $4, $5, 'member', $6) returning id`,
        [orgId, `bare ${++n}`, `tnt_${n}`.padEnd(12, '0'), `hash-${n}-${Math.random()}`, ['*'], signup.user.id],
      );
      await client.query(
        `insert into audit_log (org_id, actor_type, actor_user_id, action, target_type, target_id, metadata) values ($1, 'user', $2, 'api_key.created', 'api_key', $3, $4)`,
        [orgId, signup.user.id, rows[0]!.id, { name: `bare ${n}` }],
      );
      await client.query('commit');
      return { id: rows[0]!.id };
    } catch (err) {
      await client.query('rollback').catch(() => {});
      throw err;
    } finally {
      client.release();
    }
  });
  await bare.listen({ host: '127.0.0.1', port: 0 });
  const bareBase = `http://127.0.0.1:${(bare.server.address() as { port: number }).port}`;
  const auth = { authorization: `Bearer ${signup.access_token}` };

  process.stderr.write(`warming up…\n`);
  await autocannon({ url: `${bareBase}/list`, connections: 8, duration: 2 });
  await autocannon({ url: `${base}/api/v1/audit?limit=20`, connections: 8, duration: 2, headers: auth });
  const step = (what: string) => process.stderr.write(`${what}: ${CONNECTIONS} connections, ${DURATION_S} s…\n`);
  step('bare read');
  const baseline = await load(`${bareBase}/list`);
  step('platform read (GET /api/v1/audit)');
  const api = await load(`${base}/api/v1/audit?limit=20`, auth);
  step('tenant read as the application role (RLS)');
  const asApp = await load(`${bareBase}/read-as/app`);
  step('tenant read as the owner (RLS bypassed)');
  const asOwner = await load(`${bareBase}/read-as/owner`);
  step('bare write');
  const bareWrite = await load(`${bareBase}/write`, { 'content-type': 'application/json' }, 'POST', '{}');
  step('platform write (POST /api/v1/api-keys)');
  const apiWrite = await load(`${base}/api/v1/api-keys`, { ...auth, 'content-type': 'application/json' }, 'POST', JSON.stringify({ name: 'bench key' }));

  await bare.close();
  await platform.close();
  const ratio = (a: number, b: number) => Number((a / b).toFixed(3));
  return {
    database: ctx.database.kind,
    machine: `${os.cpus().length} cpu ${os.cpus()[0]?.model ?? ''}`.trim(),
    connections: CONNECTIONS,
    duration_s: DURATION_S,
    baseline_rps: Math.round(baseline.rps),
    api_rps: Math.round(api.rps),
    ratio: ratio(api.rps, baseline.rps),
    api_p50_ms: api.p50,
    api_p99_ms: api.p99,
    baseline_p99_ms: baseline.p99,
    p99_ratio: ratio(api.p99, baseline.p99),
    rls_app_rps: Math.round(asApp.rps),
    rls_bypass_rps: Math.round(asOwner.rps),
    rls_ratio: ratio(asApp.rps, asOwner.rps),
    rls_app_p50_ms: asApp.p50,
    rls_bypass_p50_ms: asOwner.p50,
    write_baseline_rps: Math.round(bareWrite.rps),
    write_api_rps: Math.round(apiWrite.rps),
    write_ratio: ratio(apiWrite.rps, bareWrite.rps),
    write_api_p99_ms: apiWrite.p99,
    write_baseline_p99_ms: bareWrite.p99,
  };
}

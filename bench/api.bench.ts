import os from 'node:os';
import Fastify from 'fastify';
import autocannon from 'autocannon';
import { sql } from 'kysely';
import { loadConfig } from '../src/platform/config/config.js';
import { startPlatform } from '../src/platform/runtime.js';
import { withSystem } from '../src/platform/db/tenant.js';

/**
 * Tenant-scoped list API vs a bare Fastify route running the same SQL without auth, RLS or
 * validation, on the same database. Targets: throughput ratio >= 0.6, p99 < 50 ms at 64 connections.
 */
const CONNECTIONS = 64;
const DURATION_S = Number(process.env.BENCH_DURATION ?? 10);
const ROWS = 2_000;

async function load(url: string, headers: Record<string, string> = {}) {
  const result = await autocannon({ url, connections: CONNECTIONS, duration: DURATION_S, headers });
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
  }).then((r) => r.json() as Promise<{ access_token: string; user: { org_id: string } }>);
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
  await bare.listen({ host: '127.0.0.1', port: 0 });
  const bareUrl = `http://127.0.0.1:${(bare.server.address() as { port: number }).port}/list`;

  process.stderr.write(`warming up…\n`);
  await autocannon({ url: bareUrl, connections: 8, duration: 2 });
  process.stderr.write(`bare route: ${CONNECTIONS} connections, ${DURATION_S} s…\n`);
  const baseline = await load(bareUrl);
  process.stderr.write(`platform route: ${CONNECTIONS} connections, ${DURATION_S} s…\n`);
  const api = await load(`${base}/api/v1/audit?limit=20`, { authorization: `Bearer ${signup.access_token}` });

  await bare.close();
  await platform.close();
  return {
    database: ctx.database.kind,
    machine: `${os.cpus().length} cpu ${os.cpus()[0]?.model ?? ''}`.trim(),
    connections: CONNECTIONS,
    duration_s: DURATION_S,
    baseline_rps: Math.round(baseline.rps),
    api_rps: Math.round(api.rps),
    ratio: Number((api.rps / baseline.rps).toFixed(3)),
    api_p50_ms: api.p50,
    api_p99_ms: api.p99,
    baseline_p99_ms: baseline.p99,
  };
}

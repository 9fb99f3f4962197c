import os from 'node:os';
import path from 'node:path';
import { mkdtemp, rm } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import autocannon from 'autocannon';
import Fastify from 'fastify';
import { sql, type CompiledQuery } from 'kysely';
import { benchConfig, machine } from './support.js';
import { startPlatform } from '../src/platform/runtime.js';
import { createSocialApp } from '../src/apps/social/index.js';
import { socialDb } from '../src/apps/social/db.js';
import { withTenant } from '../src/platform/db/tenant.js';
import { startFakeNetworks } from '../test/apps/social/fakes/index.js';

/**
 * Social's seed target: POSTS posts scheduled for the same minute across ACCOUNTS accounts,
 * published through the jobs to the local fake Mastodon (50 accounts connected through OAuth). Measures each target's delay from its due time to
 * its recorded publication (p50/p95/max), the throughput, and checks that every post reached
 * its network exactly once (counted on the fakes, by each post's unique text).
 *
 * Then the read side over LIST_POSTS posts (bulk-inserted: their creation is not what is
 * measured): the posts list and a month's calendar under CONNECTIONS connections, each against
 * the baseline DESIGN.md's API target names (throughput at least 0.6, p99 at most 1.5 times): a
 * bare Fastify route running the same SQL on the same database without auth, RLS or
 * validation. The platform's own tenant-scoped audit list is measured beside them too, as in
 * earlier runs.
 */
const POSTS = Number(process.env.BENCH_POSTS ?? 10_000);
const ACCOUNTS = Number(process.env.BENCH_ACCOUNTS ?? 50);
const LIST_POSTS = Number(process.env.BENCH_LIST_POSTS ?? 100_000);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 64);
const DURATION_S = Number(process.env.BENCH_DURATION ?? 10);
const SETUP_CONCURRENCY = 8;

/** DESIGN.md's API target, route against its bare baseline: throughput ratio (>= 0.6) and p99 ratio (<= 1.5). */
const against = (route: { rps: number; p99_ms: number }, bare: { rps: number; p99_ms: number }) => ({
  throughput: Number((route.rps / bare.rps).toFixed(2)),
  p99: Number((route.p99_ms / Math.max(1, bare.p99_ms)).toFixed(2)),
});

const percentile = (sorted: number[], p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! : 0);

async function inParallel<T>(items: T[], limit: number, fn: (item: T, i: number) => Promise<void>, label: string) {
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      await fn(items[i]!, i);
      if (++done % Math.max(1, Math.floor(items.length / 20)) === 0) process.stderr.write(`\r${label}: ${done}/${items.length}`);
    }
  };
  await Promise.all(Array.from({ length: limit }, worker));
  process.stderr.write(`\r${label}: ${items.length}/${items.length}\n`);
}

export async function run() {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'tenantry-bench-social-'));
  const fakes = await startFakeNetworks({ timeoutMs: 30_000 });
  const config = benchConfig(dir, { RATE_LIMIT_IP_PER_MINUTE: '10000000', RATE_LIMIT_USER_PER_MINUTE: '10000000', RATE_LIMIT_ORG_PER_MINUTE: '10000000', DATABASE_POOL_SIZE: '20',
    // A full run outlives the default 15-minute access token.
    ACCESS_TOKEN_TTL_SECONDS: '86400' });
  const platform = await startPlatform({ config, apps: [createSocialApp({ providers: fakes.providers })] });
  await platform.server.listen({ host: '127.0.0.1', port: 0 });
  const base = `http://127.0.0.1:${(platform.server.server.address() as { port: number }).port}`;
  const call = async (method: string, url: string, token: string, body?: unknown) => {
    const res = await fetch(`${base}${url}`, { method, headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, body: body === undefined ? undefined : JSON.stringify(body) });
    const json = (await res.json()) as { data?: unknown; error?: string };
    if (!res.ok) throw new Error(`${method} ${url} answered ${res.status}: ${json.error}`);
    return json.data as Record<string, unknown>;
  };
  const signup = (await (await fetch(`${base}/api/v1/auth/signup`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: `bench-${Date.now()}@example.test`, password: 'bench password', org_name: 'Bench' }) })).json()) as { access_token: string; user: { id: string; org_id: string } };
  const token = signup.access_token;
  const { user: { id: userId, org_id: orgId } } = signup;

  // Accounts connected the way people connect them, through OAuth (PKCE) with the fake
  // Mastodon, each as another person on it (the fake answers for the account id it is given).
  const accountIds: string[] = [];
  for (let i = 0; i < ACCOUNTS; i++) {
    fakes.mastodon.account.id = `bench-account-${i}`;
    const { authorize_url } = (await call('POST', '/social/api/accounts/connect/mastodon', token, { instance_url: fakes.mastodonInstanceUrl })) as { authorize_url: string };
    const back = new URL((await fetch(authorize_url, { redirect: 'manual' })).headers.get('location')!);
    accountIds.push(((await call('GET', `/social/api/accounts/callback/mastodon${back.search}`, token)).account_ids as string[])[0]!);
  }
  if (new Set(accountIds).size !== ACCOUNTS) throw new Error(`expected ${ACCOUNTS} distinct accounts, got ${new Set(accountIds).size}`);

  const postIds: string[] = [];
  const creationStarted = Date.now();
  await inParallel(Array.from({ length: POSTS }, (_, i) => i), SETUP_CONCURRENCY, async (i) => {
    const post = (await call('POST', '/social/api/posts', token, { text: `Bench post ${i} of the same minute`, account_ids: [accountIds[i % ACCOUNTS]] })).post as { id: string };
    postIds[i] = post.id;
  }, 'creating posts');

  // One due minute for all, far enough ahead for every schedule call to land before it (a
  // schedule call costs about what a create did: allow twice that, and 30 s more).
  const scheduleStarted = Date.now();
  const dueAt = new Date(Math.ceil((scheduleStarted + 30_000 + 2 * (scheduleStarted - creationStarted)) / 60_000) * 60_000);
  const dueLocal = dueAt.toISOString().slice(0, 19);
  await inParallel(postIds, SETUP_CONCURRENCY, async (id) => {
    await call('POST', `/social/api/posts/${id}/schedule`, token, { scheduled_at: dueLocal, timezone: 'UTC' });
  }, `scheduling for ${dueAt.toISOString()}`);
  const scheduleMs = Date.now() - scheduleStarted;
  process.stderr.write(`waiting ${Math.round((dueAt.getTime() - Date.now()) / 1000)} s for the due minute…\n`);

  const db = platform.ctx.database.db;
  const scope = { orgId };
  const counts = () => withTenant(db, scope, (tx) => tx.selectFrom('social_post_platforms' as never).select([sql<string>`state`.as('state'), sql<number>`count(*)::int`.as('n')]).groupBy(sql`state`).execute()) as Promise<Array<{ state: string; n: number }>>;
  // Cost per publication, which load from other processes on the machine barely moves (unlike
  // the delays): this process's CPU time (API, workers and the fake network all live here) and,
  // on PostgreSQL, the database's commits (each autocommit statement of the queue counts as one).
  const commits = async () =>
    platform.ctx.database.kind === 'postgres' ? Number((await sql<{ n: string }>`select xact_commit::text as n from pg_stat_database where datname = current_database()`.execute(db)).rows[0]!.n) : 0;
  await sleep(Math.max(0, dueAt.getTime() - Date.now()));
  const cpuBefore = process.cpuUsage();
  const commitsBefore = await commits();
  const deadline = Date.now() + 30 * 60_000;
  while (Date.now() < deadline) {
    const c = await counts();
    const settled = c.filter((r) => r.state === 'published' || r.state === 'failed').reduce((s, r) => s + r.n, 0);
    process.stderr.write(`\rpublishing: ${c.map((r) => `${r.state} ${r.n}`).join(', ')}   `);
    if (settled >= POSTS) break;
    await sleep(1000);
  }
  const cpu = process.cpuUsage(cpuBefore);
  // pg_stat_database is updated when a backend reports (at most every second or so): let it.
  await sleep(1500);
  const commitsDuring = (await commits()) - commitsBefore;
  process.stderr.write('\n');
  const rows = (await withTenant(db, scope, (tx) => tx.selectFrom('social_post_platforms' as never).select([sql<string>`state`.as('state'), sql<Date | null>`published_at`.as('published_at')]).execute())) as Array<{ state: string; published_at: Date | null }>;
  const delays = rows.filter((r) => r.published_at).map((r) => r.published_at!.getTime() - dueAt.getTime()).sort((a, b) => a - b);
  const lastPublished = delays.at(-1) ?? 0;
  const onNetworks = new Map<string, number>();
  for (const s of fakes.mastodon.statuses.values()) onNetworks.set(s.text, (onNetworks.get(s.text) ?? 0) + 1);
  const postedTwice = [...onNetworks.values()].filter((n) => n > 1).length;
  process.stderr.write(`published ${delays.length}/${POSTS}, ${postedTwice} twice; due to published p50 ${percentile(delays, 50)} ms, p95 ${percentile(delays, 95)} ms\n`);

  // The read side over LIST_POSTS posts, bulk-inserted with their first version.
  const extra = Math.max(0, LIST_POSTS - POSTS);
  process.stderr.write(`inserting ${extra} more posts for the read side…\n`);
  for (let start = 0; start < extra; start += 10_000) {
    const n = Math.min(10_000, extra - start);
    await withTenant(db, scope, async (tx) => {
      await sql`
        with created as (
          insert into social_posts (org_id, author_id, status, scheduled_at, current_text, created_at)
          select ${orgId}::uuid, ${userId}::uuid, 'scheduled', ${dueAt}::timestamptz + (g % 43200) * interval '1 minute',
                 'Read-side post ' || g || ' about launches, perfume and spring', now() - g * interval '1 second'
          from generate_series(${start + 1}::int, ${start + n}::int) g
          returning id, org_id, current_text
        )
        insert into social_post_content (org_id, post_id, version, text) select org_id, id, 1, current_text from created`.execute(tx);
    });
    process.stderr.write(`\rinserted ${start + n}/${extra}`);
  }
  process.stderr.write('\n');
  // Statistics for every table the list reads, as autovacuum would have them on a live database:
  // without them the planner walked each post's networks through the account index (200 rows
  // read per post instead of one).
  await sql`analyze social_posts, social_post_platforms, social_accounts`.execute(db);

  // Each route warmed at full load first: its first burst of CONNECTIONS requests (new
  // connections, cold code and plans) held the calendar's p99 at 1.5-1.8 s in either process.
  const load = async (url: string, origin = base) => {
    await autocannon({ url: `${origin}${url}`, connections: CONNECTIONS, duration: 2, headers: { authorization: `Bearer ${token}` } });
    const r = await autocannon({ url: `${origin}${url}`, connections: CONNECTIONS, duration: DURATION_S, headers: { authorization: `Bearer ${token}` } });
    if (r.non2xx || r.errors) throw new Error(`${url}: ${r.non2xx} non-2xx answers, ${r.errors} errors`);
    return { rps: Math.round(r.requests.average), p50_ms: r.latency.p50, p99_ms: r.latency.p99 };
  };
  const sample = (await (await fetch(`${base}/social/api/posts/calendar?from=${dueAt.toISOString().slice(0, 10)}&to=${new Date(dueAt.getTime() + 30 * 86_400_000).toISOString().slice(0, 10)}`, { headers: { authorization: `Bearer ${token}` } })).json()) as { data: { days: Array<{ total: number; posts: unknown[] }> } };
  const calendarDays = sample.data.days;
  process.stderr.write(`calendar: ${calendarDays.length} days, ${calendarDays.reduce((n, d) => n + d.total, 0)} posts counted, ${calendarDays.reduce((n, d) => n + d.posts.length, 0)} listed\n`);
  const month = `from=${dueAt.toISOString().slice(0, 10)}&to=${new Date(dueAt.getTime() + 30 * 86_400_000).toISOString().slice(0, 10)}`;

  // The baseline: each route's own statement, caught as the route hands it to readAsTenant
  // (its only statement), run by a bare route on the owner's pool: the same SQL and values,
  // no auth, no RLS, no validation, no serializer schema.
  const statementOf = async (url: string) => {
    const readAsTenant = socialDb.readAsTenant;
    let caught: CompiledQuery | undefined;
    socialDb.readAsTenant = (ctx, scope, query) => ((caught = query.compile()), readAsTenant(ctx, scope, query));
    try {
      await call('GET', url, token);
    } finally {
      socialDb.readAsTenant = readAsTenant;
    }
    if (!caught) throw new Error(`${url} read nothing through readAsTenant: the bare baseline has no statement to run`);
    return caught;
  };
  const listStatement = await statementOf('/social/api/posts?limit=20');
  const calendarStatement = await statementOf(`/social/api/posts/calendar?${month}`);
  const bare = Fastify();
  const pool = platform.ctx.database.pool;
  bare.get('/list', async () => ({ items: (await pool.query(listStatement.sql, listStatement.parameters as unknown[])).rows.slice(0, 20) }));
  bare.get('/calendar', async () => ({ rows: (await pool.query(calendarStatement.sql, calendarStatement.parameters as unknown[])).rows }));
  await bare.listen({ host: '127.0.0.1', port: 0 });
  const bareBase = `http://127.0.0.1:${(bare.server.address() as { port: number }).port}`;

  process.stderr.write(`read side: ${CONNECTIONS} connections, ${DURATION_S} s each…\n`);
  const platformRoute = await load('/api/v1/audit?limit=20');
  const bareList = await load('/list', bareBase);
  const list = await load('/social/api/posts?limit=20');
  const bareCalendar = await load('/calendar', bareBase);
  const calendar = await load(`/social/api/posts/calendar?${month}`);
  await bare.close();

  await platform.close();
  await fakes.close();
  await rm(dir, { recursive: true, force: true });
  return {
    database: platform.ctx.database.kind,
    machine: machine(),
    posts: POSTS,
    accounts: ACCOUNTS,
    schedule_calls_per_s: Math.round(POSTS / (scheduleMs / 1000)),
    published: rows.filter((r) => r.state === 'published').length,
    failed: rows.filter((r) => r.state === 'failed').length,
    on_networks: onNetworks.size,
    posted_twice: postedTwice,
    due_to_published_p50_ms: percentile(delays, 50),
    due_to_published_p95_ms: percentile(delays, 95),
    due_to_published_max_ms: lastPublished,
    published_per_s: lastPublished ? Math.round(delays.length / (lastPublished / 1000)) : null,
    cpu_ms_per_publication: Number(((cpu.user + cpu.system) / 1000 / Math.max(1, delays.length)).toFixed(2)),
    commits_per_publication: platform.ctx.database.kind === 'postgres' ? Number((commitsDuring / Math.max(1, delays.length)).toFixed(2)) : null,
    list_posts: Math.max(LIST_POSTS, POSTS),
    platform_route: platformRoute,
    read_connections: CONNECTIONS,
    posts_list: { ...list, bare: bareList, ratio: against(list, bareList), ratio_to_audit_list: Number((list.rps / platformRoute.rps).toFixed(2)) },
    calendar_month: { ...calendar, bare: bareCalendar, ratio: against(calendar, bareCalendar), ratio_to_audit_list: Number((calendar.rps / platformRoute.rps).toFixed(2)) },
  };
}

import os from 'node:os';
import path from 'node:path';
import { mkdtemp, rm } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import PgBoss from 'pg-boss';
import { z } from 'zod';
import { benchConfig, machine } from './support.js';
import { startPlatform } from '../src/platform/runtime.js';
import { defineJob } from '../src/platform/jobs/define-job.js';
import { BossDb } from '../src/platform/jobs/boss-db.js';
import type { TenantryApp } from '../src/platform/apps.js';
import { visantApp } from '../src/apps/visant/index.js';
import { sceneJpeg } from '../test/support/images.js';

/**
 * The job layer's own cost (issue #14, item 4), in two figures:
 *
 * 1. Trivial jobs per second through the platform (`ctx.jobs.enqueue` of an org job: its
 *    job_runs row, tenant transaction, envelope validation, run bookkeeping and realtime
 *    event) as a ratio to raw pg-boss doing the same empty work on the same database, the
 *    same connection pool, the same worker count, and the same wake-after-each-job that the
 *    platform uses (so the baseline is pg-boss used well, not pg-boss waiting out its polls).
 * 2. Visant's seed promise "evaluated within 1 s": the time from a capture's upload request
 *    to its `visant.capture.evaluated` event, uploads one at a time every UPLOAD_EVERY_MS
 *    (a light load), p50/p95/max.
 */
const JOBS = Number(process.env.BENCH_JOBS ?? 2000);
const WORKERS = Number(process.env.BENCH_WORKERS ?? 4);
const ENQUEUERS = 8;
const CAPTURES = Number(process.env.BENCH_CAPTURES ?? 60);
const UPLOAD_EVERY_MS = Number(process.env.BENCH_UPLOAD_EVERY_MS ?? 500);

const percentile = (sorted: number[], p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! : 0);

/** Calls `send` JOBS times from ENQUEUERS concurrent loops; resolves when `completed()` reaches JOBS. */
async function timedRun(send: (i: number) => Promise<unknown>, completed: () => number): Promise<number> {
  const started = performance.now();
  let next = 0;
  await Promise.all(Array.from({ length: ENQUEUERS }, async () => {
    while (next < JOBS) await send(next++);
  }));
  while (completed() < JOBS) await sleep(5);
  return performance.now() - started;
}

async function platformJobs(dir: string) {
  let done = 0;
  const noop = defineJob({ name: 'benchjobs.noop', schema: z.object({ i: z.number().int() }), concurrency: WORKERS, async handler() {
    done++;
  } });
  const app: TenantryApp = { name: 'benchjobs', prefix: '/benchjobs', jobs: [noop] };
  const platform = await startPlatform({ config: benchConfig(dir, { JOB_POLL_INTERVAL_SECONDS: '0.5' }), apps: [app], workers: true });
  const ctx = platform.ctx;
  const signup = await platform.server.inject({ method: 'POST', url: '/api/v1/auth/signup', payload: { email: `bench-jobs-${Date.now()}@example.test`, password: 'bench password', org_name: 'Bench jobs' } });
  const org = { id: (signup.json() as { user: { org_id: string } }).user.org_id };
  // Warm-up: the first jobs pay for queue creation and statement preparation.
  const warm = done;
  for (let i = 0; i < 20; i++) await ctx.jobs.enqueue(noop, { orgId: org.id, i });
  while (done < warm + 20) await sleep(5);
  done = 0;
  const ms = await timedRun((i) => ctx.jobs.enqueue(noop, { orgId: org.id, i }), () => done);
  return { platform, ms };
}

async function rawPgBoss(platformPool: pg.Pool, databaseUrl: string | undefined) {
  // The same database and, on PGlite, the same single connection the platform's queue uses.
  const ownPool = databaseUrl ? new pg.Pool({ connectionString: databaseUrl, max: 10 }) : null;
  const boss = new PgBoss({ db: new BossDb(ownPool ?? platformPool), schema: 'bench_raw_boss', supervise: false, schedule: false, pollingIntervalSeconds: 0.5 });
  boss.on('error', () => {});
  await boss.start();
  await boss.createQueue('noop');
  let done = 0;
  for (let w = 0; w < WORKERS; w++) {
    const id: string = await boss.work('noop', { batchSize: 1, pollingIntervalSeconds: 0.5 }, async () => {
      done++;
      queueMicrotask(() => boss.notifyWorker(id));
    });
  }
  for (let i = 0; i < 20; i++) await boss.send('noop', { i });
  while (done < 20) await sleep(5);
  done = 0;
  const ms = await timedRun((i) => boss.send('noop', { i }), () => done);
  await boss.stop({ graceful: false, wait: true });
  await ownPool?.end();
  return ms;
}

async function captureToEvaluation(dir: string) {
  const platform = await startPlatform({ config: benchConfig(dir, { RATE_LIMIT_IP_PER_MINUTE: '1000000' }), apps: [visantApp], workers: true });
  await platform.server.listen({ host: '127.0.0.1', port: 0 });
  const base = `http://127.0.0.1:${(platform.server.server.address() as { port: number }).port}`;
  const signup = (await (await fetch(`${base}/api/v1/auth/signup`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: `bench-jobs-${Date.now()}@example.test`, password: 'bench password', org_name: 'Bench' }) })).json()) as { access_token: string; user: { org_id: string } };
  const device = (await (await fetch(`${base}/visant/v1/devices`, { method: 'POST', headers: { authorization: `Bearer ${signup.access_token}`, 'content-type': 'application/json' }, body: JSON.stringify({ device_id: 'bench-cam' }) })).json()) as { api_key: string };
  const image = (await sceneJpeg({ width: 640, height: 480 })).toString('base64');
  const evaluated = new Map<string, number>();
  const waiting = new Map<string, () => void>();
  const stop = platform.ctx.events.subscribe(signup.user.org_id, ['visant:captures'], (event) => {
    const { type, capture } = event.payload as { type: string; capture: { record_id: string } };
    if (type !== 'visant.capture.evaluated') return;
    evaluated.set(capture.record_id, performance.now());
    waiting.get(capture.record_id)?.();
  });
  const delays: number[] = [];
  for (let i = -5; i < CAPTURES; i++) {
    const recordId = `r-${i}`;
    const seen = new Promise<void>((resolve) => waiting.set(recordId, resolve));
    const started = performance.now();
    const res = await fetch(`${base}/visant/v1/captures`, { method: 'POST', headers: { authorization: `Bearer ${device.api_key}`, 'content-type': 'application/json' }, body: JSON.stringify({ device_id: 'bench-cam', record_id: recordId, image_base64: image }) });
    if (res.status !== 201) throw new Error(`upload answered ${res.status}: ${await res.text()}`);
    await Promise.race([seen, sleep(30_000).then(() => { throw new Error(`capture ${recordId} was not evaluated within 30 s`); })]);
    if (i >= 0) delays.push(evaluated.get(recordId)! - started); // the first five warm up
    await sleep(Math.max(0, UPLOAD_EVERY_MS - (performance.now() - started)));
  }
  stop();
  await platform.close();
  delays.sort((a, b) => a - b);
  return { p50_ms: Math.round(percentile(delays, 50)), p95_ms: Math.round(percentile(delays, 95)), max_ms: Math.round(delays.at(-1) ?? 0) };
}

export async function run() {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'tenantry-bench-jobs-'));
  process.stderr.write(`platform job layer: ${JOBS} trivial jobs, ${WORKERS} workers…\n`);
  const { platform, ms: platformMs } = await platformJobs(dir);
  process.stderr.write(`raw pg-boss: ${JOBS} trivial jobs, ${WORKERS} workers…\n`);
  const rawMs = await rawPgBoss(platform.ctx.database.pool, platform.ctx.config.databaseUrl);
  const database = platform.ctx.database.kind;
  await platform.close();
  process.stderr.write(`Visant: ${CAPTURES} captures, one every ${UPLOAD_EVERY_MS} ms…\n`);
  const capture = await captureToEvaluation(path.join(dir, 'visant'));
  await rm(dir, { recursive: true, force: true });
  const platformRate = JOBS / (platformMs / 1000);
  const rawRate = JOBS / (rawMs / 1000);
  return {
    database,
    machine: machine(),
    jobs: JOBS,
    workers: WORKERS,
    raw_pgboss_jobs_per_s: Math.round(rawRate),
    platform_jobs_per_s: Math.round(platformRate),
    ratio: Number((platformRate / rawRate).toFixed(2)),
    capture_to_evaluated: capture,
  };
}

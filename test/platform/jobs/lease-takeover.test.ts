import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { startTestPlatform, type TestPlatform } from '../../support/platform.js';
import { spawnFixture, type EventLine } from '../../support/json-line-process.js';
import type { JobView } from '../../../src/platform/jobs/job-runs.js';
import { HANG_AFTER, leasedJob, UNITS } from './fixtures/leased-job.js';

/**
 * Issue #15 item 1 with real processes: a long job (3-hour expiry) whose worker is SIGKILLed is
 * taken over within a minute, not at its expiry, resumes from its checkpoint, and does each
 * unit of work exactly once. On PostgreSQL a second worker runs beside the first: while the
 * first is alive but silent (no progress for longer than a lease, its event loop blocked for
 * a while), the second does not take its job; once it is killed, the second takes over. On
 * embedded PGlite the restarted process, on the same data directory, takes over at start.
 */
const WORKER = fileURLToPath(new URL('./fixtures/leased-worker.ts', import.meta.url));
const JWT_SECRET = 'test-secret-test-secret-test-secret-0123456789';
const LEASE_SECONDS = 12;

interface Line extends EventLine {
  attempt?: number;
  unit?: number;
  from?: number;
  lastProgress?: { pct: number; stage: string | null } | null;
}

const spawnWorker = (env: Record<string, string>) => spawnFixture<Line>(WORKER, env);

describe('a job whose worker dies is taken over within a lease, not at its expiry', () => {
  const children: ChildProcess[] = [];
  const dirs: string[] = [];
  after(async () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  it('resumes from the checkpoint after SIGKILL, each unit done once; a live silent worker keeps its job', { timeout: 180_000 }, async () => {
    const jobName = `test.lease-${randomBytes(4).toString('hex')}`;
    const unitsDir = await mkdtemp(path.join(tmpdir(), 'tenantry-lease-units-'));
    dirs.push(unitsDir);
    const job = leasedJob(jobName, unitsDir);
    const databaseUrl = process.env.DATABASE_URL;
    let dataDir: string | undefined;
    if (!databaseUrl) dirs.push((dataDir = await mkdtemp(path.join(tmpdir(), 'tenantry-lease-'))));
    const env: Record<string, string> = {
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      JWT_SECRET,
      LEASE_JOB_NAME: jobName,
      LEASE_UNITS_DIR: unitsDir,
      JOB_LEASE_SECONDS: String(LEASE_SECONDS),
      JOB_HEARTBEAT_SECONDS: '2',
      JOB_POLL_INTERVAL_SECONDS: '0.5',
      JOB_SHUTDOWN_TIMEOUT_SECONDS: '5',
      // pg-boss's own expiry pass runs often too: it must not be what rescues the job.
      JOB_MAINTENANCE_INTERVAL_SECONDS: '1',
      JOB_SCHEMA: `pgboss_lease_${randomBytes(4).toString('hex')}`,
      ...(databaseUrl ? { DATABASE_URL: databaseUrl } : { DATA_DIR: dataDir! }),
    };
    const apiEnv = { ...env, WORKERS: 'off' };
    const app = { name: 'leasetest', prefix: '/leasetest', jobs: [job] };

    let api: TestPlatform = await startTestPlatform({ apps: [app], env: apiEnv });
    const user = await api.signup('lease');
    const jobId = await api.platform.ctx.jobs.enqueue(job, { orgId: user.orgId, label: 'one per unit' });
    if (!databaseUrl) await api.close(); // PGlite: one process per data directory

    const first = spawnWorker(env);
    children.push(first.child);
    await first.waitFor((l) => l.event === 'stalled');

    let second;
    if (databaseUrl) {
      // A second worker sweeps for lapsed leases every 2 s beside the first, which is alive
      // but reports nothing. Wait until the first's lease has been renewed past the point
      // where it would have lapsed without renewal: the second must not have taken the job.
      second = spawnWorker(env);
      children.push(second.child);
      await second.waitFor((l) => l.event === 'ready');
      const renewed = await pollFor(async () => {
        const row = await sql<{ ok: boolean }>`select lease_until > taken_at + ${LEASE_SECONDS + 4} * interval '1 second' as ok from job_leases where job_id = ${jobId}`.execute(api.platform.ctx.database.db);
        return row.rows[0]?.ok ? true : undefined;
      }, 60_000, 'the live worker to renew its lease past its first term');
      assert.equal(renewed, true);
      assert.equal(second.lines.filter((l) => l.event === 'start').length, 0, 'a live worker keeps its job');
      const midway = (await api.request('GET', `/api/v1/jobs/${jobId}`, { token: user.token })).json() as JobView;
      assert.equal(midway.state, 'active');
      assert.equal(midway.attempts, 1);
    }

    first.child.kill('SIGKILL');
    assert.equal((await first.exited).signal, 'SIGKILL');
    assert.equal(first.lines.filter((l) => l.event === 'progress').length, HANG_AFTER);

    if (!second) {
      // The restarted embedded process: same data directory, a lock left by a killed process.
      second = spawnWorker(env);
      children.push(second.child);
    }
    // Within a minute of the kill (a lease, a heartbeat and a poll), not after the 3-hour expiry.
    const resumed = await second.waitFor((l) => l.event === 'start', 60_000);
    assert.equal(resumed.attempt, 2);
    assert.equal(resumed.from, HANG_AFTER, 'resumed after the last checkpoint, not from 0');
    assert.equal(resumed.lastProgress?.pct, 50, 'the progress the user saw before the kill is where it continues');
    await second.waitFor((l) => l.event === 'progress' && l.unit === UNITS, 30_000);
    const resumedProgress = second.lines.filter((l) => l.event === 'progress').map((l) => l.unit);
    assert.deepEqual(resumedProgress, [4, 5, 6], 'progress went on from the checkpoint');

    if (databaseUrl) {
      await pollFor(async () => {
        const view = (await api.request('GET', `/api/v1/jobs/${jobId}`, { token: user.token })).json() as JobView;
        return view.state === 'completed' ? view : undefined;
      }, 30_000, 'the job to be recorded completed');
    }
    second.child.kill('SIGTERM');
    assert.equal((await second.exited).code, 0, `clean exit on SIGTERM; stderr: ${second.stderr.join('\n')}`);

    if (!databaseUrl) api = await startTestPlatform({ apps: [app], env: apiEnv });
    try {
      const done = (await api.request('GET', `/api/v1/jobs/${jobId}`, { token: user.token })).json() as JobView;
      assert.equal(done.state, 'completed', JSON.stringify(done));
      assert.equal(done.attempts, 2, 'the takeover counts as an attempt');
      assert.equal(done.progress, 100);
      assert.deepEqual(done.result, { label: 'one per unit', resumedFrom: HANG_AFTER, attempt: 2 });

      // Exactly once per unit: each unit's file was created exclusively, by the attempt that did it.
      const files = (await readdir(unitsDir)).sort();
      assert.deepEqual(files, Array.from({ length: UNITS }, (_, i) => `unit-${i + 1}`));
      const by = await Promise.all(files.map((f) => readFile(path.join(unitsDir, f), 'utf8')));
      assert.deepEqual(by.map((t) => t.trim()), ['attempt 1', 'attempt 1', 'attempt 1', 'attempt 2', 'attempt 2', 'attempt 2']);

      const takeovers = await sql<{ total: string }>`select total from job_lease_takeovers where queue = ${jobName}`.execute(api.platform.ctx.database.db);
      assert.equal(Number(takeovers.rows[0]?.total), 1, 'one lease taken over, counted for /metrics');
      const metrics = await api.server.inject({ method: 'GET', url: '/metrics' });
      assert.match(metrics.body, new RegExp(`^jobs_leases_taken_over_total\\{queue="${jobName.replaceAll('.', '\\.')}"\\} 1$`, 'm'), 'operators see the takeover');
      const leases = await sql<{ n: number }>`select count(*)::int as n from job_leases where job_id = ${jobId}`.execute(api.platform.ctx.database.db);
      assert.equal(leases.rows[0]!.n, 0, 'the finished job holds no lease');
    } finally {
      await api.close();
    }
  });
});

/** Poll `check` until it answers something, failing after `timeoutMs` with what was awaited. */
async function pollFor<T>(check: () => Promise<T | undefined>, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

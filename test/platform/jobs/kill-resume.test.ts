import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startTestPlatform, type TestPlatform } from '../../support/platform.js';
import { spawnFixture, type EventLine } from '../../support/json-line-process.js';
import type { JobView } from '../../../src/platform/jobs/job-runs.js';
import { resumableJob, STEPS } from './fixtures/resumable-job.js';

/**
 * Invariant 3 ("a job killed mid-way is retried and finishes"), with real processes: a
 * worker process is SIGKILLed in the middle of a job; a new worker process picks the job
 * up after it expires, resumes from the saved checkpoint and completes; SIGTERM then stops
 * that worker cleanly. On PostgreSQL the test process watches through its own API-only
 * platform; on embedded PGlite (one process per data directory) it opens the same data
 * directory before and after the workers, never at the same time.
 */
const WORKER = fileURLToPath(new URL('./fixtures/resumable-worker.ts', import.meta.url));
const JWT_SECRET = 'test-secret-test-secret-test-secret-0123456789';

interface Line extends EventLine {
  event: string;
  attempt?: number;
  step?: number;
  from?: number;
}

const spawnWorker = (env: Record<string, string>) => spawnFixture<Line>(WORKER, env);

describe('a job killed mid-way is retried by another worker process and finishes', () => {
  const children: ChildProcess[] = [];
  let dataDir: string | undefined;
  after(async () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  // Four processes start and open the database in turn (two API platforms, two workers): about 45 s
  // on a quiet machine, 99–122 s in a CI run beside the GenAds renders. Every wait is for an event;
  // the timeout is only the net.
  it('resumes from the checkpoint after SIGKILL and stops cleanly on SIGTERM', { timeout: 300_000 }, async () => {
    const jobName = `test.resume-${randomBytes(4).toString('hex')}`;
    const job = resumableJob(jobName);
    const databaseUrl = process.env.DATABASE_URL;
    if (!databaseUrl) dataDir = await mkdtemp(path.join(tmpdir(), 'tenantry-resume-'));
    const env: Record<string, string> = {
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      JWT_SECRET,
      RESUME_JOB_NAME: jobName,
      JOB_POLL_INTERVAL_SECONDS: '0.5',
      JOB_MAINTENANCE_INTERVAL_SECONDS: '1',
      JOB_SHUTDOWN_TIMEOUT_SECONDS: '5',
      // The API platform and both worker processes must share one queue (the test harness
      // otherwise gives every platform its own).
      JOB_SCHEMA: `pgboss_resume_${randomBytes(4).toString('hex')}`,
      ...(databaseUrl ? { DATABASE_URL: databaseUrl } : { DATA_DIR: dataDir! }),
    };
    const apiEnv = { ...env, WORKERS: 'off', ...(databaseUrl ? {} : { DATA_DIR: dataDir! }) };
    const app = { name: 'resumetest', prefix: '/resumetest', jobs: [job] };

    // Sign up and queue the job from an API-only platform.
    let api: TestPlatform = await startTestPlatform({ apps: [app], env: apiEnv });
    const user = await api.signup('resume');
    const jobId = await api.platform.ctx.jobs.enqueue(job, { orgId: user.orgId, label: 'nothing lost' });
    if (!databaseUrl) await api.close(); // PGlite: one process per data directory

    // First worker: kill it outright once a few steps are done.
    const first = spawnWorker(env);
    children.push(first.child);
    await first.waitFor((l) => l.event === 'progress' && (l.step ?? 0) >= 3);
    first.child.kill('SIGKILL');
    const firstExit = await first.exited;
    assert.equal(firstExit.signal, 'SIGKILL');
    const stepsDone = Math.max(...first.lines.filter((l) => l.event === 'progress').map((l) => l.step ?? 0));
    assert.ok(stepsDone < STEPS, 'killed before the job finished');

    if (databaseUrl) {
      const midway = (await api.request('GET', `/api/v1/jobs/${jobId}`, { token: user.token })).json() as JobView;
      assert.ok(['active', 'retry'].includes(midway.state), `midway state ${midway.state}`);
      assert.ok(midway.progress >= (stepsDone * 100) / STEPS - 13, `progress ${midway.progress} kept after the kill`);
    }

    // Second worker: it takes the job over once it expires and resumes after the checkpoint.
    const second = spawnWorker(env);
    children.push(second.child);
    const resumed = await second.waitFor((l) => l.event === 'start');
    assert.equal(resumed.attempt, 2);
    assert.ok((resumed.from ?? 0) >= 3, `resumed from step ${resumed.from}, not from scratch`);
    await second.waitFor((l) => l.event === 'progress' && l.step === STEPS);
    // Give it a moment to record completion, then stop it the way an orchestrator does.
    await new Promise((r) => setTimeout(r, 500));
    second.child.kill('SIGTERM');
    const secondExit = await second.exited;
    assert.equal(secondExit.code, 0, `clean exit on SIGTERM; stderr: ${second.stderr.join('\n')}`);

    if (!databaseUrl) api = await startTestPlatform({ apps: [app], env: apiEnv });
    try {
      const res = await api.request('GET', `/api/v1/jobs/${jobId}`, { token: user.token });
      assert.equal(res.statusCode, 200);
      const done = res.json() as JobView;
      assert.equal(done.state, 'completed', JSON.stringify(done));
      assert.equal(done.progress, 100);
      assert.equal(done.attempts, 2);
      assert.deepEqual(done.result, { label: 'nothing lost', resumedFrom: resumed.from, attempt: 2 });
      // Every step ran, and none twice beyond the one interrupted by the kill.
      const allSteps = [...first.lines, ...second.lines].filter((l) => l.event === 'progress').map((l) => l.step);
      assert.deepEqual([...new Set(allSteps)].sort((a, b) => a! - b!), Array.from({ length: STEPS }, (_, i) => i + 1));
    } finally {
      await api.close();
    }
  });
});

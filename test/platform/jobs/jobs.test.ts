import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { startTestPlatform, type TestPlatform, type TestUser } from '../../support/platform.js';
import { defineJob, type JobDefinition } from '../../../src/platform/jobs/define-job.js';
import type { JobView } from '../../../src/platform/jobs/job-runs.js';
import { sql } from 'kysely';
import { APP_ROLE, withTenant } from '../../../src/platform/db/tenant.js';
import { AppError, badRequest } from '../../../src/platform/errors.js';
import type { BusEvent } from '../../../src/platform/realtime/event-bus.js';

// Queue names are unique per run: test files may share one PostgreSQL database.
const suffix = randomBytes(4).toString('hex');
const name = (base: string) => `test.${base}-${suffix}`;

/** Poll the API until the job reaches a state (or fail with the last view). */
async function waitForState(t: TestPlatform, user: TestUser, id: string, states: string[], timeoutMs = 20_000): Promise<JobView> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    const res = await t.request('GET', `/api/v1/jobs/${id}`, { token: user.token });
    assert.equal(res.statusCode, 200, res.body);
    last = res.json();
    if (states.includes((last as JobView).state)) return last as JobView;
    await sleep(100);
  }
  assert.fail(`job ${id} did not reach ${states.join('/')}: ${JSON.stringify(last)}`);
}

const progressJob = defineJob({
  name: name('progress'),
  schema: z.object({ objectId: z.uuid(), steps: z.number().int().min(1).max(10) }),
  retryLimit: 0,
  handler: async (_ctx, job) => {
    for (let i = 1; i <= job.data.steps; i++) {
      await sleep(20);
      await job.reportProgress((i * 100) / job.data.steps, `step ${i} of ${job.data.steps}`);
    }
    return { objectId: job.data.objectId, orgSeen: job.orgId };
  },
});

const flakyStarts: number[] = [];
const flakyJob = defineJob({
  name: name('flaky'),
  schema: z.object({}),
  retryLimit: 3,
  retryDelaySeconds: 1,
  retryBackoff: true,
  handler: async (_ctx, job) => {
    flakyStarts.push(Date.now());
    if (job.attempt < 3) throw new Error(`transient failure on attempt ${job.attempt}`);
    return { attempt: job.attempt };
  },
});

let slowSawAbort = false;
const slowJob = defineJob({
  name: name('slow'),
  schema: z.object({}),
  retryLimit: 0,
  expireInSeconds: 1,
  handler: async (_ctx, job) => {
    await new Promise<void>((resolve) => job.signal.addEventListener('abort', () => resolve(), { once: true }));
    slowSawAbort = true;
    // A handler that ignores the abort and reports anyway is stopped by reportProgress.
    await job.reportProgress(50, 'after the timeout');
    return { unreachable: true };
  },
});

const failingJob = defineJob({
  name: name('failing'),
  schema: z.object({}),
  retryLimit: 1,
  retryDelaySeconds: 0,
  retryBackoff: false,
  handler: async () => {
    throw new Error('the remote service said no');
  },
});

const refusedStarts: number[] = [];
const refusedJob = defineJob({
  name: name('refused'),
  schema: z.object({ retryable: z.boolean() }),
  retryLimit: 3,
  retryDelaySeconds: 0,
  retryBackoff: false,
  handler: async (_ctx, job) => {
    refusedStarts.push(job.attempt);
    // A 4xx AppError is not retryable by default; the control case says otherwise explicitly.
    throw job.data.retryable
      ? new AppError(400, 'INPUT_REFUSED', 'the input was refused (retryable)', undefined, undefined, { retryable: true })
      : badRequest('the input was refused', undefined, 'INPUT_REFUSED');
  },
});

const untrackedRuns: Array<{ id: string; orgId: string }> = [];
const untrackedJob = defineJob({
  name: name('untracked'),
  schema: z.object({}),
  retryLimit: 0,
  trackRuns: false,
  handler: async (_ctx, job) => {
    untrackedRuns.push({ id: job.id, orgId: job.orgId });
    // Progress of an untracked job goes to the log only: it must not fail the run.
    await job.reportProgress(50, 'halfway');
    return { ran: true };
  },
});

/** A batch of BATCH jobs: each handler waits until all have started, so a batch run one by one would show. */
const BATCH = 6;
let batchStarted = 0;
let batchMaxRunning = 0;
let batchRunning = 0;
let allStarted: () => void;
const allStartedPromise = new Promise<void>((resolve) => (allStarted = resolve));
const batchJob = defineJob({
  name: name('batch'),
  schema: z.object({ fail: z.boolean() }),
  retryLimit: 0,
  trackRuns: false,
  concurrency: 1,
  batchSize: 10,
  handler: async (_ctx, job) => {
    batchMaxRunning = Math.max(batchMaxRunning, ++batchRunning);
    if (++batchStarted === BATCH) allStarted();
    await Promise.race([allStartedPromise, sleep(10_000)]);
    batchRunning--;
    if (job.data.fail) throw new Error('this one job of the batch failed');
    return { ok: true };
  },
});

const testApp = { name: 'jobtest', prefix: '/jobtest', jobs: [progressJob, flakyJob, slowJob, failingJob, refusedJob, untrackedJob, batchJob] as JobDefinition<unknown>[] };
const fastJobsEnv = { JOB_POLL_INTERVAL_SECONDS: '0.5', JOB_MAINTENANCE_INTERVAL_SECONDS: '1' };

describe('background jobs', () => {
  let t: TestPlatform;
  let alice: TestUser;
  let bob: TestUser;
  before(async () => {
    t = await startTestPlatform({ apps: [testApp], env: fastJobsEnv });
    alice = await t.signup('jobs-alice');
    bob = await t.signup('jobs-bob');
  });
  after(() => t.close());

  it('runs a job, records its progress and publishes it on job:<id>', async () => {
    const { jobs, events } = t.platform.ctx;
    const objectId = '4b6d0c1e-0000-4000-8000-000000000001';
    const seen: BusEvent[] = [];
    // Subscribe to the org-wide feed first: the job id is only known once enqueued.
    const unsubscribe = events.subscribe(alice.orgId, ['jobs'], (e) => seen.push(e));
    const bobSeen: BusEvent[] = [];
    const unsubscribeBob = events.subscribe(bob.orgId, ['jobs'], (e) => bobSeen.push(e));
    try {
      const id = await jobs.enqueue(progressJob, { orgId: alice.orgId, objectId, steps: 4 }, { createdBy: alice.userId });
      const done = await waitForState(t, alice, id, ['completed', 'failed']);
      assert.equal(done.state, 'completed', done.error ?? '');
      assert.equal(done.progress, 100);
      assert.equal(done.stage, 'step 4 of 4');
      assert.equal(done.attempts, 1);
      assert.deepEqual(done.result, { objectId, orgSeen: alice.orgId });
      assert.ok(done.started_at && done.finished_at);

      // The row is committed before the final event goes out, so the poll above can see
      // "completed" before the event arrives: wait for the event itself, not a fixed pause.
      const ofThisJob = () => seen.filter((e) => (e.payload as JobView).id === id).map((e) => e.payload as JobView);
      for (let waited = 0; ofThisJob().at(-1)?.state !== 'completed' && waited < 5000; waited += 20) await sleep(20);
      const mine = ofThisJob();
      const progress = mine.map((v) => v.progress);
      assert.deepEqual(progress, [...progress].sort((a, b) => a - b), 'progress only moves forward');
      for (const pct of [25, 50, 75, 100]) assert.ok(progress.includes(pct), `progress ${pct} published (got ${progress.join(',')})`);
      assert.equal(mine.at(-1)!.state, 'completed');
      assert.equal(bobSeen.length, 0, 'another org hears nothing of it');
    } finally {
      unsubscribe();
      unsubscribeBob();
    }
  });

  it('runs an untracked job without a job_runs row or job events', async () => {
    const { jobs, events, database } = t.platform.ctx;
    const seen: BusEvent[] = [];
    const unsubscribe = events.subscribe(alice.orgId, ['jobs'], (e) => seen.push(e));
    try {
      const id = await jobs.enqueue(untrackedJob, { orgId: alice.orgId }, { createdBy: alice.userId });
      // pg-boss still knows it: wait for its queue to record the completion.
      let state: string | undefined;
      for (const deadline = Date.now() + 20_000; state !== 'completed' && Date.now() < deadline; await sleep(50)) state = (await jobs.queue.getJobById(untrackedJob.name, id, { includeArchive: true }))?.state;
      assert.equal(state, 'completed');
      assert.deepEqual(untrackedRuns, [{ id, orgId: alice.orgId }], 'ran once, for its org');
      const rows = await withTenant(database.db, { orgId: alice.orgId }, (tx) => tx.selectFrom('job_runs').select('id').where('id', '=', id).execute());
      assert.deepEqual(rows, []);
      assert.equal((await t.request('GET', `/api/v1/jobs/${id}`, { token: alice.token })).statusCode, 404);
      assert.equal(seen.filter((e) => (e.payload as JobView).id === id).length, 0);
    } finally {
      unsubscribe();
    }
  });

  it('runs a fetched batch at once and settles each job of it on its own', async () => {
    const { jobs, database } = t.platform.ctx;
    // Queued in one transaction, so one fetch finds them all.
    const ids = await withTenant(database.db, { orgId: alice.orgId }, async (tx) => {
      const queued: string[] = [];
      for (let i = 0; i < BATCH; i++) queued.push(await jobs.enqueue(batchJob, { orgId: alice.orgId, fail: i === 2 }, { tx }));
      return queued;
    });
    const settled = new Map<string, { state: string; output: unknown }>();
    for (const deadline = Date.now() + 20_000; settled.size < BATCH && Date.now() < deadline; await sleep(50)) {
      for (const id of ids) {
        const job = await jobs.queue.getJobById(batchJob.name, id, { includeArchive: true });
        if (job && (job.state === 'completed' || job.state === 'failed')) settled.set(id, { state: job.state, output: job.output });
      }
    }
    assert.equal(batchMaxRunning, BATCH, 'the one worker ran the whole batch at the same time');
    assert.deepEqual(ids.map((id) => settled.get(id)?.state), ['completed', 'completed', 'failed', 'completed', 'completed', 'completed']);
    assert.match(JSON.stringify(settled.get(ids[2]!)!.output), /this one job of the batch failed/);
  });

  it('answers 404 for another org\'s job and for unknown ids, 400 for a malformed id', async () => {
    const id = await t.platform.ctx.jobs.enqueue(progressJob, { orgId: alice.orgId, objectId: '4b6d0c1e-0000-4000-8000-000000000002', steps: 1 });
    await waitForState(t, alice, id, ['completed']);
    const other = await t.request('GET', `/api/v1/jobs/${id}`, { token: bob.token });
    assert.equal(other.statusCode, 404);
    assert.equal(other.json().code, 'NOT_FOUND');
    assert.equal((await t.platform.ctx.jobs.get(bob.orgId, id)), null);
    assert.equal((await t.request('GET', '/api/v1/jobs/00000000-0000-4000-8000-000000000000', { token: alice.token })).statusCode, 404);
    const bad = await t.request('GET', '/api/v1/jobs/not-a-uuid', { token: alice.token });
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.json().code, 'VALIDATION_ERROR');
    assert.equal((await t.request('GET', `/api/v1/jobs/${id}`)).statusCode, 401);

    const list = await t.request('GET', `/api/v1/jobs?state=completed&name=${progressJob.name}`, { token: alice.token });
    assert.equal(list.statusCode, 200);
    assert.ok(list.json().items.some((j: JobView) => j.id === id));
    const bobList = await t.request('GET', '/api/v1/jobs', { token: bob.token });
    assert.equal(bobList.json().total, 0, 'bob lists none of alice\'s jobs');
  });

  it('rejects bad job data with 422 and misuse with a clear error', async () => {
    const { jobs } = t.platform.ctx;
    await assert.rejects(
      jobs.enqueue(progressJob, { orgId: alice.orgId, objectId: 'nope', steps: 99 } as never),
      (err: unknown) => err instanceof AppError && err.status === 422 && err.code === 'INVALID_JOB_DATA' && Array.isArray(err.details) && err.details.length === 2,
    );
    await assert.rejects(jobs.enqueue('test.no-such-job', { orgId: alice.orgId }), /Unknown job "test.no-such-job"/);
    await assert.rejects(jobs.enqueue(progressJob, { objectId: '4b6d0c1e-0000-4000-8000-000000000003', steps: 1 } as never), /runs for an org/);
  });

  it('retries a failing job with growing delays until it succeeds', async () => {
    flakyStarts.length = 0;
    const id = await t.platform.ctx.jobs.enqueue(flakyJob, { orgId: alice.orgId });
    const done = await waitForState(t, alice, id, ['completed', 'failed'], 30_000);
    assert.equal(done.state, 'completed');
    assert.equal(done.attempts, 3);
    assert.equal(done.max_attempts, 4);
    assert.deepEqual(done.result, { attempt: 3 });
    assert.equal(done.error, null, 'the error of earlier attempts is cleared on success');
    assert.equal(flakyStarts.length, 3);
    // Backoff: the first retry waits 1-2 s, the second 2-4 s.
    const firstGap = flakyStarts[1]! - flakyStarts[0]!;
    const secondGap = flakyStarts[2]! - flakyStarts[1]!;
    assert.ok(firstGap >= 900, `first retry waited ${firstGap} ms`);
    assert.ok(secondGap >= 1900, `second retry waited ${secondGap} ms`);
  });

  it('times a job out, aborts its signal, fails it and keeps it as a dead letter', async () => {
    const { jobs } = t.platform.ctx;
    const before = await jobs.queueSize(slowJob.deadLetter!);
    const id = await jobs.enqueue(slowJob, { orgId: alice.orgId });
    const done = await waitForState(t, alice, id, ['failed', 'completed']);
    assert.equal(done.state, 'failed');
    assert.match(done.error ?? '', /timed out after 1 s/);
    assert.equal(done.progress, 0, 'progress reported after the timeout is refused');
    // The abort and the dead letter land after the row shows "failed": wait for them, not a fixed pause.
    for (let waited = 0; waited < 5000 && !(slowSawAbort && (await jobs.queueSize(slowJob.deadLetter!)) > before); waited += 50) await sleep(50);
    assert.equal(slowSawAbort, true, 'the handler saw its signal abort');
    assert.equal(await jobs.queueSize(slowJob.deadLetter!), before + 1);
  });

  it('fails a job for good after its retries and records the error', async () => {
    const id = await t.platform.ctx.jobs.enqueue(failingJob, { orgId: alice.orgId });
    const done = await waitForState(t, alice, id, ['failed']);
    assert.equal(done.attempts, 2);
    assert.equal(done.error, 'the remote service said no');
    assert.ok(done.finished_at);
  });

  it('fails a job at once when its error is not retryable, and retries one that says it is', async () => {
    const { jobs } = t.platform.ctx;
    refusedStarts.length = 0;
    const id = await jobs.enqueue(refusedJob, { orgId: alice.orgId, retryable: false });
    const done = await waitForState(t, alice, id, ['failed']);
    assert.equal(done.attempts, 1, 'no retry of an error that says retrying cannot help');
    assert.equal(done.error, 'the input was refused');
    // The run's row is written before pg-boss settles the job: wait for pg-boss to leave "active".
    let bossState = (await jobs.queue.getJobById(refusedJob.name, id))?.state;
    for (let waited = 0; waited < 10_000 && bossState === 'active'; waited += 50) {
      await sleep(50);
      bossState = (await jobs.queue.getJobById(refusedJob.name, id))?.state;
    }
    assert.equal(bossState, 'failed', 'pg-boss agrees: failed, not retry');

    refusedStarts.length = 0;
    const control = await jobs.enqueue(refusedJob, { orgId: alice.orgId, retryable: true });
    const controlDone = await waitForState(t, alice, control, ['failed'], 30_000);
    assert.equal(controlDone.attempts, 4, 'an error marked retryable spends every attempt');
    assert.deepEqual(refusedStarts, [1, 2, 3, 4]);
  });

  it('enqueues inside a caller\'s transaction: nothing on rollback, the job on commit', async () => {
    const { jobs, database } = t.platform.ctx;
    let rolledBackId = '';
    await assert.rejects(
      withTenant(database.db, { orgId: alice.orgId, userId: alice.userId }, async (tx) => {
        rolledBackId = await jobs.enqueue(progressJob, { orgId: alice.orgId, objectId: '4b6d0c1e-0000-4000-8000-000000000004', steps: 1 }, { tx });
        throw new Error('business rule failed after enqueue');
      }),
      /business rule failed/,
    );
    assert.equal(await jobs.get(alice.orgId, rolledBackId), null);
    assert.equal(await jobs.queue.getJobById(progressJob.name, rolledBackId), null, 'no pg-boss job either');

    const { id, after } = await withTenant(database.db, { orgId: alice.orgId, userId: alice.userId }, async (tx) => {
      const queued = await jobs.enqueue(progressJob, { orgId: alice.orgId, objectId: '4b6d0c1e-0000-4000-8000-000000000005', steps: 1 }, { tx, createdBy: alice.userId });
      // pg-boss's insert ran as the connecting role; the rest of the transaction is the tenant's again (RLS: one org's memberships).
      const { rows } = await sql<{ current: string; orgs: number }>`select current_user as current, (select count(distinct org_id)::int from memberships) as orgs`.execute(tx);
      return { id: queued, after: rows[0] };
    });
    assert.deepEqual(after, { current: APP_ROLE, orgs: 1 });
    assert.equal((await waitForState(t, alice, id, ['completed'])).progress, 100);
  });

  it('registers the platform maintenance jobs with their daily cron', async () => {
    const schedules = await t.platform.ctx.jobs.queue.getSchedules();
    const byName = new Map(schedules.map((s) => [s.name, s.cron]));
    assert.equal(byName.get('storage.purge-trash'), '17 3 * * *');
    assert.equal(byName.get('storage.lifecycle'), '47 3 * * *');
    assert.ok(t.platform.ctx.jobs.names.includes('storage.derivatives'));
  });
});

describe('background jobs without in-process workers (WORKERS=off)', () => {
  let t: TestPlatform;
  let alice: TestUser;
  before(async () => {
    t = await startTestPlatform({ apps: [testApp], env: { ...fastJobsEnv, WORKERS: 'off' } });
    alice = await t.signup('jobs-api-only');
  });
  after(() => t.close());

  it('queues jobs but leaves running them to worker processes', async () => {
    const { jobs } = t.platform.ctx;
    assert.equal(jobs.workersRunning, false);
    const id = await jobs.enqueue(progressJob, { orgId: alice.orgId, objectId: '4b6d0c1e-0000-4000-8000-000000000006', steps: 1 });
    await sleep(1500);
    const res = await t.request('GET', `/api/v1/jobs/${id}`, { token: alice.token });
    assert.equal(res.statusCode, 200);
    assert.equal(res.json().state, 'queued');
    assert.equal(res.json().progress, 0);
  });

  it('shows what the queue decided when no worker could record it', async () => {
    const { jobs } = t.platform.ctx;
    const id = await jobs.enqueue(failingJob, { orgId: alice.orgId });
    // As pg-boss does when a crashed worker's job expires for the last time.
    await jobs.queue.fail(failingJob.name, id, { message: 'job failed by timeout in active state' });
    const view = await jobs.get(alice.orgId, id);
    assert.ok(view);
    assert.equal(view.state, 'retry');
    assert.equal(view.error, 'job failed by timeout in active state');
  });
});

describe('a job queued inside a transaction', () => {
  let t: TestPlatform;
  let carol: TestUser;
  before(async () => {
    // Workers poll once a minute here: a job that waited for the next poll would take up to 60 s.
    t = await startTestPlatform({ apps: [testApp], env: { JOB_POLL_INTERVAL_SECONDS: '60' } });
    carol = await t.signup('jobs-carol');
    // A first job, queued outside any transaction (it wakes a worker itself): once it has
    // completed, the workers' start-up fetch is behind them and they sleep until woken.
    const warmUp = await t.platform.ctx.jobs.enqueue(progressJob, { orgId: carol.orgId, objectId: '4b6d0c1e-0000-4000-8000-000000000007', steps: 1 });
    await waitForState(t, carol, warmUp, ['completed'], 30_000);
  });
  after(() => t.close());

  it('wakes a worker at the commit instead of waiting for its next poll', async () => {
    const { jobs, database } = t.platform.ctx;
    const started = Date.now();
    const id = await withTenant(database.db, { orgId: carol.orgId, userId: carol.userId }, (tx) =>
      jobs.enqueue(progressJob, { orgId: carol.orgId, objectId: '4b6d0c1e-0000-4000-8000-000000000006', steps: 1 }, { tx }),
    );
    await waitForState(t, carol, id, ['completed'], 30_000);
    assert.ok(Date.now() - started < 20_000, `completed after ${Date.now() - started} ms, well before the 60 s poll`);
  });

  it('wakes the workers when a job queued for later falls due, instead of at their next poll', async () => {
    const { jobs } = t.platform.ctx;
    const due = new Date(Date.now() + 2_000);
    const id = await jobs.enqueue(progressJob, { orgId: carol.orgId, objectId: '4b6d0c1e-0000-4000-8000-000000000008', steps: 1 }, { startAfter: due });
    const done = await waitForState(t, carol, id, ['completed'], 30_000);
    const started = new Date(done.started_at!).getTime();
    assert.ok(started >= due.getTime(), `started ${due.getTime() - started} ms before it was due`);
    assert.ok(Date.now() - due.getTime() < 20_000, `completed ${Date.now() - due.getTime()} ms after it was due, well before the 60 s poll`);
  });
});

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { startTestPlatform, type TestPlatform } from '../../support/platform.js';
import { gatedJob } from '../../support/jobs.js';
import { defineJob } from '../../../src/platform/jobs/define-job.js';
import { unprocessable } from '../../../src/platform/errors.js';

/**
 * /metrics shows the queue as operators need it: depth, the oldest waiting job's age, failed
 * jobs and their dead letter, and lease takeovers, read from the database (so an API node
 * answers for the workers too).
 */
describe('job queue metrics', () => {
  const suffix = randomBytes(4).toString('hex');
  // One handler at a time, held at a gate: the next jobs of the queue wait behind it.
  const { job: gated, started: firstStarted, open: openGate } = gatedJob(`test.gated-${suffix}`, { concurrency: 1 });
  const failing = defineJob({
    name: `test.failing-${suffix}`,
    schema: z.object({}),
    retryLimit: 0,
    handler: async () => {
      throw unprocessable('This input can never be processed', 'TEST_BAD_INPUT');
    },
  });
  let t: TestPlatform;
  before(async () => {
    t = await startTestPlatform({ env: { JOB_POLL_INTERVAL_SECONDS: '0.5' }, apps: [{ name: 'metricstest', prefix: '/metricstest', jobs: [gated, failing] }] });
  });
  after(async () => {
    openGate();
    await t.close();
  });

  const scrape = async () => {
    const res = await t.server.inject({ method: 'GET', url: '/metrics' });
    assert.equal(res.statusCode, 200, res.body);
    return res.body;
  };
  const sample = (body: string, metric: string, queue: string) => {
    const line = body.split('\n').find((l) => l.startsWith(`${metric}{queue="${queue}"}`));
    return line === undefined ? undefined : Number(line.split(' ').at(-1));
  };

  it('counts running and waiting jobs and the age of the oldest waiting one, per queue', async () => {
    const user = await t.signup('metrics');
    await t.platform.ctx.jobs.enqueue(gated, { orgId: user.orgId });
    await firstStarted;
    await t.platform.ctx.jobs.enqueue(gated, { orgId: user.orgId });
    await t.platform.ctx.jobs.enqueue(gated, { orgId: user.orgId });
    // Not due yet: it waits, but it is not late.
    await t.platform.ctx.jobs.enqueue(failing, { orgId: user.orgId }, { startAfter: 3600 });
    const body = await scrape();
    assert.equal(sample(body, 'jobs_active', gated.name), 1);
    assert.equal(sample(body, 'jobs_queue_depth', gated.name), 2);
    const oldest = sample(body, 'jobs_oldest_waiting_seconds', gated.name);
    assert.ok(oldest !== undefined && oldest >= 0, `oldest waiting age: ${oldest}`);
    assert.equal(sample(body, 'jobs_queue_depth', failing.name), 1);
    assert.equal(sample(body, 'jobs_oldest_waiting_seconds', failing.name), undefined, 'a job due later is not waiting late');
    openGate();
  });

  it('counts failed jobs and their dead letter', async () => {
    const user = await t.signup('metrics-failed');
    const id = await t.platform.ctx.jobs.enqueue(failing, { orgId: user.orgId });
    // The run's row says "failed" a moment before pg-boss records the failure and the dead
    // letter: wait for the queue itself.
    let body: string;
    for (let i = 0; ; i++) {
      const view = await t.platform.ctx.jobs.get(user.orgId, id);
      body = await scrape();
      if (view?.state === 'failed' && sample(body, 'jobs_failed', failing.name) === 1 && sample(body, 'jobs_queue_depth', `${failing.name}.dead`) === 1) break;
      assert.ok(i < 300, `the failing job did not fail: ${JSON.stringify(view)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(sample(body, 'jobs_failed', failing.name), 1);
    assert.equal(sample(body, 'jobs_queue_depth', `${failing.name}.dead`), 1, 'the dead letter holds it');
    assert.equal(sample(body, 'jobs_leases_taken_over_total', failing.name), undefined, 'no worker died here');
  });
});

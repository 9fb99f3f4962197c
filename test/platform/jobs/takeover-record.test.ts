import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { startTestPlatform, type TestPlatform, type TestUser } from '../../support/platform.js';
import { gatedJob } from '../../support/jobs.js';
import { startRunStatement } from '../../../src/platform/jobs/job-runs.js';
import type { TakenOverJob } from '../../../src/platform/jobs/job-leases.js';
import { withTenant } from '../../../src/platform/db/tenant.js';

/**
 * A takeover is recorded in job_runs before pg-boss makes the job due again, and the record
 * names the attempt whose worker died: should the next attempt be running anyway (another
 * sweeper's retry of the same job), its row is left alone. Overwriting it with "retry" hid
 * that attempt's progress and completion (their updates match only an active row), so the
 * user saw "retrying" for a job that had finished (found by the multi-node suite, when the
 * record still came after the retry). Here the interleaving is made deterministic: the next
 * attempt starts, then the dead one's takeover is recorded.
 */
describe('recording a job takeover', () => {
  const suffix = randomBytes(4).toString('hex');
  const { job: held, started: firstStarted, open: openGate } = gatedJob(`test.held-${suffix}`);
  let t: TestPlatform;
  let owner: TestUser;
  before(async () => {
    t = await startTestPlatform({ env: { JOB_POLL_INTERVAL_SECONDS: '0.5' }, apps: [{ name: 'takeovertest', prefix: '/takeovertest', jobs: [held] }] });
    owner = await t.signup('takeover-owner');
  });
  after(async () => {
    openGate();
    await t.close();
  });

  const runRow = (id: string) =>
    withTenant(t.platform.ctx.database.db, { orgId: owner.orgId }, (tx) =>
      tx.selectFrom('job_runs').select(['state', 'attempts', 'error']).where('id', '=', id).executeTakeFirstOrThrow(),
    );
  const recordTakeover = (job: TakenOverJob) =>
    (t.platform.ctx.jobs as unknown as { recordTakeover(job: TakenOverJob): Promise<void> }).recordTakeover(job);

  it('marks only the attempt whose worker died, never the attempt already running after it', async () => {
    const id = await t.platform.ctx.jobs.enqueue(held, { orgId: owner.orgId });
    await firstStarted;
    assert.deepEqual(await runRow(id), { state: 'active', attempts: 1, error: null });

    // The retried job is fetched and its second attempt starts before the takeover is recorded.
    await withTenant(t.platform.ctx.database.db, { orgId: owner.orgId }, (tx) => startRunStatement(tx, { id, orgId: owner.orgId, name: held.name, attempt: 2, maxAttempts: 3 }).execute());
    await recordTakeover({ id, queue: held.name, orgId: owner.orgId, attempt: 1, final: false });
    assert.deepEqual(await runRow(id), { state: 'active', attempts: 2, error: null }, 'the running attempt keeps its row');

    // Control: the takeover of the attempt that is running is recorded.
    await recordTakeover({ id, queue: held.name, orgId: owner.orgId, attempt: 2, final: false });
    const after = await runRow(id);
    assert.equal(after.state, 'retry');
    assert.equal(after.attempts, 2);
    assert.match(after.error ?? '', /stopped/);
  });
});

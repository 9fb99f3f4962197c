import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { startTestPlatform, type TestPlatform, type TestUser } from '../../support/platform.js';
import { gatedJob } from '../../support/jobs.js';
import type { JobLeases } from '../../../src/platform/jobs/job-leases.js';

/**
 * The lease sweep removes only lapsed leases of jobs in its own job schema. Leases live in one
 * table per database while JOB_SCHEMA may differ (every test file has its own schema on the
 * shared PostgreSQL): a sweep that removed every lapsed lease made a process that was merely
 * starved for a lease (a loaded CI machine) lose its running job to another file's sweep,
 * which then aborted the job mid-way. The control: a lapsed lease of this schema's own job,
 * held by a worker that stopped, is removed by the same sweep.
 */
describe('the lease sweep keeps to its own job schema', () => {
  const suffix = randomBytes(4).toString('hex');
  const { job: held, started: running, open: openGate } = gatedJob(`test.scoped-${suffix}`);
  let t: TestPlatform;
  let owner: TestUser;
  before(async () => {
    t = await startTestPlatform({ env: { JOB_POLL_INTERVAL_SECONDS: '0.5' }, apps: [{ name: 'leasescope', prefix: '/leasescope', jobs: [held] }] });
    owner = await t.signup('lease-scope');
  });
  after(async () => {
    openGate();
    await t.close();
  });

  const leases = () => (t.platform.ctx.jobs as unknown as { leases: JobLeases }).leases;
  const leaseRow = async (jobId: string) => (await sql<{ owner: string }>`select owner from job_leases where job_id = ${jobId}`.execute(t.db)).rows[0];

  it("leaves another schema's lapsed lease alone and removes its own schema's", async () => {
    const id = await t.platform.ctx.jobs.enqueue(held, { orgId: owner.orgId });
    await running;
    // A lapsed lease of a job this schema does not have (another JOB_SCHEMA's, same queue name).
    const stranger = randomUUID();
    await sql`insert into job_leases (job_id, queue, owner, lease_until) values (${stranger}, ${held.name}, 'elsewhere:1:abcd', now() - interval '1 minute')`.execute(t.db);
    // This schema's running job, its lease made to look like a stopped worker's.
    await sql`update job_leases set owner = 'stopped:2:dcba', lease_until = now() - interval '1 minute' where job_id = ${id}`.execute(t.db);

    await leases().takeOver();
    assert.equal((await leaseRow(stranger))?.owner, 'elsewhere:1:abcd', "another schema's lease is kept");
    assert.equal(await leaseRow(id), undefined, "this schema's lapsed lease is removed");
    await sql`delete from job_leases where job_id = ${stranger}`.execute(t.db);
  });
});

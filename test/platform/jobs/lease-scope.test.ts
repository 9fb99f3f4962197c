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
 *
 * Nor does the sweep take a job whose handler has just ended for an orphan: its lease stays
 * until pg-boss has settled the job.
 */
describe('the lease sweep keeps to its own job schema and to jobs still running', () => {
  const suffix = randomBytes(4).toString('hex');
  const { job: held, started: running, open: openGate } = gatedJob(`test.scoped-${suffix}`);
  const finishing = gatedJob(`test.finishing-${suffix}`);
  const unleased = gatedJob(`test.unleased-${suffix}`);
  let t: TestPlatform;
  let owner: TestUser;
  before(async () => {
    t = await startTestPlatform({ env: { JOB_POLL_INTERVAL_SECONDS: '0.5' }, apps: [{ name: 'leasescope', prefix: '/leasescope', jobs: [held, finishing.job, unleased.job] }] });
    owner = await t.signup('lease-scope');
  });
  after(async () => {
    openGate();
    finishing.open();
    unleased.open();
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

  it('keeps a finished handler\'s lease until pg-boss has settled its job, then deletes it', async () => {
    const jobSchema = t.platform.ctx.config.jobs.schema;
    const bossState = async (id: string) => (await sql<{ state: string }>`select state from ${sql.id(jobSchema, 'job')} where id = ${id}`.execute(t.db)).rows[0]?.state;
    // A job started an hour ago whose handler has just returned: pg-boss has not marked it
    // complete yet (it does so after the handler), so it is still active.
    const id = await t.platform.ctx.jobs.enqueue(finishing.job, { orgId: owner.orgId });
    await finishing.started;
    await sql`update ${sql.id(jobSchema, 'job')} set started_on = now() - interval '1 hour' where id = ${id}`.execute(t.db);
    leases().letGo(id);
    assert.deepEqual(await leases().takeOver(), [], 'not an orphan: its lease row is still there');
    assert.equal(await bossState(id), 'active');
    assert.ok(await leaseRow(id));

    // The control: the same moment with the row deleted at release (as the lease used to be) is
    // taken for a dead worker's job, and the finished job would run again.
    const other = await t.platform.ctx.jobs.enqueue(unleased.job, { orgId: owner.orgId });
    await unleased.started;
    await sql`update ${sql.id(jobSchema, 'job')} set started_on = now() - interval '1 hour' where id = ${other}`.execute(t.db);
    leases().letGo(other);
    await sql`delete from job_leases where job_id = ${other}`.execute(t.db);
    assert.deepEqual((await leases().takeOver()).map((j) => j.id), [other]);

    // Once pg-boss has settled the job, the next sweep deletes the lease it no longer needs.
    finishing.open();
    for (const deadline = Date.now() + 30_000; (await bossState(id)) !== 'completed';) {
      assert.ok(Date.now() < deadline, `the job is settled in pg-boss (state ${await bossState(id)})`);
      await new Promise((r) => setTimeout(r, 50));
    }
    await leases().tick();
    assert.equal(await leaseRow(id), undefined);
  });
});

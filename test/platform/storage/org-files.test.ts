import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { startTestPlatform, uniqueEmail, type TestPlatform, type TestUser } from '../../support/platform.js';
import { withSystem } from '../../../src/platform/db/tenant.js';
import { createSuperadmin } from '../../../src/platform/admin/superadmin.js';
import { deleteOrgFiles } from '../../../src/platform/storage/org-files.js';
import { startFakeS3, type FakeS3 } from './s3rver.js';

const HOUR = 3_600_000;

async function storedKeys(t: TestPlatform, orgId: string): Promise<string[]> {
  const keys: string[] = [];
  for (const prefix of [`${orgId}/`, `staging/${orgId}/`]) for await (const e of t.platform.ctx.storage.driver.list(prefix)) keys.push(e.key);
  return keys;
}

async function superadminToken(t: TestPlatform): Promise<string> {
  const email = uniqueEmail('root');
  await createSuperadmin(t.db, { email, password: 'root password 1', storageLimitBytes: 1024 });
  return (await t.request('POST', '/api/v1/auth/login', { body: { email, password: 'root password 1' } })).json().access_token;
}

async function withFiles(t: TestPlatform, label: string): Promise<TestUser> {
  const u = await t.signup(label);
  for (const key of ['a/one.txt', 'b/two.txt']) {
    const res = await t.request('POST', `/api/v1/files?key=${key}`, { token: u.token, raw: Buffer.from(`${label} ${key}`), headers: { 'content-type': 'text/plain' } });
    assert.equal(res.statusCode, 201, res.body);
  }
  // An upload that never finished, still in staging.
  await t.platform.ctx.storage.driver.put(`staging/${u.orgId}/00000000-0000-4000-8000-000000000000`, (await import('node:stream')).Readable.from([Buffer.from('half')]));
  return u;
}

function orgFilesSuite(driverName: 'local' | 's3') {
  describe(`deleting an organisation deletes its stored files after a grace period (${driverName})`, () => {
    let t: TestPlatform;
    let s3: FakeS3 | undefined;
    let root: string;
    before(async () => {
      if (driverName === 's3') s3 = await startFakeS3();
      t = await startTestPlatform({ env: { ...s3?.env, WORKERS: 'off' } });
      root = await superadminToken(t);
    });
    after(async () => {
      await t.close();
      await s3?.close();
    });

    it('queues the deletion with the grace period, audited, and the job deletes only that org\'s prefix', async () => {
      const doomed = await withFiles(t, 'doomed');
      const kept = await withFiles(t, 'kept');
      const keptKeys = await storedKeys(t, kept.orgId);
      assert.equal((await storedKeys(t, doomed.orgId)).length, 3);

      const before = Date.now();
      assert.equal((await t.request('DELETE', `/api/v1/admin/orgs/${doomed.orgId}`, { token: root })).statusCode, 204);
      assert.equal((await storedKeys(t, doomed.orgId)).length, 3, 'nothing is deleted during the grace period');
      const audit = await withSystem(t.db, (tx) => tx.selectFrom('audit_log').select(['action', 'metadata']).where('org_id', '=', doomed.orgId).where('action', '=', 'admin.org_deleted').executeTakeFirstOrThrow());
      const after = new Date(audit.metadata.files_deleted_after as string).getTime();
      assert.ok(after >= before + 72 * HOUR && after <= Date.now() + 72 * HOUR, `files deleted after ${audit.metadata.files_deleted_after}`);
      assert.match(String(audit.metadata.files_job_id), /^[0-9a-f-]{36}$/);

      // What the job runs once the grace period is over.
      const result = await deleteOrgFiles(t.platform.ctx, doomed.orgId);
      assert.equal(result.objects, 3);
      assert.deepEqual(await storedKeys(t, doomed.orgId), []);
      assert.deepEqual(await storedKeys(t, kept.orgId), keptKeys, "another org's files are untouched");
      const done = await withSystem(t.db, (tx) => tx.selectFrom('audit_log').select(['actor_type', 'metadata']).where('org_id', '=', doomed.orgId).where('action', '=', 'storage.org_files_deleted').executeTakeFirstOrThrow());
      assert.equal(done.actor_type, 'system');
      assert.equal(done.metadata.objects, 3);
      // Idempotent: a retried run finds nothing left.
      assert.equal((await deleteOrgFiles(t.platform.ctx, doomed.orgId)).objects, 0);
    });

    it('keeps the files of an org that exists (for example restored from a backup)', async () => {
      const alive = await withFiles(t, 'alive');
      assert.equal((await deleteOrgFiles(t.platform.ctx, alive.orgId)).objects, 0);
      assert.equal((await storedKeys(t, alive.orgId)).length, 3);
    });
  });
}

orgFilesSuite('local');
orgFilesSuite('s3');

describe('the queued org files deletion runs in the workers', () => {
  let t: TestPlatform;
  before(async () => {
    t = await startTestPlatform({ env: { ORG_FILES_DELETION_GRACE_HOURS: '0' } });
  });
  after(() => t.close());

  it('deletes the files once the grace period (here none) has passed', async () => {
    const root = await superadminToken(t);
    const doomed = await withFiles(t, 'doomed-now');
    assert.equal((await t.request('DELETE', `/api/v1/admin/orgs/${doomed.orgId}`, { token: root })).statusCode, 204);
    const deadline = Date.now() + 30_000;
    while ((await storedKeys(t, doomed.orgId)).length > 0) {
      if (Date.now() > deadline) assert.fail('the deletion job did not run');
      await sleep(100);
    }
  });
});

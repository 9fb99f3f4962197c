import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { startTestPlatform, type TestPlatform, type TestUser } from '../../support/platform.js';
import { assertError } from '../../support/envelope.js';
import { waitForJobEnd } from '../../support/jobs.js';
import { auraApp } from '../../../src/apps/aura/index.js';
import { auraDb } from '../../../src/apps/aura/db.js';
import { alertLevel, sweepStorageAlerts } from '../../../src/apps/aura/usage/storage-alerts.js';
import { jpegPart, photoJpeg, uploadPhotos } from './aura-fixtures.js';

describe('aura storage alerts at 80 % and 100 % of the limit, and usage logs kept from employees', () => {
  let t: TestPlatform;
  let owner: TestUser;
  let admin: TestUser;
  let employee: TestUser;
  let bystander: TestUser;
  let colour = 0;

  before(async () => {
    t = await startTestPlatform({ apps: [auraApp] });
    owner = await t.signup('aura-alerts-owner');
    admin = await t.addMember(owner, 'admin', 'aura-alerts-admin');
    employee = await t.addMember(owner, 'member', 'aura-alerts-employee');
    bystander = await t.signup('aura-alerts-other-app');
  });
  after(() => t?.close());

  const alertsTo = async (email: string) =>
    (await t.db.selectFrom('email_outbox').select(['subject', 'text_body']).where('to_address', '=', email).where('subject', 'like', '%storage%').orderBy('created_at').execute());
  const used = async (orgId = owner.orgId) => Number((await t.db.selectFrom('orgs').select('storage_used_bytes').where('id', '=', orgId).executeTakeFirstOrThrow()).storage_used_bytes);
  const setLimit = (bytes: number, orgId = owner.orgId) => t.db.updateTable('orgs').set({ storage_limit_bytes: bytes }).where('id', '=', orgId).execute();
  const upload = async () => {
    const color = `#${(0x203040 + colour++ * 0x010203).toString(16).padStart(6, '0')}`;
    return uploadPhotos(t, employee.token, {}, [jpegPart(`p${colour}.jpg`, await photoJpeg({ color, width: 200, height: 150 }))]);
  };

  it('the level: under 80 % none, then 80, then 100 (a zero limit is full as soon as anything is stored)', () => {
    assert.equal(alertLevel(79, 100), 0);
    assert.equal(alertLevel(80, 100), 80);
    assert.equal(alertLevel(99, 100), 80);
    assert.equal(alertLevel(100, 100), 100);
    assert.equal(alertLevel(150, 100), 100);
    assert.equal(alertLevel(0, 0), 0);
    assert.equal(alertLevel(1, 0), 100);
  });

  it('an upload under 80 % sends nothing', async () => {
    await setLimit(100 * 1024 * 1024);
    const res = await upload();
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.json().stored, 1);
    assert.equal((await alertsTo(owner.email)).length, 0);
  });

  it('crossing 80 % emails every admin once (not employees); the next sweep sends nothing more', async () => {
    await setLimit(Math.ceil((await used()) / 0.85));
    assert.deepEqual(await sweepStorageAlerts(t.platform.ctx), { alerts: 1, failedOrgs: 0 });
    for (const who of [owner, admin]) {
      const mails = await alertsTo(who.email);
      assert.equal(mails.length, 1, who.email);
      assert.match(mails[0]!.subject, /80 %/);
      assert.match(mails[0]!.text_body, /delete photos from the trash for good/);
    }
    assert.equal((await alertsTo(employee.email)).length, 0);
    assert.deepEqual(await sweepStorageAlerts(t.platform.ctx), { alerts: 0, failedOrgs: 0 });
    assert.equal((await alertsTo(owner.email)).length, 1);
  });

  it('an upload refused at the limit sends the 100 % alert at once', async () => {
    await setLimit(await used());
    const res = await upload();
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.json().files[0].error.code, 'QUOTA_EXCEEDED');
    const mails = await alertsTo(admin.email);
    assert.equal(mails.length, 2);
    assert.match(mails[1]!.subject, /all of its storage/);
    const audit = await t.db.selectFrom('audit_log').select('metadata').where('org_id', '=', owner.orgId).where('action', '=', 'aura.storage.alert').execute();
    assert.equal(audit.length, 2);
  });

  it('usage falling back resets quietly, and crossing again alerts again', async () => {
    await setLimit(100 * 1024 * 1024);
    assert.deepEqual(await sweepStorageAlerts(t.platform.ctx), { alerts: 0, failedOrgs: 0 });
    const level = await auraDb.withSystem(t.platform.ctx, (tx) => tx.selectFrom('aura_settings').select('storage_alert_level').where('org_id', '=', owner.orgId).executeTakeFirstOrThrow());
    assert.equal(level.storage_alert_level, 0);
    assert.equal((await alertsTo(owner.email)).length, 2, 'no email for the drop');
    await setLimit(Math.ceil((await used()) / 0.9));
    assert.deepEqual(await sweepStorageAlerts(t.platform.ctx), { alerts: 1, failedOrgs: 0 });
    assert.equal((await alertsTo(owner.email)).length, 3);
  });

  it('an org that does not use Aura is left alone by the sweep', async () => {
    await t.db.updateTable('orgs').set({ storage_used_bytes: 95, storage_limit_bytes: 100 }).where('id', '=', bystander.orgId).execute();
    assert.deepEqual(await sweepStorageAlerts(t.platform.ctx), { alerts: 0, failedOrgs: 0 });
    assert.equal((await alertsTo(bystander.email)).length, 0);
    await t.db.updateTable('orgs').set({ storage_used_bytes: 0 }).where('id', '=', bystander.orgId).execute();
  });

  it('usage logs: employees neither get them from the API nor read them with SQL; their actions are still metered', async () => {
    assertError(await t.request('GET', '/api/v1/usage/', { token: employee.token }), 403, 'INSUFFICIENT_ROLE');
    // Face detection, queued by the uploads above, records a usage row when it ends: let every
    // one end first, or a row arriving between the two counts below makes them differ.
    const detections = await t.db.selectFrom('job_runs').select('id').where('org_id', '=', owner.orgId).where('name', '=', 'aura.detect-faces').execute();
    for (const job of detections) await waitForJobEnd(t, owner.orgId, job.id);
    const count = (scope: { orgId: string; userId?: string }) =>
      auraDb.withTenant(t.platform.ctx, scope, async (tx) => (await sql<{ n: number }>`select count(*)::int as n from usage_events`.execute(tx)).rows[0]!.n);
    assert.equal(await count({ orgId: owner.orgId, userId: employee.userId }), 0, 'the restrictive policy hides every row');
    const adminSees = await count({ orgId: owner.orgId, userId: admin.userId });
    assert.ok(adminSees > 0);
    assert.equal(await count({ orgId: owner.orgId }), adminSees, 'the platform (jobs, sweeps) reads them');
    await setLimit(100 * 1024 * 1024);
    assert.equal((await upload()).json().stored, 1, 'the employee\'s upload records its usage row');
    assert.ok((await count({ orgId: owner.orgId, userId: admin.userId })) > adminSees);
    const mine = await auraDb.withSystem(t.platform.ctx, (tx) => tx.selectFrom('usage_events').select('id').where('org_id', '=', owner.orgId).where('user_id', '=', employee.userId).where('action', '=', 'aura.photo.upload').execute());
    assert.equal(mine.length, 2, 'both of the employee\'s stored uploads are metered');
    const res = await t.request('GET', '/api/v1/usage/', { token: admin.token });
    assert.equal(res.statusCode, 200, res.body);
  });
});

import { randomBytes } from 'node:crypto';
import { PassThrough } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { startTestPlatform, type TestPlatform, type TestUser } from '../../support/platform.js';
import { assertError } from '../../support/envelope.js';
import { withSystem } from '../../../src/platform/db/tenant.js';
import { purgeExpiredTrash } from '../../../src/platform/storage/trash.js';
import { storeUpload } from '../../../src/platform/storage/uploads.js';
import { applyLifecycle } from '../../../src/platform/storage/lifecycle.js';
import { forEachOrg } from '../../../src/platform/jobs/for-each-org.js';
import { orgStorage } from './helpers.js';

const DAY = 86_400_000;

describe('scheduled sweeps: one org never blocks the others', () => {
  let t: TestPlatform;
  before(async () => {
    t = await startTestPlatform();
    t.platform.ctx.storage.lifecycle.register({ name: 'sweep-scratch', prefix: 'sweep-scratch/', expireAfterDays: 1 });
  });
  after(() => t.close());

  async function trashedFile(user: TestUser, key: string, trashedDaysAgo: number) {
    const res = await t.request('POST', `/api/v1/files?key=${key}`, { token: user.token, raw: Buffer.from(`bytes of ${key}`), headers: { 'content-type': 'application/octet-stream' } });
    assert.equal(res.statusCode, 201, res.body);
    const file = res.json();
    assert.equal((await t.request('DELETE', `/api/v1/files/${file.id}`, { token: user.token })).statusCode, 200);
    await withSystem(t.db, (tx) => tx.updateTable('storage_objects').set({ trashed_at: new Date(Date.now() - trashedDaysAgo * DAY) }).where('id', '=', file.id).execute());
    return file as { id: string; size_bytes: number };
  }

  it('validates org settings with bounds at the boundary', async () => {
    const owner = await t.signup('settings');
    for (const settings of [{ trash_retention_days: 1e20 }, { trash_retention_days: -1 }, { trash_retention_days: 1.5 }, { trash_retention_days: '7' }, { theme: 'x'.repeat(5000) }, { theme: { nested: true } }, { 'Bad Name': 1 }]) {
      assertError(await t.request('PATCH', '/api/v1/org', { token: owner.token, body: { settings } }), 400, 'VALIDATION_ERROR');
    }
    const ok = await t.request('PATCH', '/api/v1/org', { token: owner.token, body: { settings: { trash_retention_days: 3650, theme: 'dark' } } });
    assert.equal(ok.statusCode, 200, ok.body);
    assert.deepEqual(ok.json().settings, { trash_retention_days: 3650, theme: 'dark' });
  });

  it('purges every org even when one org holds an out-of-range setting (forced into the database)', async () => {
    const poisoned = await t.signup('poisoned');
    const healthy = await t.signup('healthy');
    await withSystem(t.db, (tx) => tx.updateTable('orgs').set({ settings: sql`'{"trash_retention_days": 1e20}'::jsonb` }).where('id', '=', poisoned.orgId).execute());
    await trashedFile(poisoned, 'p/old.bin', 40);
    const file = await trashedFile(healthy, 'h/old.bin', 40);
    assert.ok((await orgStorage(t, healthy.orgId)).used >= file.size_bytes);

    const result = await purgeExpiredTrash(t.platform.ctx);
    assert.equal(result.failedOrgs, 0);
    const state = await orgStorage(t, healthy.orgId);
    assert.deepEqual({ rows: state.rows.length, used: state.used, stored: state.stored }, { rows: 0, used: 0, stored: [] });
    // The poisoned org's retention is clamped to ten years: its 40-day-old file stays restorable.
    assert.equal((await orgStorage(t, poisoned.orgId)).rows.length, 1);
    const listed = await t.request('GET', '/api/v1/files?trashed=true', { token: poisoned.token });
    assert.equal(listed.statusCode, 200);
    assert.equal(listed.json().items.length, 1);
  });

  it("logs and skips an org whose share of a sweep fails; the others are swept, and it is swept once fixed", async () => {
    const broken = await t.signup('broken');
    const fine = await t.signup('fine');
    await trashedFile(broken, 'b/old.bin', 40);
    await trashedFile(fine, 'f/old.bin', 40);
    // A trigger that refuses the broken org's deletions: a real database failure inside its transaction.
    const fn = `refuse_${randomBytes(4).toString('hex')}`;
    await sql.raw(`create function ${fn}() returns trigger language plpgsql as $$ begin if old.org_id = '${broken.orgId}' then raise exception 'poisoned row'; end if; return old; end $$`).execute(t.db);
    await sql.raw(`create trigger ${fn} before delete on storage_objects for each row execute function ${fn}()`).execute(t.db);
    try {
      const result = await purgeExpiredTrash(t.platform.ctx);
      assert.ok(result.failedOrgs >= 1);
      assert.equal((await orgStorage(t, fine.orgId)).rows.length, 0, "the healthy org's trash is emptied");
      assert.equal((await orgStorage(t, broken.orgId)).rows.length, 1);
    } finally {
      await sql.raw(`drop trigger ${fn} on storage_objects`).execute(t.db);
      await sql.raw(`drop function ${fn}()`).execute(t.db);
    }
    const again = await purgeExpiredTrash(t.platform.ctx);
    assert.equal(again.failedOrgs, 0);
    const state = await orgStorage(t, broken.orgId);
    assert.deepEqual({ rows: state.rows.length, used: state.used }, { rows: 0, used: 0 });
  });

  it('releases an upload silent for a day (its process died), and never a live one, whatever clock the purge runs on', async () => {
    const u = await t.signup('stale-upload');
    // An upload in flight: its body stays open until the end of the test.
    const body = new PassThrough();
    const upload = storeUpload(t.platform.ctx, u, { stream: body, key: 'stale/held.bin', contentType: 'application/octet-stream' });
    const failed = upload.then(() => null, (err: Error) => err);
    body.write(randomBytes(64 * 1024));
    const pending = async () => (await orgStorage(t, u.orgId)).rows.filter((r) => r.status === 'pending');
    for (const deadline = Date.now() + 30_000; (await pending()).length === 0; await new Promise((r) => setTimeout(r, 20))) {
      assert.ok(Date.now() < deadline, 'the upload never created its pending row');
    }

    // A purge run a month ahead (how retention is tested, and other test files share this
    // database) leaves the live upload alone: staleness is wall-clock silence.
    await purgeExpiredTrash(t.platform.ctx, new Date(Date.now() + 29 * DAY));
    assert.equal((await pending()).length, 1, 'a live upload survives a purge run ahead of time');
    assert.ok((await orgStorage(t, u.orgId)).reserved > 0);

    // Silent for 25 hours: its process is taken for dead; row, staged bytes and reservation go.
    await withSystem(t.db, (tx) => tx.updateTable('storage_objects').set({ updated_at: new Date(Date.now() - 25 * 3_600_000) }).where('org_id', '=', u.orgId).execute());
    const result = await purgeExpiredTrash(t.platform.ctx);
    assert.ok(result.staleUploads >= 1);
    let state = await orgStorage(t, u.orgId);
    assert.deepEqual({ rows: state.rows, reserved: state.reserved, used: state.used, stored: state.stored }, { rows: [], reserved: 0, used: 0, stored: [] });

    // Were the process alive after all, its upload fails at commit and leaves nothing either.
    body.end(randomBytes(1000));
    assert.match((await failed)?.message ?? 'it succeeded', /lost its pending catalog row/);
    state = await orgStorage(t, u.orgId);
    assert.deepEqual({ rows: state.rows, reserved: state.reserved, used: state.used, stored: state.stored }, { rows: [], reserved: 0, used: 0, stored: [] });
  });

  it('runs the lifecycle sweep org by org too', async () => {
    const a = await t.signup('life-a');
    const b = await t.signup('life-b');
    for (const u of [a, b]) {
      const res = await t.request('POST', '/api/v1/files?key=sweep-scratch/tmp.bin', { token: u.token, raw: Buffer.from('temporary'), headers: { 'content-type': 'application/octet-stream' } });
      assert.equal(res.statusCode, 201, res.body);
    }
    const result = await applyLifecycle(t.platform.ctx, new Date(Date.now() + 2 * DAY));
    assert.ok(result.objects >= 2);
    assert.equal(result.failedOrgs, 0);
    for (const u of [a, b]) assert.equal((await orgStorage(t, u.orgId)).rows.length, 0);
  });

  it('forEachOrg runs each org in its own tenant transaction and reports failures', async () => {
    const a = await t.signup('each-a');
    const b = await t.signup('each-b');
    const report = await forEachOrg(t.platform.ctx, {
      name: 'test.sweep',
      db: t.db,
      orgIds: [a.orgId, b.orgId],
      run: async (tx, orgId) => {
        if (orgId === a.orgId) throw new Error('bad data');
        // Row-level security is on: only this org's row is visible.
        return (await tx.selectFrom('orgs').select('id').execute()).map((r) => r.id);
      },
    });
    assert.deepEqual(report.failed, [{ orgId: a.orgId, error: 'bad data' }]);
    assert.deepEqual(report.done, [{ orgId: b.orgId, result: [b.orgId] }]);
  });
});

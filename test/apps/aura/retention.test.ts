import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { startTestPlatform, type TestPlatform, type TestUser } from '../../support/platform.js';
import { auraApp } from '../../../src/apps/aura/index.js';
import { auraDb } from '../../../src/apps/aura/db.js';
import { sweepAuraRetention } from '../../../src/apps/aura/trash/retention.sweep.js';
import { tenantStorageKey } from '../../../src/platform/storage/keys.js';
import { createPhoto, storageUsed } from './photo-fixtures.js';

const DAY = 86_400_000;

/** Issue #11 item 7: the scheduled sweep, org by org, one org's bad data skipped. */
describe('aura retention sweep', () => {
  let t: TestPlatform;
  let a: TestUser;
  let b: TestUser;
  const now = new Date();
  const daysAgo = (n: number) => new Date(now.getTime() - n * DAY);
  const ctx = () => t.platform.ctx;
  const row = (id: string) => auraDb.db(ctx()).selectFrom('aura_photos').select(['id', 'trashed_at', 'full_path']).where('id', '=', id).executeTakeFirst();
  /** Trash through the API, then date the trashing back as if it happened `days` ago. */
  const trashedDaysAgo = async (user: TestUser, id: string, days: number) => {
    const res = await t.request('DELETE', `/aura/api/photos/${id}`, { token: user.token });
    assert.equal(res.statusCode, 200, res.body);
    await auraDb.db(ctx()).updateTable('aura_photos').set({ trashed_at: daysAgo(days) }).where('id', '=', id).execute();
  };

  before(async () => {
    t = await startTestPlatform({ apps: [auraApp] });
    a = await t.signup('aura-retention-a');
    b = await t.signup('aura-retention-b');
  });
  after(() => t.close());

  it('deletes trash past each org\'s retention, moves old unkept event_temp photos to trash, and skips one org\'s bad photo', async () => {
    // Org A: the default 30 days.
    const aOld = await createPhoto(ctx(), a, { folder: 'old' });
    const aRecent = await createPhoto(ctx(), a, { folder: 'recent' });
    await trashedDaysAgo(a, aOld.id, 31);
    await trashedDaysAgo(a, aRecent.id, 20);
    const aTemp = await createPhoto(ctx(), a, { folder: 'party', sourceType: 'event_temp', createdAt: daysAgo(31) });
    const aKept = await createPhoto(ctx(), a, { folder: 'party', sourceType: 'event_temp', createdAt: daysAgo(40) });
    assert.equal((await t.request('POST', `/aura/api/photos/${aKept.id}/keep`, { token: a.token, body: {} })).statusCode, 200);
    const aYoungTemp = await createPhoto(ctx(), a, { folder: 'party', sourceType: 'event_temp', createdAt: daysAgo(10) });
    const aOldCloud = await createPhoto(ctx(), a, { folder: 'archive', createdAt: daysAgo(400) });

    // Org B: 7 days' retention, and a photo whose original's bytes vanished from storage.
    assert.equal((await t.request('PUT', '/aura/api/settings/retention', { token: b.token, body: { trash_retention_days: 7 } })).statusCode, 200);
    const bOld = await createPhoto(ctx(), b, { folder: 'old' });
    await trashedDaysAgo(b, bOld.id, 8);
    const bBroken = await createPhoto(ctx(), b, { folder: 'party', sourceType: 'event_temp', createdAt: daysAgo(35) });
    await ctx().storage.driver.delete(tenantStorageKey(b.orgId, bBroken.fullPath));
    const bTemp = await createPhoto(ctx(), b, { folder: 'party', sourceType: 'event_temp', createdAt: daysAgo(35) });

    const usedA = await storageUsed(ctx(), a.orgId);
    const result = await sweepAuraRetention(ctx(), now);
    // The totals cover every org in the database (a shared PostgreSQL keeps earlier runs' orgs):
    // each org's own counts are in its audit record, checked below.
    assert.equal(result.failedOrgs, 0);
    assert.ok(result.purgedPhotos >= 2 && result.expiredTempPhotos >= 2 && result.skippedPhotos >= 1);
    const sweptA = await t.db.selectFrom('audit_log').select('metadata').where('org_id', '=', a.orgId).where('action', '=', 'aura.retention.swept').executeTakeFirstOrThrow();
    assert.deepEqual(sweptA.metadata, { purged_photos: 1, freed_bytes: aOld.sizes.original + aOld.sizes.full + aOld.sizes.thumb, expired_temp_photos: 1, skipped_photos: 0 });

    assert.equal(await row(aOld.id), undefined, 'past A\'s 30 days: gone');
    assert.ok((await row(aRecent.id))?.trashed_at, 'within the retention: still in trash');
    assert.equal(await storageUsed(ctx(), a.orgId), usedA - (aOld.sizes.original + aOld.sizes.full + aOld.sizes.thumb), 'the storage is freed');
    const temp = await row(aTemp.id);
    assert.ok(temp?.trashed_at, 'an unkept event_temp photo past 30 days goes to trash');
    assert.match(temp!.full_path, /\/_trash\//);
    assert.equal((await ctx().storage.driver.head(tenantStorageKey(a.orgId, temp!.full_path)))?.size, aTemp.sizes.original);
    assert.equal((await row(aKept.id))?.trashed_at, null, 'a kept one stays');
    assert.equal((await row(aYoungTemp.id))?.trashed_at, null, 'a young one stays');
    assert.equal((await row(aOldCloud.id))?.trashed_at, null, 'cloud photos never expire');

    assert.equal(await row(bOld.id), undefined, 'past B\'s own 7 days: gone');
    assert.ok((await row(bTemp.id))?.trashed_at, 'B\'s good photo went on despite the bad one');
    const broken = await row(bBroken.id);
    assert.equal(broken?.trashed_at, null, 'the bad photo is left as it was');
    assert.equal(broken?.full_path, bBroken.fullPath);
    const bThumb = await auraDb.db(ctx()).selectFrom('storage_objects').select('key').where('org_id', '=', b.orgId).where('key', '=', bBroken.thumbKey).executeTakeFirst();
    assert.ok(bThumb, 'its variants were not moved half-way');

    const audit = await t.db.selectFrom('audit_log').select(['actor_type', 'metadata']).where('org_id', '=', b.orgId).where('action', '=', 'aura.retention.swept').executeTakeFirstOrThrow();
    assert.equal(audit.actor_type, 'system');
    assert.deepEqual(audit.metadata, { purged_photos: 1, freed_bytes: bOld.sizes.original + bOld.sizes.full + bOld.sizes.thumb, expired_temp_photos: 1, skipped_photos: 1 });

    const again = await sweepAuraRetention(ctx(), now);
    assert.equal(again.purgedPhotos + again.expiredTempPhotos, 0, 'idempotent: nothing more to do');
    assert.ok(again.skippedPhotos >= 1, 'the bad photo is tried again');
    assert.equal((await row(bBroken.id))?.trashed_at, null);
    // Leave no broken photo behind for later runs on a shared PostgreSQL database.
    await auraDb.db(ctx()).deleteFrom('aura_photos').where('id', '=', bBroken.id).execute();
  });

  it('skips an org whose share fails in the database and sweeps the others', async () => {
    const c = await t.signup('aura-retention-c');
    const d = await t.signup('aura-retention-d');
    const cOld = await createPhoto(ctx(), c, { folder: 'old' });
    const dOld = await createPhoto(ctx(), d, { folder: 'old' });
    await trashedDaysAgo(c, cOld.id, 60);
    await trashedDaysAgo(d, dOld.id, 60);
    // Bad data in C's share: a row the database refuses to delete (here a trigger, scoped to C).
    const fn = `aura_test_refuse_${c.orgId.replace(/-/g, '')}`;
    await sql.raw(`create function ${fn}() returns trigger language plpgsql as $$ begin raise exception 'refused by test trigger'; end $$`).execute(t.db);
    await sql.raw(`create trigger ${fn} before delete on aura_photos for each row when (old.org_id = '${c.orgId}') execute function ${fn}()`).execute(t.db);
    try {
      const result = await sweepAuraRetention(ctx(), now);
      assert.equal(result.failedOrgs, 1, 'C failed and was logged');
      assert.equal(await row(dOld.id), undefined, 'D was swept all the same');
      assert.ok((await row(cOld.id))?.trashed_at, 'C\'s photo is untouched (its transaction rolled back)');
      assert.ok(await ctx().storage.driver.head(tenantStorageKey(c.orgId, (await row(cOld.id))!.full_path)), 'and its bytes are still there');
    } finally {
      await sql.raw(`drop trigger ${fn} on aura_photos; drop function ${fn}()`).execute(t.db);
    }
    await sweepAuraRetention(ctx(), now);
    assert.equal(await row(cOld.id), undefined, 'once the data is fixed, the next run finishes C');
  });
});

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { startTestPlatform, type TestPlatform, type TestUser } from '../../support/platform.js';
import { auraApp } from '../../../src/apps/aura/index.js';
import { auraDb } from '../../../src/apps/aura/db.js';
import { tenantStorageKey } from '../../../src/platform/storage/keys.js';
import { createPhoto, storageUsed } from './photo-fixtures.js';

/** Issue #11 item 7: delete moves to trash, restore (with the seed's conflict suffix), permanent delete. */
describe('aura trash', () => {
  let t: TestPlatform;
  let admin: TestUser;
  let employee: TestUser;
  let other: TestUser;

  const ctx = () => t.platform.ctx;
  const photoRow = (id: string) => auraDb.db(ctx()).selectFrom('aura_photos').selectAll().where('id', '=', id).executeTakeFirst();
  const keysOf = async (orgId: string) =>
    (await auraDb.db(ctx()).selectFrom('storage_objects').select('key').where('org_id', '=', orgId).orderBy('key').execute()).map((r) => r.key);
  const readBytes = async (orgId: string, key: string) => {
    const r = await ctx().storage.driver.get(tenantStorageKey(orgId, key));
    const chunks: Buffer[] = [];
    for await (const c of r.stream) chunks.push(c as Buffer);
    return Buffer.concat(chunks);
  };
  const exists = async (orgId: string, key: string) => (await ctx().storage.driver.head(tenantStorageKey(orgId, key))) !== null;

  before(async () => {
    t = await startTestPlatform({ apps: [auraApp] });
    admin = await t.signup('aura-trash');
    employee = await t.addMember(admin, 'member', 'aura-employee');
    other = await t.signup('aura-trash-other');
  });
  after(() => t.close());

  it('moves a photo and its variants under _trash/, keeps where it was, and lists it', async () => {
    const photo = await createPhoto(ctx(), admin, { folder: 'wedding' });
    const slug = photo.fullPath.split('/')[1];

    const byEmployee = await t.request('DELETE', `/aura/api/photos/${photo.id}`, { token: employee.token });
    assert.equal(byEmployee.statusCode, 403, 'employees cannot delete photos');
    const byOther = await t.request('DELETE', `/aura/api/photos/${photo.id}`, { token: other.token });
    assert.equal(byOther.statusCode, 404, 'another org\'s photo is not found');
    assert.equal((await t.request('DELETE', '/aura/api/photos/not-a-uuid', { token: admin.token })).statusCode, 400);

    const res = await t.request('DELETE', `/aura/api/photos/${photo.id}`, { token: admin.token });
    assert.equal(res.statusCode, 200, res.body);
    const body = res.json();
    const trashed = `photos/${slug}/_trash/${photo.id}/2026/wedding/originals/${photo.name}`;
    assert.equal(body.full_path, trashed);
    assert.equal(body.trashed_from, photo.fullPath);
    assert.ok(body.delete_after, 'the trash says when the photo goes for good');

    const row = await photoRow(photo.id);
    assert.equal(row?.trashed_by, admin.userId);
    assert.ok(row?.thumb_key?.startsWith(`photos/${slug}/_trash/${photo.id}/2026/wedding/optimized/thumbs/`));
    const keys = await keysOf(admin.orgId);
    assert.ok(keys.includes(trashed));
    assert.ok(!keys.includes(photo.fullPath) && !keys.includes(photo.thumbKey) && !keys.includes(photo.fullKey), 'nothing left at the old keys in the catalog');
    assert.deepEqual(await readBytes(admin.orgId, trashed), photo.bytes, 'the original\'s bytes moved intact');
    assert.equal(await exists(admin.orgId, photo.fullPath), false, 'the old bytes are gone');

    const again = await t.request('DELETE', `/aura/api/photos/${photo.id}`, { token: admin.token });
    assert.equal(again.statusCode, 409);
    assert.equal(again.json().code, 'ALREADY_IN_TRASH');

    const list = await t.request('GET', '/aura/api/trash', { token: admin.token });
    assert.equal(list.statusCode, 200, list.body);
    assert.ok(list.json().items.some((i: { id: string }) => i.id === photo.id));
    assert.equal((await t.request('GET', '/aura/api/trash', { token: employee.token })).statusCode, 403);
    assert.equal((await t.request('GET', '/aura/api/trash', { token: other.token })).json().total, 0, 'another org sees none of it');
  });

  it('restores to the original location, or with a timestamp suffix when the name was taken', async () => {
    const plain = await createPhoto(ctx(), admin, { folder: 'restore-plain' });
    assert.equal((await t.request('DELETE', `/aura/api/photos/${plain.id}`, { token: admin.token })).statusCode, 200);
    assert.equal((await t.request('POST', `/aura/api/trash/restore/${plain.id}`, { token: employee.token })).statusCode, 403);
    assert.equal((await t.request('POST', `/aura/api/trash/restore/${plain.id}`, { token: other.token })).statusCode, 404);
    const restored = await t.request('POST', `/aura/api/trash/restore/${plain.id}`, { token: admin.token });
    assert.equal(restored.statusCode, 200, restored.body);
    assert.equal(restored.json().renamed, false);
    assert.equal(restored.json().full_path, plain.fullPath);
    assert.equal(restored.json().trashed_at, null);
    assert.deepEqual(await readBytes(admin.orgId, plain.fullPath), plain.bytes);
    assert.equal((await photoRow(plain.id))?.thumb_key, plain.thumbKey, 'the variants come back too');
    const notTrashed = await t.request('POST', `/aura/api/trash/restore/${plain.id}`, { token: admin.token });
    assert.equal(notTrashed.json().code, 'NOT_IN_TRASH');

    const first = await createPhoto(ctx(), admin, { folder: 'restore-clash', name: 'IMG_7777.jpg' });
    assert.equal((await t.request('DELETE', `/aura/api/photos/${first.id}`, { token: admin.token })).statusCode, 200);
    // A new photo arrives under the same name while the first is in trash.
    const second = await createPhoto(ctx(), admin, { folder: 'restore-clash', name: 'IMG_7777.jpg' });
    const clash = await t.request('POST', `/aura/api/trash/restore/${first.id}`, { token: admin.token });
    assert.equal(clash.statusCode, 200, clash.body);
    const view = clash.json();
    assert.equal(view.renamed, true);
    assert.match(view.full_path, /\/restore-clash\/originals\/IMG_7777_\d{8}-\d{6}\.jpg$/);
    assert.match(view.path, /^IMG_7777_\d{8}-\d{6}\.jpg$/);
    assert.deepEqual(await readBytes(admin.orgId, view.full_path), first.bytes, 'the restored photo has its own bytes');
    assert.deepEqual(await readBytes(admin.orgId, second.fullPath), second.bytes, 'the newer photo is untouched');
    const thumb = (await photoRow(first.id))?.thumb_key ?? '';
    assert.match(thumb, /\/optimized\/thumbs\/IMG_7777_\d{8}-\d{6}\.webp$/, 'the variants get the same suffix');
    assert.ok(await exists(admin.orgId, thumb));
  });

  it('deletes for good only for an admin who confirms: audited, storage freed', async () => {
    const photo = await createPhoto(ctx(), admin, { folder: 'purge' });
    const live = await t.request('DELETE', `/aura/api/trash/${photo.id}`, { token: admin.token, body: { confirm: true } });
    assert.equal(live.statusCode, 409, 'a live photo must go to trash first');
    assert.equal(live.json().code, 'NOT_IN_TRASH');
    const trashed = (await t.request('DELETE', `/aura/api/photos/${photo.id}`, { token: admin.token })).json();
    const before = await storageUsed(ctx(), admin.orgId);

    const unconfirmed = await t.request('DELETE', `/aura/api/trash/${photo.id}`, { token: admin.token });
    assert.equal(unconfirmed.statusCode, 400, unconfirmed.body);
    assert.equal(unconfirmed.json().code, 'CONFIRMATION_REQUIRED');
    const falseConfirm = await t.request('DELETE', `/aura/api/trash/${photo.id}`, { token: admin.token, body: { confirm: false } });
    assert.equal(falseConfirm.json().code, 'CONFIRMATION_REQUIRED');
    assert.equal((await t.request('DELETE', `/aura/api/trash/${photo.id}`, { token: employee.token, body: { confirm: true } })).statusCode, 403);
    assert.equal((await t.request('DELETE', `/aura/api/trash/${photo.id}`, { token: other.token, body: { confirm: true } })).statusCode, 404);
    assert.ok(await photoRow(photo.id), 'refused deletes leave the photo');

    const res = await t.request('DELETE', `/aura/api/trash/${photo.id}`, { token: admin.token, body: { confirm: true } });
    assert.equal(res.statusCode, 200, res.body);
    const total = photo.sizes.original + photo.sizes.full + photo.sizes.thumb;
    assert.deepEqual(res.json(), { deleted: 1, freed_bytes: total });
    assert.equal(await storageUsed(ctx(), admin.orgId), before - total, 'the storage usage goes down by the photo\'s three files');
    assert.equal(await photoRow(photo.id), undefined);
    assert.equal(await exists(admin.orgId, trashed.full_path), false);
    const audit = await t.db.selectFrom('audit_log').select(['actor_user_id', 'metadata']).where('org_id', '=', admin.orgId).where('action', '=', 'aura.photo.deleted_permanently').where('target_id', '=', photo.id).executeTakeFirst();
    assert.equal(audit?.actor_user_id, admin.userId);
    assert.equal((await t.request('DELETE', `/aura/api/trash/${photo.id}`, { token: admin.token, body: { confirm: true } })).statusCode, 404);
  });

  it('keeps event_temp photos on an admin\'s word and bounds the retention setting', async () => {
    const temp = await createPhoto(ctx(), admin, { folder: 'party', sourceType: 'event_temp' });
    const cloud = await createPhoto(ctx(), admin, { folder: 'party' });
    assert.equal((await t.request('POST', `/aura/api/photos/${temp.id}/keep`, { token: employee.token, body: {} })).statusCode, 403);
    assert.equal((await t.request('POST', `/aura/api/photos/${temp.id}/keep`, { token: other.token, body: {} })).statusCode, 404);
    assert.equal((await t.request('POST', `/aura/api/photos/${cloud.id}/keep`, { token: admin.token, body: {} })).json().code, 'NOT_EVENT_TEMP');
    const kept = await t.request('POST', `/aura/api/photos/${temp.id}/keep`, { token: admin.token, body: {} });
    assert.equal(kept.statusCode, 200, kept.body);
    assert.equal(kept.json().kept_permanently, true);
    assert.equal((await photoRow(temp.id))?.kept_permanently, true);

    assert.deepEqual((await t.request('GET', '/aura/api/settings/retention', { token: employee.token })).json(), { trash_retention_days: 30, event_temp_days: 30 });
    assert.equal((await t.request('PUT', '/aura/api/settings/retention', { token: employee.token, body: { trash_retention_days: 10 } })).statusCode, 403);
    for (const bad of [0, 366, 1.5]) {
      assert.equal((await t.request('PUT', '/aura/api/settings/retention', { token: admin.token, body: { trash_retention_days: bad } })).statusCode, 400, `${bad} is refused`);
    }
    const set = await t.request('PUT', '/aura/api/settings/retention', { token: admin.token, body: { trash_retention_days: 10 } });
    assert.equal(set.statusCode, 200, set.body);
    assert.equal((await t.request('GET', '/aura/api/settings/retention', { token: other.token })).json().trash_retention_days, 30, 'per tenant');
  });

  it('loses nothing when the move dies between copying the files and committing the rows', async () => {
    const photo = await createPhoto(ctx(), admin, { folder: 'crash' });
    const keysBefore = await keysOf(admin.orgId);
    // The transaction that would commit the move fails after the bytes were copied (as a crash would).
    const fn = `aura_test_crash_${photo.id.replace(/-/g, '')}`;
    await sql.raw(`create function ${fn}() returns trigger language plpgsql as $$ begin raise exception 'simulated crash'; end $$`).execute(t.db);
    await sql.raw(`create trigger ${fn} before update on aura_photos for each row when (old.id = '${photo.id}') execute function ${fn}()`).execute(t.db);
    try {
      const res = await t.request('DELETE', `/aura/api/photos/${photo.id}`, { token: admin.token });
      assert.equal(res.statusCode, 500);
    } finally {
      await sql.raw(`drop trigger ${fn} on aura_photos; drop function ${fn}()`).execute(t.db);
    }
    const row = await photoRow(photo.id);
    assert.equal(row?.trashed_at, null, 'the photo is still live');
    assert.equal(row?.full_path, photo.fullPath);
    assert.deepEqual(await keysOf(admin.orgId), keysBefore, 'the catalog still points at the original files');
    assert.deepEqual(await readBytes(admin.orgId, photo.fullPath), photo.bytes, 'and they are all there');
    assert.ok(await exists(admin.orgId, photo.thumbKey));

    const retry = await t.request('DELETE', `/aura/api/photos/${photo.id}`, { token: admin.token });
    assert.equal(retry.statusCode, 200, retry.body);
    assert.deepEqual(await readBytes(admin.orgId, retry.json().full_path), photo.bytes, 'the next try moves it whole');
  });
});


import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { startTestPlatform, type TestPlatform, type TestUser } from '../../support/platform.js';
import { auraApp } from '../../../src/apps/aura/index.js';
import { auraDb } from '../../../src/apps/aura/db.js';

/**
 * The seed's RLS matrix, proven in the database: hand-written SQL in an employee's tenant
 * transaction cannot delete or change photos, events or settings; an admin's can (the control).
 */
describe('aura RLS matrix', () => {
  let t: TestPlatform;
  let owner: TestUser;
  let employee: TestUser;
  let viewer: TestUser;
  const ctx = () => t.platform.ctx;

  before(async () => {
    t = await startTestPlatform({ apps: [auraApp] });
    owner = await t.signup('aura-rls-owner');
    employee = await t.addMember(owner, 'member', 'aura-rls-employee');
    viewer = await t.addMember(owner, 'viewer', 'aura-rls-viewer');
  });
  after(() => t.close());

  /** A photo row written as the platform (no files needed for a policy check). */
  async function photoRow(): Promise<string> {
    const hash = randomBytes(32).toString('hex');
    const row = await auraDb.withSystem(ctx(), (tx) =>
      tx.insertInto('aura_photos').values({
        org_id: owner.orgId, path: `${hash}.jpg`, full_path: `photos/x/2026/unsorted/originals/${hash}.jpg`, original_name: 'a.jpg',
        content_type: 'image/jpeg', size_bytes: 1, content_hash: hash, source_type: 'cloud',
      }).returning('id').executeTakeFirstOrThrow(),
    );
    return row.id;
  }
  const as = (u: TestUser) => ({ orgId: owner.orgId, userId: u.userId });
  const exists = async (id: string) => Boolean(await auraDb.withSystem(ctx(), (tx) => tx.selectFrom('aura_photos').select('id').where('id', '=', id).executeTakeFirst()));

  it('an employee\'s transaction can read and insert photos but not delete or update them, even with raw SQL', async () => {
    const id = await photoRow();
    const deleted = await auraDb.withTenant(ctx(), as(employee), (tx) => sql`delete from aura_photos where id = ${id}`.execute(tx));
    assert.equal(Number(deleted.numAffectedRows), 0, 'the restrictive policy hides the row from DELETE');
    const updated = await auraDb.withTenant(ctx(), as(employee), (tx) => sql`update aura_photos set source_type = 'event_temp' where id = ${id}`.execute(tx));
    assert.equal(Number(updated.numAffectedRows), 0);
    assert.equal(await exists(id), true);
    const seen = await auraDb.withTenant(ctx(), as(employee), (tx) => sql<{ n: number }>`select count(*)::int as n from aura_photos where id = ${id}`.execute(tx));
    assert.equal(seen.rows[0]!.n, 1, 'employees SELECT photos');
    const hash = randomBytes(32).toString('hex');
    await auraDb.withTenant(ctx(), as(employee), (tx) =>
      sql`insert into aura_photos (org_id, path, full_path, original_name, content_type, size_bytes, content_hash, source_type)
          values (${owner.orgId}, 'e.jpg', ${`photos/x/2026/unsorted/originals/${hash}.jpg`}, 'e.jpg', 'image/jpeg', 1, ${hash}, 'cloud')`.execute(tx),
    );
  });

  it('control: the admin\'s transaction deletes the same photo', async () => {
    const id = await photoRow();
    const deleted = await auraDb.withTenant(ctx(), as(owner), (tx) => sql`delete from aura_photos where id = ${id}`.execute(tx));
    assert.equal(Number(deleted.numAffectedRows), 1);
    assert.equal(await exists(id), false);
  });

  it('a viewer cannot even insert; nobody can change settings or read PINs but admins', async () => {
    const hash = randomBytes(32).toString('hex');
    await assert.rejects(
      auraDb.withTenant(ctx(), as(viewer), (tx) =>
        sql`insert into aura_photos (org_id, path, full_path, original_name, content_type, size_bytes, content_hash, source_type)
            values (${owner.orgId}, 'v.jpg', ${`photos/x/2026/unsorted/originals/${hash}.jpg`}, 'v.jpg', 'image/jpeg', 1, ${hash}, 'cloud')`.execute(tx),
      ),
      /row-level security/,
    );
    await assert.rejects(
      auraDb.withTenant(ctx(), as(employee), (tx) => sql`insert into aura_settings (org_id, station_login_enabled, pin_salt) values (${owner.orgId}, true, ${randomBytes(16)})`.execute(tx)),
      /row-level security/,
    );
    await auraDb.withTenant(ctx(), as(owner), (tx) => sql`insert into aura_settings (org_id, pin_salt) values (${owner.orgId}, ${randomBytes(16)}) on conflict do nothing`.execute(tx));
    const changed = await auraDb.withTenant(ctx(), as(employee), (tx) => sql`update aura_settings set station_login_enabled = true where org_id = ${owner.orgId}`.execute(tx));
    assert.equal(Number(changed.numAffectedRows), 0, 'employees cannot change settings');
    const byAdmin = await auraDb.withTenant(ctx(), as(owner), (tx) => sql`update aura_settings set station_login_enabled = false where org_id = ${owner.orgId}`.execute(tx));
    assert.equal(Number(byAdmin.numAffectedRows), 1);
    await auraDb.withSystem(ctx(), (tx) => tx.insertInto('aura_station_pins').values({ org_id: owner.orgId, user_id: employee.userId, pin_hash: 'x' }).execute());
    const pins = await auraDb.withTenant(ctx(), as(employee), (tx) => sql<{ n: number }>`select count(*)::int as n from aura_station_pins`.execute(tx));
    assert.equal(pins.rows[0]!.n, 0, 'PIN hashes are hidden from employees');
    const adminPins = await auraDb.withTenant(ctx(), as(owner), (tx) => sql<{ n: number }>`select count(*)::int as n from aura_station_pins`.execute(tx));
    assert.equal(adminPins.rows[0]!.n, 1);
  });

  it('an API key acts with its own role: a member key cannot delete, an admin key can', async () => {
    const memberKey = (await t.request('POST', '/api/v1/api-keys', { token: owner.token, body: { name: 'sync agent', role: 'member', scopes: ['aura'] } })).json();
    const adminKey = (await t.request('POST', '/api/v1/api-keys', { token: owner.token, body: { name: 'admin agent', role: 'admin', scopes: ['aura'] } })).json();
    const id = await photoRow();
    const byMemberKey = await auraDb.withTenant(ctx(), { orgId: owner.orgId, apiKeyId: memberKey.id }, (tx) => sql`delete from aura_photos where id = ${id}`.execute(tx));
    assert.equal(Number(byMemberKey.numAffectedRows), 0);
    const byAdminKey = await auraDb.withTenant(ctx(), { orgId: owner.orgId, apiKeyId: adminKey.id }, (tx) => sql`delete from aura_photos where id = ${id}`.execute(tx));
    assert.equal(Number(byAdminKey.numAffectedRows), 1);
  });

  it('a removed member keeps no rights, whatever the transaction says', async () => {
    const leaver = await t.addMember(owner, 'admin', 'aura-rls-leaver');
    await t.db.deleteFrom('memberships').where('org_id', '=', owner.orgId).where('user_id', '=', leaver.userId).execute();
    const id = await photoRow();
    const deleted = await auraDb.withTenant(ctx(), as(leaver), (tx) => sql`delete from aura_photos where id = ${id}`.execute(tx));
    assert.equal(Number(deleted.numAffectedRows), 0);
  });
});

import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import JSZip from 'jszip';
import { startTestPlatform, type TestPlatform, type TestUser } from '../../support/platform.js';
import { auraApp } from '../../../src/apps/aura/index.js';
import { auraDb } from '../../../src/apps/aura/db.js';
import { createPhoto } from './photo-fixtures.js';

/** Issue #11 item 8 (backup export) and the seed's 6C: the org's photos and data as one streamed ZIP. */
describe('aura backup export', () => {
  let t: TestPlatform;
  let admin: TestUser;
  let employee: TestUser;
  let other: TestUser;

  before(async () => {
    t = await startTestPlatform({ apps: [auraApp] });
    admin = await t.signup('aura-export');
    employee = await t.addMember(admin, 'editor', 'aura-export-employee');
    other = await t.signup('aura-export-other');
  });
  after(() => t.close());

  it('exports every photo at its path plus data.json, for an admin only, audited', async () => {
    const ctx = t.platform.ctx;
    const event = await auraDb.db(ctx).insertInto('aura_events').values({ org_id: admin.orgId, name: 'Smith wedding', folder: 'smith-wedding', guest_token: randomBytes(32).toString('base64url') }).returning('id').executeTakeFirstOrThrow();
    const live = await createPhoto(ctx, admin, { folder: 'smith-wedding' });
    await auraDb.db(ctx).updateTable('aura_photos').set({ event_id: event.id }).where('id', '=', live.id).execute();
    const trashed = await createPhoto(ctx, admin, { folder: 'smith-wedding' });
    assert.equal((await t.request('DELETE', `/aura/api/photos/${trashed.id}`, { token: admin.token })).statusCode, 200);
    const bundle = (await t.request('POST', '/aura/api/bundles', { token: admin.token, body: { name: 'Guests', photo_ids: [live.id] } })).json();
    const theirs = await createPhoto(ctx, other, { folder: 'theirs' });

    assert.equal((await t.request('GET', '/aura/api/export', { token: employee.token })).statusCode, 403, 'employees cannot export');
    const res = await t.request('GET', '/aura/api/export', { token: admin.token });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.headers['content-type'], 'application/zip');
    assert.match(String(res.headers['content-disposition']), /aura-export-\d{4}-\d{2}-\d{2}\.zip/);

    const zip = await JSZip.loadAsync(res.rawPayload);
    const names = Object.keys(zip.files).filter((n) => !zip.files[n].dir).sort();
    const trashedPath = (await auraDb.db(ctx).selectFrom('aura_photos').select('full_path').where('id', '=', trashed.id).executeTakeFirstOrThrow()).full_path;
    assert.deepEqual(names, ['data.json', live.fullPath, trashedPath].sort(), 'originals at their storage paths (trash included), nothing of another org');
    assert.deepEqual(await zip.files[live.fullPath].async('nodebuffer'), live.bytes);
    assert.deepEqual(await zip.files[trashedPath].async('nodebuffer'), trashed.bytes);

    const data = JSON.parse(await zip.files['data.json'].async('string'));
    assert.equal(data.format, 'aura-export/1');
    assert.equal(data.org.id, admin.orgId);
    assert.deepEqual(data.events.map((e: { name: string }) => e.name), ['Smith wedding']);
    assert.deepEqual(data.photos.map((p: { id: string }) => p.id).sort(), [live.id, trashed.id].sort());
    assert.ok(!JSON.stringify(data).includes(theirs.id));
    assert.equal(data.photos.find((p: { id: string }) => p.id === trashed.id).trashed_from, trashed.fullPath);
    assert.deepEqual(data.bundles.map((b: { id: string; photo_ids: string[] }) => [b.id, b.photo_ids]), [[bundle.id, [live.id]]]);

    const audit = await t.db.selectFrom('audit_log').select('actor_user_id').where('org_id', '=', admin.orgId).where('action', '=', 'aura.export').execute();
    assert.deepEqual(audit.map((a) => a.actor_user_id), [admin.userId]);
  });

  it('exports the other org\'s own photo only, with empty lists where it has nothing', async () => {
    const res = await t.request('GET', '/aura/api/export', { token: other.token });
    const zip = await JSZip.loadAsync(res.rawPayload);
    const data = JSON.parse(await zip.files['data.json'].async('string'));
    assert.equal(data.photos.length, 1);
    assert.deepEqual(data.events, []);
    assert.deepEqual(data.bundles, []);
  });
});

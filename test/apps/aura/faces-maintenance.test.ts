import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestPlatform, type TestPlatform, type TestUser } from '../../support/platform.js';
import { auraApp } from '../../../src/apps/aura/index.js';
import { auraDb } from '../../../src/apps/aura/db.js';
import { faceSearchMode } from '../../../src/apps/aura/faces/face-vectors.js';
import { replacePhotoFaces } from '../../../src/apps/aura/faces/face-store.js';
import { matchFaces } from '../../../src/apps/aura/faces/face-search.js';
import { reindexFaces } from '../../../src/apps/aura/faces/face-index.js';
import { redetectFaces } from '../../../src/apps/aura/faces/redetect.js';
import type { DetectedFace } from '../../../src/apps/aura/faces/face-engine.js';
import { facelessPhoto, insertEvent, insertPhotoWithVariant } from './face-fixtures.js';

/** A synthetic face: what matters here is storage and search, not the model. */
const face = (seed: number): DetectedFace => ({
  box: { x: 10, y: 20, width: 100, height: 120 },
  descriptor: Float32Array.from({ length: 128 }, (_, i) => Math.sin(seed * 7.3 + i * 0.37) + (i === seed % 128 ? 3 : 0)),
  score: 0.9,
  quality: 0.8,
});

describe('aura faces: event follow, reindex and redetect (no model needed)', () => {
  let t: TestPlatform;
  let owner: TestUser;
  let other: TestUser;

  before(async () => {
    // Workers off: redetect only queues; detection itself is tested in faces.test.ts.
    t = await startTestPlatform({ apps: [auraApp], env: { WORKERS: 'off' } });
    owner = await t.signup('aura-faces-maint');
    other = await t.signup('aura-faces-maint-other');
  });
  after(() => t?.close());

  it('a photo moved to another event takes its faces with it', async () => {
    const ctx = t.platform.ctx;
    const [e1, e2] = [await insertEvent(ctx, owner.orgId, 'First'), await insertEvent(ctx, owner.orgId, 'Second')];
    const photo = await insertPhotoWithVariant(ctx, owner.orgId, await facelessPhoto(), { eventId: e1 });
    const mode = await faceSearchMode(ctx);
    await auraDb.withTenant(ctx, { orgId: owner.orgId }, (tx) => replacePhotoFaces(tx, mode, { orgId: owner.orgId, photoId: photo.id, eventId: e1 }, [face(1), face(2)]));
    await auraDb.withTenant(ctx, { orgId: owner.orgId }, (tx) => tx.updateTable('aura_photos').set({ event_id: e2 }).where('org_id', '=', owner.orgId).where('id', '=', photo.id).execute());
    const rows = await auraDb.withTenant(ctx, { orgId: owner.orgId }, (tx) => tx.selectFrom('aura_faces').select('event_id').where('org_id', '=', owner.orgId).where('photo_id', '=', photo.id).execute());
    assert.deepEqual(rows.map((r) => r.event_id), [e2, e2]);
  });

  it('reindex fills the vector column of faces written without it, and vector search then finds them', async (tc) => {
    const ctx = t.platform.ctx;
    if ((await faceSearchMode(ctx)) !== 'vector') {
      const result = await reindexFaces(ctx);
      assert.equal(result.mode, 'exact', 'without pgvector, reindex says search stays exact');
      tc.skip('this PostgreSQL has no vector extension');
      return;
    }
    const photo = await insertPhotoWithVariant(ctx, owner.orgId, await facelessPhoto());
    // Written as a database without pgvector would: descriptor only.
    await auraDb.withTenant(ctx, { orgId: owner.orgId }, (tx) => replacePhotoFaces(tx, 'exact', { orgId: owner.orgId, photoId: photo.id, eventId: null }, [face(40)]));
    const query = (await auraDb.withTenant(ctx, { orgId: owner.orgId }, (tx) => tx.selectFrom('aura_faces').select('descriptor').where('photo_id', '=', photo.id).executeTakeFirstOrThrow())).descriptor;
    const search = () => auraDb.withTenant(ctx, { orgId: owner.orgId }, (tx) => matchFaces(tx, 'vector', { orgId: owner.orgId, descriptor: query, threshold: 0.99, limit: 5, efSearch: 40 }));
    assert.deepEqual(await search(), [], 'no embedding yet: the index cannot see it');
    const ticks: number[] = [];
    const result = await reindexFaces(ctx, { start: () => {}, tick: (d) => ticks.push(d), stop: () => {} });
    assert.equal(result.mode, 'vector');
    assert.ok(result.backfilled >= 1);
    assert.ok(ticks.length >= 1);
    assert.deepEqual((await search()).map((r) => r.photo_id), [photo.id]);
  });

  it('redetect queues a job per photo with its variant, for one org or one event, and refuses an unknown org', async () => {
    const ctx = t.platform.ctx;
    const event = await insertEvent(ctx, other.orgId, 'Theirs');
    await insertPhotoWithVariant(ctx, other.orgId, await facelessPhoto(), { eventId: event });
    await insertPhotoWithVariant(ctx, other.orgId, await facelessPhoto());
    const slug = (await t.db.selectFrom('orgs').select('slug').where('id', '=', other.orgId).executeTakeFirstOrThrow()).slug;
    const seen: number[] = [];
    assert.deepEqual(await redetectFaces(ctx, { orgSlug: slug }, (done) => seen.push(done)), { queued: 2 });
    assert.deepEqual(seen, [0, 1, 2]);
    assert.deepEqual(await redetectFaces(ctx, { orgSlug: slug, eventId: event }), { queued: 1 });
    const jobs = await ctx.jobs.list(other.orgId, { page: 1, limit: 20, name: 'aura.detect-faces' });
    assert.equal(jobs.total, 3);
    await assert.rejects(redetectFaces(ctx, { orgSlug: 'no-such-org-here' }), /No organization has the slug/);
  });
});

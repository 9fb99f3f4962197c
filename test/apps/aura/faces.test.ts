import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestPlatform, type TestPlatform, type TestUser } from '../../support/platform.js';
import { multipartForm } from '../../support/multipart.js';
import { auraApp } from '../../../src/apps/aura/index.js';
import { FaceApiEngine, DEFAULT_FACE_API_OPTIONS } from '../../../src/apps/aura/faces/face-api-engine.js';
import { enqueueFaceDetection } from '../../../src/apps/aura/faces/detect-faces.job.js';
import { auraDb } from '../../../src/apps/aura/db.js';
import { faceSearchMode, unitDescriptor } from '../../../src/apps/aura/faces/face-vectors.js';
import { matchFaces } from '../../../src/apps/aura/faces/face-search.js';
import { waitForJobEnd } from '../../support/jobs.js';
import { faceCrop, facelessPhoto, insertEvent, insertPhotoWithVariant, samplePhoto } from './face-fixtures.js';

const waitForJob = (t: TestPlatform, orgId: string, jobId: string) => waitForJobEnd(t, orgId, jobId);

describe('aura faces: detection, the detect job and face search', () => {
  let t: TestPlatform;
  let owner: TestUser;
  let employee: TestUser;
  let other: TestUser;
  let eventId: string;
  const photos: Record<string, string> = {};
  let otherOrgsCopy: string;
  let sample1: Buffer;

  const detectAndWait = async (orgId: string, photoId: string) => {
    const jobId = await auraDb.withTenant(t.platform.ctx, { orgId }, (tx) => enqueueFaceDetection(t.platform.ctx, tx, { orgId, photoId }));
    const job = await waitForJob(t, orgId, jobId);
    assert.equal(job.state, 'completed', JSON.stringify(job));
  };
  const facesOf = (orgId: string, photoId: string) =>
    auraDb.withTenant(t.platform.ctx, { orgId }, (tx) =>
      tx.selectFrom('aura_faces').select(['box_x', 'box_y', 'box_width', 'box_height', 'descriptor', 'score', 'quality', 'event_id']).where('org_id', '=', orgId).where('photo_id', '=', photoId).orderBy('box_x').execute());
  const searchJson = (token: string, body: unknown) => t.request('POST', '/aura/api/search/faces', { token, body });
  const searchSelfie = (token: string, image: Buffer, fields: Record<string, string> = {}) => {
    const form = multipartForm(fields, [{ field: 'selfie', filename: 'me.jpg', type: 'image/jpeg', data: image }]);
    return t.server.inject({ method: 'POST', url: '/aura/api/search/faces', headers: { authorization: `Bearer ${token}`, 'content-type': form.contentType }, payload: form.payload });
  };

  before(async () => {
    t = await startTestPlatform({ apps: [auraApp] });
    owner = await t.signup('aura-faces');
    employee = await t.addMember(owner, 'member', 'employee');
    other = await t.signup('aura-faces-other');
    sample1 = await samplePhoto(1);
    const ctx = t.platform.ctx;
    eventId = await insertEvent(ctx, owner.orgId, 'Halloween party');
    photos.s1 = (await insertPhotoWithVariant(ctx, owner.orgId, sample1, { eventId })).id;
    photos.s2 = (await insertPhotoWithVariant(ctx, owner.orgId, await samplePhoto(2))).id;
    photos.s3 = (await insertPhotoWithVariant(ctx, owner.orgId, await samplePhoto(3))).id;
    otherOrgsCopy = (await insertPhotoWithVariant(ctx, other.orgId, sample1)).id;
    for (const id of [photos.s1, photos.s2, photos.s3]) await detectAndWait(owner.orgId, id!);
    await detectAndWait(other.orgId, otherOrgsCopy);
  });
  after(() => t?.close());

  it('the engine finds each face of a group photo with a 128-d descriptor, in the photo\'s own pixels, and none in a photo without faces', async () => {
    const engine = new FaceApiEngine({ ...DEFAULT_FACE_API_OPTIONS, maxSide: 800 });
    const faces = await engine.detect(sample1);
    assert.equal(faces.length, 3);
    for (const f of faces) {
      assert.equal(f.descriptor.length, 128);
      assert.ok(f.score >= 0.5 && f.score <= 1);
      assert.ok(f.quality > 0 && f.quality <= 1, `quality ${f.quality}`);
      // Scaled to 800 px for detection, mapped back to the 1920 × 1280 original.
      assert.ok(f.box.x >= 0 && f.box.y >= 0 && f.box.x + f.box.width <= 1920.5 && f.box.y + f.box.height <= 1280.5, JSON.stringify(f.box));
      assert.ok(f.box.width > 120, `a face of the sample is about 150 px wide at full size, got ${f.box.width}`);
    }
    assert.deepEqual(await engine.detect(await facelessPhoto()), []);
    await assert.rejects(engine.detect(Buffer.from('not an image')), (err: { code?: string }) => err.code === 'IMAGE_UNREADABLE');
  });

  it('the job stores each photo\'s faces with unit descriptors and the event, records usage, and a rerun gives the same rows', async () => {
    const first = await facesOf(owner.orgId, photos.s1!);
    assert.equal(first.length, 3);
    for (const f of first) {
      assert.equal(f.descriptor.length, 128);
      assert.ok(Math.abs(Math.hypot(...f.descriptor) - 1) < 1e-4);
      assert.equal(f.event_id, eventId);
    }
    assert.equal((await facesOf(owner.orgId, photos.s2!)).length, 3);
    await detectAndWait(owner.orgId, photos.s1!);
    const again = await facesOf(owner.orgId, photos.s1!);
    assert.deepEqual(again, first, 'detection is deterministic and the rows are replaced, not added');
    const usage = await auraDb.withTenant(t.platform.ctx, { orgId: owner.orgId }, (tx) => tx.selectFrom('usage_events').select('metadata').where('org_id', '=', owner.orgId).where('action', '=', 'aura.face_detection').execute());
    assert.equal(usage.length, 4);
  });

  it('a selfie (a crop of one face, rescaled) finds the photo of that person and no other, never another org\'s copy', async () => {
    const [face] = await facesOf(owner.orgId, photos.s1!);
    const selfie = await faceCrop(sample1, { x: face!.box_x, y: face!.box_y, width: face!.box_width, height: face!.box_height });
    const res = await searchSelfie(employee.token, selfie);
    assert.equal(res.statusCode, 200, res.body);
    const body = res.json();
    assert.deepEqual(body.results.map((r: { photo_id: string }) => r.photo_id), [photos.s1], JSON.stringify(body));
    assert.ok(body.results[0].similarity >= body.threshold);
    assert.ok(Math.abs(body.results[0].box.x - face!.box_x) < 2, 'the best face is the one cropped');
    const asOther = (await searchSelfie(other.token, selfie)).json();
    assert.deepEqual(asOther.results.map((r: { photo_id: string }) => r.photo_id), [otherOrgsCopy], 'each org sees only its own copy');
    const searches = await auraDb.withTenant(t.platform.ctx, { orgId: owner.orgId }, (tx) => tx.selectFrom('usage_events').select('metadata').where('org_id', '=', owner.orgId).where('action', '=', 'aura.search').execute());
    assert.ok(searches.some((s) => (s.metadata as { source?: string }).source === 'selfie'));
  });

  it('a descriptor computed in the browser searches the same way, within an event, and another org\'s event answers 404', async () => {
    const faces = await facesOf(owner.orgId, photos.s2!);
    const res = await searchJson(owner.token, { descriptor: faces[1]!.descriptor, limit: 5 });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.json().results[0].photo_id, photos.s2);
    assert.ok(!res.json().results.some((r: { photo_id: string }) => r.photo_id === otherOrgsCopy));
    const inEvent = await searchJson(owner.token, { descriptor: faces[1]!.descriptor, event_id: eventId });
    assert.deepEqual(inEvent.json().results, [], 'the person of sample 2 is not in the event');
    const s1 = await facesOf(owner.orgId, photos.s1!);
    const inEventHit = await searchJson(owner.token, { descriptor: s1[2]!.descriptor, event_id: eventId });
    assert.deepEqual(inEventHit.json().results.map((r: { photo_id: string }) => r.photo_id), [photos.s1]);
    const otherEvent = await insertEvent(t.platform.ctx, other.orgId, 'Their event');
    const foreign = await searchJson(owner.token, { descriptor: s1[0]!.descriptor, event_id: otherEvent });
    assert.equal(foreign.statusCode, 404, foreign.body);
  });

  it('exact search and the HNSW search give the same photos and similarities', async () => {
    const ctx = t.platform.ctx;
    const mode = await faceSearchMode(ctx);
    // PGlite ships pgvector: the HNSW path must be the one in use there.
    if (!process.env.DATABASE_URL) assert.equal(mode, 'vector');
    const queries = [...(await facesOf(owner.orgId, photos.s1!)), ...(await facesOf(owner.orgId, photos.s3!))].map((f) => unitDescriptor(f.descriptor));
    for (const threshold of [0.94, 0.85]) {
      for (const descriptor of queries) {
        const run = (m: 'vector' | 'exact') => auraDb.withTenant(ctx, { orgId: owner.orgId }, (tx) => matchFaces(tx, m, { orgId: owner.orgId, descriptor, threshold, limit: 10, efSearch: 100 }));
        const exact = await run('exact');
        assert.ok(exact.length >= 1);
        if (mode !== 'vector') continue; // PostgreSQL without pgvector: exact is the only mode
        const vector = await run('vector');
        assert.deepEqual(vector.map((r) => r.photo_id), exact.map((r) => r.photo_id));
        vector.forEach((v, i) => assert.ok(Math.abs(v.similarity - exact[i]!.similarity) < 1e-4));
      }
    }
  });

  it('refuses bad input with clear errors', async () => {
    const noFace = await searchSelfie(owner.token, await facelessPhoto());
    assert.equal(noFace.statusCode, 422);
    assert.equal(noFace.json().code, 'NO_FACE');
    const group = await searchSelfie(owner.token, await samplePhoto(4));
    assert.equal(group.statusCode, 422);
    assert.equal(group.json().code, 'SEVERAL_FACES');
    assert.match(group.json().error, /choose a photo with only your face/);
    const garbage = await searchSelfie(owner.token, Buffer.from('definitely not a jpeg'));
    assert.equal(garbage.statusCode, 422);
    assert.equal(garbage.json().code, 'IMAGE_UNREADABLE');
    const descriptor = Array.from({ length: 128 }, (_, i) => Math.sin(i));
    for (const body of [{ descriptor: descriptor.slice(0, 10) }, { descriptor, threshold: 0.2 }, { descriptor, threshold: 1.5 }, { descriptor, limit: 0 }, { descriptor, event_id: 'nope' }, {}, { descriptor: Array(128).fill(0) }]) {
      const res = await searchJson(owner.token, body);
      assert.equal(res.statusCode, 400, `${JSON.stringify(body).slice(0, 80)} → ${res.body}`);
      assert.equal(res.json().success, false);
    }
    const badField = await searchSelfie(owner.token, await facelessPhoto(), { threshold: '3' });
    assert.equal(badField.statusCode, 400);
    assert.equal((await searchJson('', { descriptor })).statusCode, 401);
  });
});

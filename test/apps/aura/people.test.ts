import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import sharp from 'sharp';
import { startTestPlatform, type TestPlatform, type TestUser } from '../../support/platform.js';
import { assertError } from '../../support/envelope.js';
import { waitForJobEnd } from '../../support/jobs.js';
import { auraApp } from '../../../src/apps/aura/index.js';
import { auraDb } from '../../../src/apps/aura/db.js';
import { enqueueFaceDetection } from '../../../src/apps/aura/faces/detect-faces.job.js';
import { FaceApiEngine, DEFAULT_FACE_API_OPTIONS } from '../../../src/apps/aura/faces/face-api-engine.js';
import { faceCrop, facelessPhoto, insertPhotoWithVariant, samplePhoto } from './face-fixtures.js';
import { jpegPart, uploadPhotos } from './aura-fixtures.js';

interface Person {
  id: string;
  name: string | null;
  hidden: boolean;
  face_count: number;
  photo_count: number;
  cover: { face_id: string; photo_id: string; thumb_url: string } | null;
}

/**
 * People from face-api's sample photos. The samples show different people, so "the same person
 * in several photos" is made from one face of sample 1: the group photo itself, a close crop of
 * that face, and a smaller mirrored, brighter crop. A second face of sample 1 appears in a crop
 * too; sample 2 brings three strangers.
 */
describe('aura people: faces clustered into people, named, merged and split', () => {
  let t: TestPlatform;
  let owner: TestUser;
  let employee: TestUser;
  let other: TestUser;
  const photo: Record<string, string> = {};
  let otherPhoto: string;

  const detect = async (orgId: string, photoId: string) => {
    const jobId = await auraDb.withTenant(t.platform.ctx, { orgId }, (tx) => enqueueFaceDetection(t.platform.ctx, tx, { orgId, photoId }));
    const job = await waitForJobEnd(t, orgId, jobId);
    assert.equal(job.state, 'completed', JSON.stringify(job));
  };
  const get = (token: string, url: string) => t.request('GET', url, { token });
  const people = async (token: string, query = ''): Promise<Person[]> => {
    const res = await get(token, `/aura/api/people?limit=100${query}`);
    assert.equal(res.statusCode, 200, res.body);
    return res.json().items;
  };
  const photosOf = async (token: string, personId: string): Promise<string[]> => {
    const res = await get(token, `/aura/api/people/${personId}/photos?limit=100`);
    assert.equal(res.statusCode, 200, res.body);
    return res.json().items.map((p: { id: string }) => p.id).sort();
  };
  const personOf = async (photoId: string, boxX?: number): Promise<string> => {
    const faces = await auraDb.withSystem(t.platform.ctx, (tx) => tx.selectFrom('aura_faces').select(['person_id', 'box_x']).where('photo_id', '=', photoId).orderBy('box_x').execute());
    const face = boxX === undefined ? faces[0] : faces.reduce((a, b) => (Math.abs(b.box_x - boxX) < Math.abs(a.box_x - boxX) ? b : a));
    assert.ok(face?.person_id, `photo ${photoId} has a face with a person`);
    return face.person_id;
  };

  before(async () => {
    t = await startTestPlatform({ apps: [auraApp] });
    owner = await t.signup('aura-people');
    employee = await t.addMember(owner, 'member', 'aura-people-employee');
    other = await t.signup('aura-people-other');
    const ctx = t.platform.ctx;
    const s1 = await samplePhoto(1);
    const faces = await new FaceApiEngine(DEFAULT_FACE_API_OPTIONS).detect(s1);
    const [a, b] = [faces[0]!, faces[1]!];
    photo.group = (await insertPhotoWithVariant(ctx, owner.orgId, s1, { name: 'group.jpg' })).id;
    photo.a1 = (await insertPhotoWithVariant(ctx, owner.orgId, await faceCrop(s1, a.box, 400), { name: 'a1.jpg' })).id;
    photo.a2 = (await insertPhotoWithVariant(ctx, owner.orgId, await sharp(await faceCrop(s1, a.box, 300)).flop().modulate({ brightness: 1.1 }).jpeg().toBuffer(), { name: 'a2.jpg' })).id;
    photo.b1 = (await insertPhotoWithVariant(ctx, owner.orgId, await faceCrop(s1, b.box, 400), { name: 'b1.jpg' })).id;
    photo.s2 = (await insertPhotoWithVariant(ctx, owner.orgId, await samplePhoto(2), { name: 's2.jpg' })).id;
    otherPhoto = (await insertPhotoWithVariant(ctx, other.orgId, await faceCrop(s1, a.box, 400), { name: 'a1.jpg' })).id;
    for (const id of Object.values(photo)) await detect(owner.orgId, id);
    await detect(other.orgId, otherPhoto);
    photo.aBox = String(a.box.x);
    photo.bBox = String(b.box.x);
  });
  after(() => t?.close());

  it('detection groups the same face across photos into one person and strangers into their own', async () => {
    const list = await people(employee.token);
    // Sample 1's three faces and sample 2's three: six people, the crops joined their faces' people.
    assert.equal(list.length, 6, JSON.stringify(list.map((p) => [p.face_count, p.photo_count])));
    const a = await personOf(photo.group!, Number(photo.aBox));
    const b = await personOf(photo.group!, Number(photo.bBox));
    assert.notEqual(a, b);
    assert.equal(await personOf(photo.a1!), a);
    assert.equal(await personOf(photo.a2!), a, 'the mirrored, brighter crop is the same person');
    assert.equal(await personOf(photo.b1!), b);
    assert.deepEqual(await photosOf(employee.token, a), [photo.group, photo.a1, photo.a2].sort());
    assert.deepEqual(await photosOf(employee.token, b), [photo.group, photo.b1].sort());
    const personA = list.find((p) => p.id === a)!;
    assert.equal(personA.face_count, 3);
    assert.equal(personA.photo_count, 3);
    assert.equal(list[0]!.id, a, 'most faces first');
    assert.ok(personA.cover);
    const cover = await t.server.inject({ method: 'GET', url: personA.cover.thumb_url, headers: { authorization: `Bearer ${employee.token}` } });
    assert.equal(cover.statusCode, 200);
    assert.equal(cover.headers['content-type'], 'image/webp');
    const meta = await sharp(cover.rawPayload).metadata();
    assert.equal(meta.width, 200);
  });

  it('answers the faces of a photo placed on the picture, with their people, whatever the photo\'s size', async () => {
    // Sample 1 uploaded at twice its size: detection runs on its 2000 px variant, so the boxes
    // are in that variant's pixels; the fractions must still fall on the same faces.
    // In a studio of its own, so the other tests' people and counts stay as they are.
    const studio = await t.signup('aura-people-sizes');
    const s1 = await samplePhoto(1);
    const s1Size = await sharp(s1).metadata();
    const group = await insertPhotoWithVariant(t.platform.ctx, studio.orgId, s1, { name: 'group.jpg' });
    await detect(studio.orgId, group.id);
    const event = await t.request('POST', '/aura/api/events', { token: studio.token, body: { name: 'Large prints' } });
    assert.equal(event.statusCode, 201, event.body);
    const upload = await uploadPhotos(t, studio.token, { event_id: event.json().id }, [jpegPart('large-group.jpg', await sharp(s1).resize(s1Size.width! * 2).jpeg({ quality: 90 }).toBuffer())]);
    assert.equal(upload.statusCode, 200, upload.body);
    const large = upload.json().files[0].photo as { id: string; width: number };
    assert.equal(large.width, s1Size.width! * 2);
    const job = await t.db.selectFrom('job_runs').select('id').where('org_id', '=', studio.orgId).where('name', '=', 'aura.detect-faces').orderBy('created_at', 'desc').executeTakeFirstOrThrow();
    assert.equal((await waitForJobEnd(t, studio.orgId, job.id)).state, 'completed');

    const res = await get(studio.token, `/aura/api/photos/${large.id}/faces`);
    assert.equal(res.statusCode, 200, res.body);
    const faces = res.json().items as Array<{ fraction: { x: number; y: number; width: number; height: number }; person: { id: string } | null; url: string }>;
    const original = (await new FaceApiEngine(DEFAULT_FACE_API_OPTIONS).detect(s1)).sort((f, g) => f.box.x - g.box.x);
    assert.equal(faces.length, original.length);
    faces.forEach((face, i) => {
      const expected = original[i]!.box;
      // Left to right, each within 2% of the picture of where the face is in the original.
      for (const [got, want] of [[face.fraction.x, expected.x / s1Size.width!], [face.fraction.y, expected.y / s1Size.height!], [face.fraction.width, expected.width / s1Size.width!]]) {
        assert.ok(Math.abs(got! - want!) < 0.02, `face ${i}: ${JSON.stringify(face.fraction)} vs ${JSON.stringify(expected)}`);
      }
    });
    // Each face is the same person as in the photo at its own size.
    const atOwnSize = (await get(studio.token, `/aura/api/photos/${group.id}/faces`)).json().items as typeof faces;
    assert.deepEqual(faces.map((f) => f.person?.id), atOwnSize.map((f) => f.person?.id));
    assert.ok(faces.every((f) => f.person), 'every face has its person');
    assert.equal((await t.server.inject({ method: 'GET', url: faces[0]!.url, headers: { authorization: `Bearer ${studio.token}` } })).statusCode, 200);

    // Another org's photo is not found, nor a trashed one; a photo without faces has none.
    assertError(await get(owner.token, `/aura/api/photos/${large.id}/faces`), 404, 'NOT_FOUND');
    const faceless = await insertPhotoWithVariant(t.platform.ctx, studio.orgId, await facelessPhoto(), { name: 'faceless.jpg' });
    await detect(studio.orgId, faceless.id);
    assert.deepEqual((await get(studio.token, `/aura/api/photos/${faceless.id}/faces`)).json(), { items: [] });
    assert.equal((await t.request('DELETE', `/aura/api/photos/${large.id}`, { token: studio.token })).statusCode, 200);
    assertError(await get(studio.token, `/aura/api/photos/${large.id}/faces`), 404, 'NOT_FOUND');
  });

  it('another org\'s people, faces and photos answer 404; its own person of the same face is separate', async () => {
    const a = await personOf(photo.group!, Number(photo.aBox));
    const theirs = await people(other.token);
    assert.equal(theirs.length, 1);
    assert.notEqual(theirs[0]!.id, a);
    assertError(await get(other.token, `/aura/api/people/${a}`), 404, 'NOT_FOUND');
    assertError(await get(other.token, `/aura/api/people/${a}/photos`), 404, 'NOT_FOUND');
    assertError(await get(other.token, `/aura/api/people/${a}/faces`), 404, 'NOT_FOUND');
    const faceId = (await people(owner.token)).find((p) => p.id === a)!.cover!.face_id;
    assertError(await get(other.token, `/aura/api/faces/${faceId}/image`), 404, 'NOT_FOUND');
    assertError(await t.request('PATCH', `/aura/api/people/${a}`, { token: other.token, body: { name: 'X' } }), 404, 'NOT_FOUND');
    assertError(await t.request('POST', `/aura/api/people/${theirs[0]!.id}/merge`, { token: owner.token, body: { person_ids: [a] } }), 404, 'NOT_FOUND');
    assertError(await t.request('POST', `/aura/api/people/${a}/merge`, { token: owner.token, body: { person_ids: [theirs[0]!.id] } }), 404, 'NOT_FOUND');
  });

  it('admins name and hide people; employees read but may not edit (API and database)', async () => {
    const a = await personOf(photo.group!, Number(photo.aBox));
    assertError(await t.request('PATCH', `/aura/api/people/${a}`, { token: employee.token, body: { name: 'Ann' } }), 403, 'INSUFFICIENT_ROLE');
    assertError(await t.request('POST', '/aura/api/people/recluster', { token: employee.token }), 403, 'INSUFFICIENT_ROLE');
    assertError(await t.request('PATCH', `/aura/api/people/${a}`, { token: owner.token, body: { name: '' } }), 400, 'VALIDATION_ERROR');
    const named = await t.request('PATCH', `/aura/api/people/${a}`, { token: owner.token, body: { name: 'Ann' } });
    assert.equal(named.statusCode, 200, named.body);
    assert.equal(named.json().name, 'Ann');
    // Raw SQL as the employee changes nothing: the restrictive policies.
    const asEmployee = { orgId: owner.orgId, userId: employee.userId };
    const renamed = await auraDb.withTenant(t.platform.ctx, asEmployee, (tx) => sql`update aura_people set name = 'Mallory' where id = ${a}`.execute(tx));
    assert.equal(Number(renamed.numAffectedRows), 0);
    const moved = await auraDb.withTenant(t.platform.ctx, asEmployee, (tx) => sql`update aura_faces set person_id = null where person_id = ${a}`.execute(tx));
    assert.equal(Number(moved.numAffectedRows), 0);

    const b = await personOf(photo.b1!);
    assert.equal((await t.request('PATCH', `/aura/api/people/${b}`, { token: owner.token, body: { hidden: true } })).statusCode, 200);
    assert.ok(!(await people(employee.token)).some((p) => p.id === b), 'hidden people leave the list');
    assert.ok((await people(employee.token, '&include_hidden=true')).some((p) => p.id === b));
    assert.equal((await t.request('PATCH', `/aura/api/people/${b}`, { token: owner.token, body: { hidden: false } })).statusCode, 200);
  });

  it('merge moves the faces and removes the others; split makes a new person of the chosen faces', async () => {
    const a = await personOf(photo.group!, Number(photo.aBox));
    const b = await personOf(photo.b1!);
    assertError(await t.request('POST', `/aura/api/people/${a}/merge`, { token: owner.token, body: { person_ids: [a] } }), 400, 'MERGE_SELF');
    const merged = await t.request('POST', `/aura/api/people/${a}/merge`, { token: owner.token, body: { person_ids: [b] } });
    assert.equal(merged.statusCode, 200, merged.body);
    assert.equal(merged.json().face_count, 5);
    assert.equal(merged.json().name, 'Ann');
    assertError(await get(owner.token, `/aura/api/people/${b}`), 404, 'NOT_FOUND');
    assert.deepEqual(await photosOf(owner.token, a), [photo.group, photo.a1, photo.a2, photo.b1].sort());

    const faces = (await get(owner.token, `/aura/api/people/${a}/faces`)).json().items as Array<{ id: string; photo_id: string; box: { x: number } }>;
    assert.equal(faces.length, 5);
    const bFaces = faces.filter((f) => f.photo_id === photo.b1 || (f.photo_id === photo.group && Math.abs(f.box.x - Number(photo.bBox)) < 30));
    assert.equal(bFaces.length, 2);
    assertError(await t.request('POST', `/aura/api/people/${a}/split`, { token: owner.token, body: { face_ids: faces.map((f) => f.id) } }), 409, 'SPLIT_ALL');
    assertError(await t.request('POST', `/aura/api/people/${a}/split`, { token: owner.token, body: { face_ids: ['00000000-0000-4000-8000-000000000000'] } }), 404, 'NOT_FOUND');
    const split = await t.request('POST', `/aura/api/people/${a}/split`, { token: owner.token, body: { face_ids: bFaces.map((f) => f.id), name: 'Ben' } });
    assert.equal(split.statusCode, 201, split.body);
    assert.equal(split.json().name, 'Ben');
    assert.equal(split.json().face_count, 2);
    assert.deepEqual(await photosOf(owner.token, split.json().id), [photo.group, photo.b1].sort());
    assert.deepEqual(await photosOf(owner.token, a), [photo.group, photo.a1, photo.a2].sort());
  });

  it('re-detecting a photo keeps its faces with their person; a trashed photo leaves the counts', async () => {
    const a = await personOf(photo.a1!);
    await detect(owner.orgId, photo.a1!);
    assert.equal(await personOf(photo.a1!), a, 'the new face rows join the same person by centroid');
    const person = (await get(owner.token, `/aura/api/people/${a}`)).json() as Person;
    assert.equal(person.face_count, 3);
    await auraDb.withSystem(t.platform.ctx, (tx) => tx.updateTable('aura_photos').set({ trashed_at: new Date(), trashed_from: 'photos/x/2026/faces/originals/a2.jpg' }).where('id', '=', photo.a2!).execute());
    assert.equal(((await get(owner.token, `/aura/api/people/${a}`)).json() as Person).photo_count, 2);
    assert.ok(!(await photosOf(owner.token, a)).includes(photo.a2!));
    await auraDb.withSystem(t.platform.ctx, (tx) => tx.updateTable('aura_photos').set({ trashed_at: null, trashed_from: null }).where('id', '=', photo.a2!).execute());
  });

  it('recluster rebuilds the unnamed people in the background; named people keep their faces', async () => {
    const before = await people(owner.token, '&include_hidden=true');
    const unnamedBefore = before.filter((p) => !p.name).map((p) => p.id);
    const res = await t.request('POST', '/aura/api/people/recluster', { token: owner.token });
    assert.equal(res.statusCode, 202, res.body);
    const job = await waitForJobEnd(t, owner.orgId, res.json().job_id);
    assert.equal(job.state, 'completed', JSON.stringify(job));
    const after = await people(owner.token, '&include_hidden=true');
    assert.equal(after.length, before.length);
    const ann = after.find((p) => p.name === 'Ann')!;
    assert.equal(ann.face_count, 3);
    assert.equal(after.find((p) => p.name === 'Ben')!.face_count, 2);
    for (const id of unnamedBefore) assert.ok(!after.some((p) => p.id === id), 'unnamed people are new rows');
    const audit = await t.db.selectFrom('audit_log').select('action').where('org_id', '=', owner.orgId).where('action', '=', 'aura.people.recluster').execute();
    assert.equal(audit.length, 1);
  });
});

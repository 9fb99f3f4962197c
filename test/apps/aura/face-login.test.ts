import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { startTestPlatform, type TestPlatform, type TestUser } from '../../support/platform.js';
import { assertError } from '../../support/envelope.js';
import { multipartForm } from '../../support/multipart.js';
import { auraApp } from '../../../src/apps/aura/index.js';
import { FaceApiEngine, DEFAULT_FACE_API_OPTIONS } from '../../../src/apps/aura/faces/face-api-engine.js';
import { auraDb } from '../../../src/apps/aura/db.js';
import { slugOf } from './aura-fixtures.js';
import { faceCrop, facelessPhoto, samplePhoto } from './face-fixtures.js';

/**
 * The station's face + PIN login with face-api's sample photos: the employee is one face of
 * sample 1 (enrolled from one crop, logging in with another crop of the same face, mirrored),
 * the impostor another face of the same photo.
 */
describe('aura face + PIN login at the capture station', () => {
  let t: TestPlatform;
  let owner: TestUser;
  let employee: TestUser;
  let colleague: TestUser;
  let other: TestUser;
  let slug: string;
  let enrolSelfie: Buffer;
  let loginSelfie: Buffer;
  let impostor: Buffer;
  let group: Buffer;

  before(async () => {
    t = await startTestPlatform({ apps: [auraApp], env: { AURA_STATION_MAX_FAILURES: '4' } });
    owner = await t.signup('aura-face-login');
    employee = await t.addMember(owner, 'member', 'aura-face-employee');
    colleague = await t.addMember(owner, 'editor', 'aura-face-colleague');
    other = await t.signup('aura-face-other');
    slug = await slugOf(t, owner);
    group = await samplePhoto(1);
    const faces = await new FaceApiEngine(DEFAULT_FACE_API_OPTIONS).detect(group);
    assert.ok(faces.length >= 2);
    enrolSelfie = await faceCrop(group, faces[0]!.box, 320);
    // Another shot of the same face: a smaller, mirrored, brighter crop.
    loginSelfie = await sharp(await faceCrop(group, faces[0]!.box, 240)).flop().modulate({ brightness: 1.1 }).jpeg().toBuffer();
    impostor = await faceCrop(group, faces[1]!.box, 320);
    assert.equal((await t.request('PUT', `/aura/api/team/${employee.userId}/pin`, { token: owner.token, body: { pin: '2468' } })).statusCode, 204);
    assert.equal((await t.request('PUT', `/aura/api/team/${colleague.userId}/pin`, { token: owner.token, body: { pin: '1357' } })).statusCode, 204);
    assert.equal((await t.request('PUT', '/aura/api/settings', { token: owner.token, body: { station_login_enabled: true } })).statusCode, 200);
  });
  after(() => t?.close());

  const multipart = (url: string, fields: Record<string, string>, selfie: Buffer | null, token?: string, method: 'POST' | 'PUT' = 'POST') => {
    const form = multipartForm(fields, selfie ? [{ field: 'selfie', filename: 'me.jpg', type: 'image/jpeg', data: selfie }] : []);
    return t.server.inject({ method, url, headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), 'content-type': form.contentType }, payload: form.payload });
  };
  const enrol = (token: string, selfie: Buffer) => multipart('/aura/api/me/face', {}, selfie, token, 'PUT');
  const faceLogin = (pin: string, selfie: Buffer | null, orgSlug = slug) => multipart('/aura/api/auth/face-login', { org_slug: orgSlug, pin }, selfie);
  const pinLogin = (pin: string) => t.request('POST', '/aura/api/auth/station', { body: { org_slug: slug, pin } });
  const resetThrottle = () => t.db.deleteFrom('login_attempts').where('account', '=', `aura-station:${owner.orgId}`).execute();

  it('is off by default: the setting says so, face login is refused and PIN login works alone', async () => {
    const settings = (await t.request('GET', '/aura/api/settings', { token: employee.token })).json();
    assert.equal(settings.station_face_login, false);
    assertError(await faceLogin('2468', enrolSelfie), 403, 'FACE_LOGIN_DISABLED');
    assert.equal((await pinLogin('2468')).statusCode, 200);
  });

  it('employees enrol their own face; only the descriptor is stored; bad selfies and other roles are refused', async () => {
    assertError(await enrol(employee.token, await facelessPhoto()), 422, 'NO_FACE');
    assertError(await enrol(employee.token, group), 422, 'SEVERAL_FACES');
    assertError(await enrol(owner.token, enrolSelfie), 422, 'FACE_NOT_FOR_ROLE');
    assertError(await t.request('PUT', '/aura/api/me/face', { token: employee.token, body: {} }), 400, 'MULTIPART_REQUIRED');
    assert.equal((await t.request('GET', '/aura/api/me/face', { token: employee.token })).json().enrolled, false);

    const res = await enrol(employee.token, enrolSelfie);
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.json().enrolled, true);
    assert.equal((await t.request('GET', '/aura/api/me/face', { token: employee.token })).json().enrolled, true);
    const rows = await t.db.selectFrom('aura_face_logins' as never).selectAll().execute() as unknown as Array<Record<string, unknown>>;
    assert.equal(rows.length, 1);
    assert.deepEqual(Object.keys(rows[0]!).sort(), ['descriptor', 'enrolled_at', 'org_id', 'score', 'user_id'], 'no image, only the descriptor');
    const d = rows[0]!.descriptor as number[];
    assert.equal(d.length, 128);
    assert.ok(Math.abs(Math.hypot(...d) - 1) < 1e-4, 'unit length, like photo faces');
  });

  it('row-level security: an employee reads only their own enrolment, an admin every one', async () => {
    assert.equal((await enrol(colleague.token, impostor)).statusCode, 200);
    const asEmployee = await auraDb.withTenant(t.platform.ctx, { orgId: owner.orgId, userId: employee.userId }, (tx) =>
      tx.selectFrom('aura_face_logins').select('user_id').execute());
    assert.deepEqual(asEmployee.map((r) => r.user_id), [employee.userId]);
    const asAdmin = await auraDb.withTenant(t.platform.ctx, { orgId: owner.orgId, userId: owner.userId }, (tx) =>
      tx.selectFrom('aura_face_logins').select('user_id').execute());
    assert.equal(asAdmin.length, 2);
    const asOtherOrg = await auraDb.withTenant(t.platform.ctx, { orgId: other.orgId }, (tx) => tx.selectFrom('aura_face_logins').select('user_id').execute());
    assert.equal(asOtherOrg.length, 0);
  });

  it('turned on by an admin (never by an employee): PIN alone is refused, PIN + matching face logs in', async () => {
    assertError(await t.request('PUT', '/aura/api/settings', { token: employee.token, body: { station_face_login: true } }), 403, 'INSUFFICIENT_ROLE');
    const on = await t.request('PUT', '/aura/api/settings', { token: owner.token, body: { station_face_login: true } });
    assert.equal(on.statusCode, 200, on.body);
    assert.equal(on.json().station_face_login, true);
    assert.equal(on.json().station_login_enabled, true, 'a field left out keeps its value');

    assertError(await pinLogin('2468'), 403, 'FACE_REQUIRED');
    const res = await faceLogin('2468', loginSelfie);
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.json().user.id, employee.userId);
    assert.equal(res.json().redirect, '/capture');
  });

  it('a face alone is nothing: a wrong PIN with the right face is refused', async () => {
    await resetThrottle();
    assertError(await faceLogin('9999', loginSelfie), 401, 'INVALID_PIN');
    assertError(await faceLogin('2468', null), 400, 'SELFIE_REQUIRED');
  });

  it('another person\'s face with the right PIN is refused, and mismatches count towards the lockout', async () => {
    await resetThrottle();
    await t.request('PUT', '/aura/api/settings', { token: owner.token, body: {} });
    assertError(await faceLogin('2468', impostor), 401, 'FACE_MISMATCH');
    assertError(await faceLogin('2468', impostor), 401, 'FACE_MISMATCH');
    assertError(await faceLogin('2468', await facelessPhoto()), 422, 'NO_FACE');
    assertError(await faceLogin('2468', impostor), 401, 'FACE_MISMATCH');
    // The fifth attempt in a row (limit 4) locks the station: even the right face and PIN wait.
    assertError(await faceLogin('2468', impostor), 429, 'RATE_LIMITED');
    assertError(await faceLogin('2468', loginSelfie), 429, 'RATE_LIMITED');
    await t.request('PUT', '/aura/api/settings', { token: owner.token, body: {} });
    await resetThrottle();
    assert.equal((await faceLogin('2468', loginSelfie)).statusCode, 200);
  });

  it('a PIN whose holder has no face enrolled says so; admins can forget a face, employees their own', async () => {
    await resetThrottle();
    assertError(await t.request('DELETE', `/aura/api/team/${employee.userId}/face`, { token: colleague.token }), 403, 'INSUFFICIENT_ROLE');
    assertError(await t.request('DELETE', `/aura/api/team/${employee.userId}/face`, { token: other.token }), 404, 'NOT_FOUND');
    assert.equal((await t.request('DELETE', `/aura/api/team/${employee.userId}/face`, { token: owner.token })).statusCode, 204);
    assertError(await faceLogin('2468', loginSelfie), 409, 'FACE_NOT_ENROLLED');
    assert.equal((await t.request('DELETE', '/aura/api/me/face', { token: colleague.token })).statusCode, 204);
    assertError(await t.request('DELETE', '/aura/api/me/face', { token: colleague.token }), 404, 'NOT_FOUND');
  });
});

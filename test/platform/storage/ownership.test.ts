import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { startTestPlatform, type TestPlatform, type TestUser } from '../../support/platform.js';
import { assertError } from '../../support/envelope.js';
import { storeUpload } from '../../../src/platform/storage/uploads.js';
import { StorageOwnership } from '../../../src/platform/storage/ownership.js';

/** App-owned key prefixes in the generic files API: read-only, or the app's minimum role. */
describe('app-owned storage prefixes', () => {
  let t: TestPlatform;
  let owner: TestUser;
  let other: TestUser;
  let member: string;
  let editor: string;
  before(async () => {
    t = await startTestPlatform();
    t.platform.ctx.storage.ownership.register({ app: 'locked', prefix: 'locked/', modify: 'readonly' });
    t.platform.ctx.storage.ownership.register({ app: 'team', prefix: 'team/', modify: 'editor' });
    owner = await t.signup('owned-owner');
    other = await t.signup('owned-other');
    const join = async (role: 'member' | 'editor') => (await t.addMember(owner, role)).token;
    member = await join('member');
    editor = await join('editor');
  });
  after(() => t.close());

  /** An object the app stored itself (the platform function apps call, not the files API). */
  const appFile = async (key: string) => storeUpload(t.platform.ctx, owner, { stream: Readable.from([Buffer.from(`bytes of ${key}`)]), key, contentType: 'text/plain' });

  it('keeps read-only prefixes readable and unchangeable through /api/v1/files, for every role', async () => {
    const file = await appFile('locked/evidence.txt');
    assert.equal((await t.request('GET', `/api/v1/files/${file.id}`, { token: member })).statusCode, 200);
    assert.equal((await t.request('GET', `/api/v1/files/${file.id}/content`, { token: member })).statusCode, 200);
    for (const token of [member, owner.token]) {
      assertError(await t.request('DELETE', `/api/v1/files/${file.id}`, { token }), 403, 'APP_OWNED_FILE');
      assertError(await t.request('DELETE', `/api/v1/files/${file.id}/permanent`, { token: owner.token }), 403, 'APP_OWNED_FILE');
      assertError(await t.request('POST', '/api/v1/files?key=locked/planted.txt', { token, raw: Buffer.from('x'), headers: { 'content-type': 'text/plain' } }), 403, 'APP_OWNED_FILE');
      assertError(await t.request('PUT', '/api/v1/files?key=locked/sub/planted.txt', { token, raw: Buffer.from('x'), headers: { 'content-type': 'text/plain' } }), 403, 'APP_OWNED_FILE');
    }
    const list = await t.request('GET', '/api/v1/files?prefix=locked/', { token: owner.token });
    assert.deepEqual(list.json().items.map((i: { key: string }) => i.key), ['locked/evidence.txt'], 'nothing was planted, nothing trashed');
    // Another org's id is still a 404, not a 403.
    assertError(await t.request('DELETE', `/api/v1/files/${file.id}`, { token: other.token }), 404);
  });

  it("holds a prefix with a minimum role to that role", async () => {
    const file = await appFile('team/board.txt');
    assertError(await t.request('DELETE', `/api/v1/files/${file.id}`, { token: member }), 403, 'INSUFFICIENT_ROLE');
    assertError(await t.request('POST', '/api/v1/files?key=team/new.txt', { token: member, raw: Buffer.from('x'), headers: { 'content-type': 'text/plain' } }), 403, 'INSUFFICIENT_ROLE');
    assert.equal((await t.request('DELETE', `/api/v1/files/${file.id}`, { token: editor })).statusCode, 200);
    assertError(await t.request('POST', `/api/v1/files/${file.id}/restore`, { token: member }), 403, 'INSUFFICIENT_ROLE');
    assert.equal((await t.request('POST', `/api/v1/files/${file.id}/restore`, { token: editor })).statusCode, 200);
    assert.equal((await t.request('POST', '/api/v1/files?key=team/new.txt', { token: editor, raw: Buffer.from('x'), headers: { 'content-type': 'text/plain' } })).statusCode, 201);
    // Keys outside every owned prefix follow the files API's own rules.
    assert.equal((await t.request('POST', '/api/v1/files?key=mine/notes.txt', { token: member, raw: Buffer.from('x'), headers: { 'content-type': 'text/plain' } })).statusCode, 201);
  });

  it('refuses overlapping or malformed prefixes at registration', () => {
    const registry = new StorageOwnership();
    registry.register({ app: 'a', prefix: 'brands/', modify: 'readonly' });
    assert.throws(() => registry.register({ app: 'b', prefix: 'brands/x/', modify: 'readonly' }), /overlaps/);
    assert.throws(() => registry.register({ app: 'b', prefix: 'b', modify: 'readonly' }), /must end with/);
    assert.throws(() => registry.register({ app: 'b', prefix: '../', modify: 'readonly' }));
  });
});

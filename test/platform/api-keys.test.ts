import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestPlatform, uniqueEmail, type TestPlatform, type TestUser } from '../support/platform.js';
import { tokenFromEmail } from '../support/outbox.js';
import { assertError } from '../support/envelope.js';

describe('API keys', () => {
  let t: TestPlatform;
  let owner: TestUser;
  before(async () => {
    t = await startTestPlatform();
    owner = await t.signup('keys');
  });
  after(() => t.close());

  const create = (token: string, body: Record<string, unknown>) => t.request('POST', '/api/v1/api-keys', { token, body });
  const list = async (token: string) => (await t.request('GET', '/api/v1/api-keys', { token })).json().items as Record<string, unknown>[];

  it('shows the secret once on creation; the list never shows it and the database keeps only a hash', async () => {
    const res = await create(owner.token, { name: 'CI pipeline', scopes: ['visant', 'visant:captures:write'], role: 'editor' });
    assert.equal(res.statusCode, 201, res.body);
    const key = res.json();
    assert.match(key.key, /^tnt_[A-Za-z0-9_-]{43}$/);
    assert.equal(key.prefix, key.key.slice(0, 12));
    assert.deepEqual([key.name, key.role, key.scopes, key.last_used_at, key.revoked_at], ['CI pipeline', 'editor', ['visant', 'visant:captures:write'], null, null]);

    const listed = await list(owner.token);
    const mine = listed.find((k) => k.id === key.id);
    assert.ok(mine);
    assert.equal(mine.key, undefined);
    assert.equal(mine.key_hash, undefined);
    assert.equal(mine.prefix, key.prefix, 'the prefix identifies the key without revealing it');
    const row = await t.db.selectFrom('api_keys').select('key_hash').where('id', '=', key.id).executeTakeFirstOrThrow();
    assert.notEqual(row.key_hash, key.key);
    assert.doesNotMatch(row.key_hash, /^tnt_/);
    const defaults = (await create(owner.token, { name: 'defaults' })).json();
    assert.deepEqual([defaults.role, defaults.scopes], ['member', ['*']]);
  });

  it('authenticates as Bearer with the key role, and records last_used_at', async () => {
    const key = (await create(owner.token, { name: 'reader', role: 'viewer' })).json();
    const me = await t.request('GET', '/api/v1/auth/me', { token: key.key });
    assert.equal(me.statusCode, 200, me.body);
    assert.equal(me.json().kind, 'api_key');
    assert.equal(me.json().org.id, owner.orgId);
    assert.equal(me.json().role, 'viewer');
    assert.equal((await t.request('GET', '/api/v1/members', { token: key.key })).statusCode, 200);
    assertError(await t.request('GET', '/api/v1/api-keys', { token: key.key }), 403, 'INSUFFICIENT_ROLE');
    assertError(await t.request('POST', '/api/v1/auth/switch-org', { token: key.key, body: { org_id: owner.orgId } }), 403, 'USER_REQUIRED');
    const used = (await list(owner.token)).find((k) => k.id === key.id)!;
    assert.ok(used.last_used_at, 'last_used_at is set by the first use');
    assert.ok(Date.now() - Date.parse(String(used.last_used_at)) < 60_000);
  });

  it('an admin key acts for the org, and its actions are audited as the key', async () => {
    const key = (await create(owner.token, { name: 'automation', role: 'admin' })).json();
    const made = await create(key.key, { name: 'made by a key', role: 'member' });
    assert.equal(made.statusCode, 201, made.body);
    const audit = await t.db.selectFrom('audit_log').select(['actor_type', 'actor_api_key_id', 'actor_user_id']).where('target_id', '=', made.json().id).executeTakeFirstOrThrow();
    assert.deepEqual(audit, { actor_type: 'api_key', actor_api_key_id: key.id, actor_user_id: null });
  });

  it('revoking a key makes it answer 401 at once', async () => {
    const key = (await create(owner.token, { name: 'temporary' })).json();
    assert.equal((await t.request('GET', '/api/v1/auth/me', { token: key.key })).statusCode, 200);
    assert.equal((await t.request('DELETE', `/api/v1/api-keys/${key.id}`, { token: owner.token })).statusCode, 204);
    assertError(await t.request('GET', '/api/v1/auth/me', { token: key.key }), 401, 'INVALID_API_KEY');
    assert.ok((await list(owner.token)).find((k) => k.id === key.id)!.revoked_at, 'the list shows when it was revoked');
    assertError(await t.request('DELETE', `/api/v1/api-keys/${key.id}`, { token: owner.token }), 404, 'NOT_FOUND');
    assertError(await t.request('POST', `/api/v1/api-keys/${key.id}/rotate`, { token: owner.token }), 404, 'NOT_FOUND');
  });

  it('rotating replaces the secret: the old key answers 401, the new one works with the same name, scopes and role', async () => {
    const old = (await create(owner.token, { name: 'rotating', role: 'editor', scopes: ['visant'] })).json();
    const res = await t.request('POST', `/api/v1/api-keys/${old.id}/rotate`, { token: owner.token });
    assert.equal(res.statusCode, 201, res.body);
    const fresh = res.json();
    assert.notEqual(fresh.key, old.key);
    assert.notEqual(fresh.id, old.id);
    assert.deepEqual([fresh.name, fresh.role, fresh.scopes], ['rotating', 'editor', ['visant']]);
    assertError(await t.request('GET', '/api/v1/auth/me', { token: old.key }), 401, 'INVALID_API_KEY');
    assert.equal((await t.request('GET', '/api/v1/auth/me', { token: fresh.key })).statusCode, 200);
  });

  it('needs an admin to manage keys, and a key can never outrank its creator', async () => {
    const email = uniqueEmail('key-editor');
    await t.request('POST', '/api/v1/invites', { token: owner.token, body: { email, role: 'editor' } });
    const editor = (await t.request('POST', '/api/v1/invites/accept', { body: { token: await tokenFromEmail(t.db, email, 'inv_'), password: 'editor password' } })).json();
    assertError(await create(editor.access_token, { name: 'mine', role: 'viewer' }), 403, 'INSUFFICIENT_ROLE');
    assertError(await t.request('GET', '/api/v1/api-keys', { token: editor.access_token }), 403, 'INSUFFICIENT_ROLE');
    // No key is ever an owner: the role list stops at admin.
    assertError(await create(owner.token, { name: 'too strong', role: 'owner' }), 400, 'VALIDATION_ERROR');
    // A member key cannot mint an admin key (nor any key).
    const memberKey = (await create(owner.token, { name: 'member key', role: 'member' })).json();
    assertError(await create(memberKey.key, { name: 'escalate', role: 'admin' }), 403, 'INSUFFICIENT_ROLE');
  });

  it('a key is bound to its org and sees nothing of another (suspension: see admin tests)', async () => {
    const other = await t.signup('keys-other');
    const key = (await create(owner.token, { name: 'bound' })).json();
    const seen = await t.request('GET', '/api/v1/members', { token: key.key });
    const ids = seen.json().items.map((m: { user_id: string }) => m.user_id);
    assert.ok(ids.includes(owner.userId));
    assert.ok(!ids.includes(other.userId), 'the key sees its own org only');
  });
});

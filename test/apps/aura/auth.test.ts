import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestPlatform, type TestPlatform, type TestUser } from '../../support/platform.js';
import { assertError } from '../../support/envelope.js';
import { auraApp } from '../../../src/apps/aura/index.js';
import { slugOf } from './aura-fixtures.js';

describe('aura login and capture-station PINs', () => {
  let t: TestPlatform;
  let owner: TestUser;
  let employee: TestUser;
  let editor: TestUser;
  let viewer: TestUser;
  let slug: string;

  before(async () => {
    // A low org-wide limit, so the lockout comes before the per-address throttle (5 free).
    t = await startTestPlatform({ apps: [auraApp], env: { AURA_STATION_MAX_FAILURES: '3', AURA_STATION_LOCKOUT_MINUTES: '15' } });
    owner = await t.signup('aura-auth-owner');
    employee = await t.addMember(owner, 'member', 'aura-auth-employee');
    editor = await t.addMember(owner, 'editor', 'aura-auth-editor');
    viewer = await t.addMember(owner, 'viewer', 'aura-auth-viewer');
    slug = await slugOf(t, owner);
  });
  after(() => t.close());

  const login = (email: string, password: string, extra: Record<string, unknown> = {}) => t.request('POST', '/aura/api/auth/login', { body: { email, password, ...extra } });
  const station = (pin: string, orgSlug = slug) => t.request('POST', '/aura/api/auth/station', { body: { org_slug: orgSlug, pin } });
  const setPin = (token: string, userId: string, pin: string) => t.request('PUT', `/aura/api/team/${userId}/pin`, { token, body: { pin } });

  it('answers the seed\'s claims and the portal for each role', async () => {
    const cases: [TestUser, string, string][] = [[owner, 'admin', '/admin'], [employee, 'employee', '/capture'], [editor, 'employee', '/capture'], [viewer, 'read_only', '/admin']];
    for (const [user, role, redirect] of cases) {
      const res = await login(user.email, user.password);
      assert.equal(res.statusCode, 200, res.body);
      const body = res.json();
      assert.equal(body.role, role);
      assert.equal(body.redirect, redirect);
      assert.equal(body.org_id, owner.orgId);
      assert.equal(body.org_slug, slug);
      assert.match(body.access_token, /\./);
      assert.ok(body.refresh_token);
    }
    await t.db.updateTable('users').set({ is_superadmin: true }).where('id', '=', viewer.userId).execute();
    const root = (await login(viewer.email, viewer.password)).json();
    assert.equal(root.role, 'superadmin');
    assert.equal(root.redirect, '/superadmin');
    await t.db.updateTable('users').set({ is_superadmin: false }).where('id', '=', viewer.userId).execute();
  });

  it('refuses a wrong password, an unknown studio and bad input with the envelope', async () => {
    assertError(await login(owner.email, 'wrong password'), 401, 'INVALID_CREDENTIALS');
    assertError(await login(owner.email, owner.password, { org_slug: 'no-such-studio' }), 403, 'NOT_A_MEMBER');
    assertError(await login('not-an-email', 'x'), 400, 'VALIDATION_ERROR');
    assert.equal((await login(owner.email, owner.password, { org_slug: slug })).statusCode, 200);
  });

  it('PINs: admins set them for employees only, never shown, unique within the studio', async () => {
    assertError(await setPin(employee.token, employee.userId, '1234'), 403, 'INSUFFICIENT_ROLE');
    assertError(await setPin(owner.token, employee.userId, '12a4'), 400, 'VALIDATION_ERROR');
    assertError(await setPin(owner.token, employee.userId, '123'), 400, 'VALIDATION_ERROR');
    assertError(await setPin(owner.token, viewer.userId, '5555'), 422, 'PIN_NOT_FOR_ROLE');
    assertError(await setPin(owner.token, owner.userId, '5555'), 422, 'PIN_NOT_FOR_ROLE');
    assertError(await setPin(owner.token, '00000000-0000-4000-8000-000000000000', '5555'), 404, 'NOT_FOUND');
    const set = await setPin(owner.token, employee.userId, '2468');
    assert.equal(set.statusCode, 204, set.body);
    assert.equal(set.body, '');
    assertError(await setPin(owner.token, editor.userId, '2468'), 409, 'PIN_TAKEN');
    assert.equal((await setPin(owner.token, editor.userId, '13579')).statusCode, 204);
    // This studio's rows only: on PostgreSQL other test files share the database.
    const stored = await t.db.selectFrom('aura_station_pins' as never).select(['pin_hash' as never]).where('user_id' as never, 'in', [employee.userId, editor.userId] as never).execute() as unknown as { pin_hash: string }[];
    assert.equal(stored.length, 2);
    assert.ok(stored.every((r) => r.pin_hash.startsWith('$argon2id$') && !r.pin_hash.includes('2468')), 'stored as argon2id');
  });

  it('PIN login is opt-in per studio; a right PIN answers the employee\'s session and claims', async () => {
    assertError(await station('2468'), 403, 'STATION_LOGIN_DISABLED');
    assertError(await t.request('PUT', '/aura/api/settings', { token: employee.token, body: { station_login_enabled: true } }), 403, 'INSUFFICIENT_ROLE');
    const on = await t.request('PUT', '/aura/api/settings', { token: owner.token, body: { station_login_enabled: true } });
    assert.equal(on.statusCode, 200, on.body);
    assert.equal(on.json().station_login_enabled, true);
    assert.equal((await t.request('GET', '/aura/api/settings', { token: employee.token })).json().station_login_enabled, true);

    const res = await station('2468');
    assert.equal(res.statusCode, 200, res.body);
    const body = res.json();
    assert.equal(body.user.id, employee.userId);
    assert.equal(body.role, 'employee');
    assert.equal(body.redirect, '/capture');
    assert.equal(body.org_slug, slug);
    const me = await t.request('GET', '/api/v1/auth/me', { token: body.access_token });
    assert.equal(me.json().user.id, employee.userId, 'the token is the employee\'s session');
    assertError(await station('2468', 'no-such-studio'), 403, 'STATION_LOGIN_DISABLED');
  });

  it('wrong PINs lock the studio\'s PIN login (even the right PIN) until an admin saves the settings', async () => {
    for (let i = 0; i < 3; i++) assertError(await station('0000'), 401, 'INVALID_PIN');
    assertError(await station('0000'), 429, 'RATE_LIMITED');
    const locked = assertError(await station('2468'), 429, 'RATE_LIMITED');
    assert.match(locked.error, /locked/);
    const settings = (await t.request('GET', '/aura/api/settings', { token: owner.token })).json();
    assert.ok(settings.station_locked_until, 'the admin sees the lockout');
    await t.request('PUT', '/aura/api/settings', { token: owner.token, body: { station_login_enabled: true } });
    // The per-address throttle has counted these attempts too: start again from a fresh address.
    await t.db.deleteFrom('login_attempts').where('account', '=', `aura-station:${owner.orgId}`).execute();
    assert.equal((await station('2468')).statusCode, 200);
  });

  it('a PIN stops working when its holder is promoted or the PIN is cleared, and for a suspended studio', async () => {
    await t.db.deleteFrom('login_attempts').where('account', '=', `aura-station:${owner.orgId}`).execute();
    assert.equal((await station('13579')).statusCode, 200);
    await t.db.updateTable('memberships').set({ role: 'admin' }).where('org_id', '=', owner.orgId).where('user_id', '=', editor.userId).execute();
    assertError(await station('13579'), 401, 'INVALID_PIN');
    await t.db.updateTable('memberships').set({ role: 'editor' }).where('org_id', '=', owner.orgId).where('user_id', '=', editor.userId).execute();
    assert.equal((await t.request('DELETE', `/aura/api/team/${editor.userId}/pin`, { token: owner.token })).statusCode, 204);
    assertError(await station('13579'), 401, 'INVALID_PIN');
    assertError(await t.request('DELETE', `/aura/api/team/${editor.userId}/pin`, { token: owner.token }), 404, 'NOT_FOUND');

    await t.db.updateTable('orgs').set({ status: 'suspended' }).where('id', '=', owner.orgId).execute();
    assertError(await station('2468'), 403, 'ORG_SUSPENDED');
    assertError(await login(employee.email, employee.password), 403, 'ORG_SUSPENDED');
    await t.db.updateTable('orgs').set({ status: 'active' }).where('id', '=', owner.orgId).execute();
  });
});

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { decodeJwt } from 'jose';
import pg from 'pg';
import { startTestPlatform, uniqueEmail, type TestPlatform, type TestUser } from '../support/platform.js';
import { assertError } from '../support/envelope.js';
import { lastEmailTo, tokenFromEmail } from '../support/outbox.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('auth', () => {
  let t: TestPlatform;
  before(async () => {
    t = await startTestPlatform();
  });
  after(() => t.close());

  const login = (email: string, password: string, extra: Record<string, unknown> = {}) =>
    t.request('POST', '/api/v1/auth/login', { body: { email, password, ...extra } });

  describe('signup', () => {
    it('creates a user who owns a new org, and answers 201 with tokens and the user', async () => {
      const email = uniqueEmail('signup');
      const res = await t.request('POST', '/api/v1/auth/signup', { body: { email, password: 'correct horse battery', org_name: 'Acme Ltd' } });
      assert.equal(res.statusCode, 201, res.body);
      const body = res.json();
      assert.equal(typeof body.access_token, 'string');
      assert.match(body.refresh_token, /^rt_/);
      assert.equal(body.token_type, 'Bearer');
      assert.equal(body.expires_in, 900);
      assert.match(body.user.id, UUID);
      assert.match(body.user.org_id, UUID);
      assert.deepEqual(body.user, { id: body.user.id, email, org_id: body.user.org_id, org_name: 'Acme Ltd', role: 'owner' });
      const stored = await t.db.selectFrom('users').select(['password_hash', 'tc_accepted_at']).where('id', '=', body.user.id).executeTakeFirstOrThrow();
      assert.match(stored.password_hash ?? '', /^\$argon2id\$/, 'the password is stored as an argon2id hash');
      assert.equal(stored.tc_accepted_at, null, 'terms are not accepted unless asked');
    });

    it('refuses an email that is taken, whatever its case (409 EMAIL_TAKEN)', async () => {
      const u = await t.signup('dup');
      const res = await t.request('POST', '/api/v1/auth/signup', { body: { email: u.email.toUpperCase(), password: 'another password' } });
      assertError(res, 409, 'EMAIL_TAKEN');
    });

    it('validates the body: bad email, short password, unknown field', async () => {
      assertError(await t.request('POST', '/api/v1/auth/signup', { body: { email: 'not-an-email', password: 'long enough pw' } }), 400, 'VALIDATION_ERROR');
      assertError(await t.request('POST', '/api/v1/auth/signup', { body: { email: uniqueEmail(), password: 'short' } }), 400, 'VALIDATION_ERROR');
      assertError(await t.request('POST', '/api/v1/auth/signup', { body: { email: uniqueEmail(), password: 'long enough pw', role: 'owner' } }), 400, 'VALIDATION_ERROR');
    });
  });

  describe('login', () => {
    let u: TestUser;
    before(async () => {
      u = await t.signup('login');
    });

    it('answers 200 with tokens for the right password, whatever the email case', async () => {
      const res = await login(u.email.toUpperCase(), u.password);
      assert.equal(res.statusCode, 200, res.body);
      const body = res.json();
      assert.equal(body.user.id, u.userId);
      assert.equal(body.user.org_id, u.orgId);
      assert.equal(body.user.role, 'owner');
      assert.equal((await t.request('GET', '/api/v1/auth/me', { token: body.access_token })).statusCode, 200);
    });

    it('answers 401 INVALID_CREDENTIALS for a wrong password and for an unknown account alike', async () => {
      const wrong = assertError(await login(u.email, 'wrong password'), 401, 'INVALID_CREDENTIALS');
      const unknown = assertError(await login(uniqueEmail('nobody'), 'wrong password'), 401, 'INVALID_CREDENTIALS');
      assert.equal(wrong.error, unknown.error, 'the message does not reveal whether the account exists');
      await login(u.email, u.password); // clears this address's failure count for the next tests
    });

    it('issues a JWT with sub, org_id, role and jti that expires in 15 minutes', async () => {
      const res = await login(u.email, u.password);
      const claims = decodeJwt(res.json().access_token);
      assert.equal(claims.sub, u.userId);
      assert.equal(claims.org_id, u.orgId);
      assert.equal(claims.role, 'owner');
      assert.match(String(claims.jti), UUID);
      assert.equal(claims.iss, 'tenantry');
      assert.equal(Number(claims.exp) - Number(claims.iat), 15 * 60);
      assert.ok(Math.abs(Number(claims.iat) - Date.now() / 1000) < 60, 'issued now');
      const again = decodeJwt((await login(u.email, u.password)).json().access_token);
      assert.notEqual(again.jti, claims.jti, 'every token has its own jti');
    });
  });

  describe('last login', () => {
    it('records the time of every login in last_login_at (not of a refresh), shown in /auth/me and the members list', async () => {
      const u = await t.signup('last-login');
      const me = async (token: string) => (await t.request('GET', '/api/v1/auth/me', { token })).json().user.last_login_at as string;
      const atSignup = await me(u.token);
      assert.ok(atSignup && !Number.isNaN(Date.parse(atSignup)), `sign-up is a login: ${atSignup}`);
      const members = (await t.request('GET', '/api/v1/members', { token: u.token })).json();
      assert.equal(members.items[0].last_login_at, atSignup);

      const refreshed = await t.request('POST', '/api/v1/auth/refresh', { body: { refresh_token: u.refreshToken } });
      assert.equal(refreshed.statusCode, 200, refreshed.body);
      assert.equal(await me(refreshed.json().access_token), atSignup, 'a refresh is not a login');

      const res = await login(u.email, u.password);
      assert.equal(res.statusCode, 200, res.body);
      const atLogin = await me(res.json().access_token);
      assert.ok(Date.parse(atLogin) > Date.parse(atSignup), `${atLogin} is after ${atSignup}`);

      assert.equal((await login(u.email, 'wrong password!')).statusCode, 401);
      assert.equal(await me(res.json().access_token), atLogin, 'a failed login changes nothing');

      const invited = await t.addMember(u, 'viewer', 'last-login-invitee');
      const listed = (await t.request('GET', '/api/v1/members', { token: u.token })).json().items.find((m: { user_id: string }) => m.user_id === invited.userId);
      assert.ok(listed.last_login_at, 'accepting an invite logs the new member in');
    });
  });

  describe('refresh tokens', () => {
    it('rotates: the new pair works, and the old refresh token is single-use', async () => {
      const u = await t.signup('rotate');
      const first = await t.request('POST', '/api/v1/auth/refresh', { body: { refresh_token: u.refreshToken } });
      assert.equal(first.statusCode, 200, first.body);
      const next = first.json();
      assert.notEqual(next.refresh_token, u.refreshToken);
      assert.equal(next.user.id, u.userId);
      assert.equal(next.user.org_id, u.orgId);
      assert.equal((await t.request('GET', '/api/v1/auth/me', { token: next.access_token })).statusCode, 200);
      const second = await t.request('POST', '/api/v1/auth/refresh', { body: { refresh_token: next.refresh_token } });
      assert.equal(second.statusCode, 200, 'the rotated token can itself be rotated');
    });

    it('revokes the whole family when a rotated token is presented again', async () => {
      const u = await t.signup('reuse');
      const rotated = (await t.request('POST', '/api/v1/auth/refresh', { body: { refresh_token: u.refreshToken } })).json();
      assertError(await t.request('POST', '/api/v1/auth/refresh', { body: { refresh_token: u.refreshToken } }), 401, 'REFRESH_TOKEN_REUSED');
      // The legitimate holder's newest token is revoked too: whoever stole the old one gets nothing.
      assertError(await t.request('POST', '/api/v1/auth/refresh', { body: { refresh_token: rotated.refresh_token } }), 401, 'INVALID_REFRESH_TOKEN');
      const audit = await t.db.selectFrom('audit_log').select('action').where('org_id', '=', u.orgId).where('action', '=', 'auth.refresh_token_reused').execute();
      assert.equal(audit.length, 1, 'the reuse is audited');
      // Other sessions of the same user (other families) keep working.
      const other = (await login(u.email, u.password)).json();
      assert.equal((await t.request('POST', '/api/v1/auth/refresh', { body: { refresh_token: other.refresh_token } })).statusCode, 200);
    });

    it('refuses unknown and expired refresh tokens with 401', async () => {
      assertError(await t.request('POST', '/api/v1/auth/refresh', { body: { refresh_token: 'rt_this-token-was-never-issued' } }), 401, 'INVALID_REFRESH_TOKEN');
      const u = await t.signup('expired-rt');
      await t.db.updateTable('refresh_tokens').set({ expires_at: new Date(Date.now() - 1000) }).where('user_id', '=', u.userId).execute();
      assertError(await t.request('POST', '/api/v1/auth/refresh', { body: { refresh_token: u.refreshToken } }), 401, 'REFRESH_TOKEN_EXPIRED');
    });

    it('logout ends the session: its refresh token stops working', async () => {
      const u = await t.signup('logout');
      const res = await t.request('POST', '/api/v1/auth/logout', { body: { refresh_token: u.refreshToken } });
      assert.equal(res.statusCode, 204);
      assertError(await t.request('POST', '/api/v1/auth/refresh', { body: { refresh_token: u.refreshToken } }), 401, 'INVALID_REFRESH_TOKEN');
      // Logging out with an unknown token reveals nothing.
      assert.equal((await t.request('POST', '/api/v1/auth/logout', { body: { refresh_token: 'rt_unknown-token-0000' } })).statusCode, 204);
    });
  });

  describe('/me, accept-terms, switch-org', () => {
    it('/me answers the user, the current org and role, and every org the user belongs to', async () => {
      const u = await t.signup('me');
      const res = await t.request('GET', '/api/v1/auth/me', { token: u.token });
      assert.equal(res.statusCode, 200);
      const me = res.json();
      assert.equal(me.kind, 'user');
      assert.equal(me.user.id, u.userId);
      assert.equal(me.user.email, u.email);
      assert.equal(me.user.password_hash, undefined, 'never exposes the password hash');
      assert.equal(me.org.id, u.orgId);
      assert.equal(me.role, 'owner');
      assert.deepEqual(me.organizations.map((o: { id: string; role: string }) => [o.id, o.role]), [[u.orgId, 'owner']]);
      assertError(await t.request('GET', '/api/v1/auth/me'), 401, 'UNAUTHORIZED');
    });

    it('accept-terms records the time of acceptance', async () => {
      const u = await t.signup('terms');
      const before = Date.now();
      const res = await t.request('POST', '/api/v1/auth/accept-terms', { token: u.token });
      assert.equal(res.statusCode, 200, res.body);
      const at = Date.parse(res.json().tc_accepted_at);
      assert.ok(at >= before - 1000 && at <= Date.now() + 1000);
      const me = (await t.request('GET', '/api/v1/auth/me', { token: u.token })).json();
      assert.equal(Date.parse(me.user.tc_accepted_at), at);
      assertError(await t.request('POST', '/api/v1/auth/accept-terms'), 401);
    });

    it('switch-org issues a token bound to another org the user belongs to; a non-member org answers 404', async () => {
      const u = await t.signup('switcher');
      const other = await t.signup('host');
      const invite = await t.request('POST', '/api/v1/invites', { token: other.token, body: { email: u.email, role: 'editor' } });
      assert.equal(invite.statusCode, 201, invite.body);
      const accepted = await t.request('POST', '/api/v1/invites/accept', { token: u.token, body: { token: await tokenFromEmail(t.db, u.email, 'inv_') } });
      assert.equal(accepted.statusCode, 200, accepted.body);

      const res = await t.request('POST', '/api/v1/auth/switch-org', { token: u.token, body: { org_id: other.orgId } });
      assert.equal(res.statusCode, 200, res.body);
      const body = res.json();
      assert.equal(body.user.org_id, other.orgId);
      assert.equal(body.user.role, 'editor');
      const claims = decodeJwt(body.access_token);
      assert.equal(claims.org_id, other.orgId);
      assert.equal(claims.role, 'editor');
      const me = (await t.request('GET', '/api/v1/auth/me', { token: body.access_token })).json();
      assert.equal(me.org.id, other.orgId);
      assert.equal(me.role, 'editor');
      assert.deepEqual(new Set(me.organizations.map((o: { id: string }) => o.id)), new Set([u.orgId, other.orgId]));
      // The refresh token of the new session stays in the new org.
      const refreshed = (await t.request('POST', '/api/v1/auth/refresh', { body: { refresh_token: body.refresh_token } })).json();
      assert.equal(refreshed.user.org_id, other.orgId);

      const stranger = await t.signup('stranger');
      assertError(await t.request('POST', '/api/v1/auth/switch-org', { token: u.token, body: { org_id: stranger.orgId } }), 404, 'NOT_FOUND');
      assertError(await t.request('POST', '/api/v1/auth/switch-org', { token: u.token, body: { org_id: '00000000-0000-4000-8000-000000000000' } }), 404, 'NOT_FOUND');
      assertError(await t.request('POST', '/api/v1/auth/switch-org', { token: u.token, body: { org_id: 'not-a-uuid' } }), 400, 'VALIDATION_ERROR');
    });

    it('login with org_id picks that org; an org the user is not in is refused', async () => {
      const u = await t.signup('pick');
      const host = await t.signup('pick-host');
      await t.request('POST', '/api/v1/invites', { token: host.token, body: { email: u.email, role: 'viewer' } });
      assert.equal((await t.request('POST', '/api/v1/invites/accept', { token: u.token, body: { token: await tokenFromEmail(t.db, u.email, 'inv_') } })).statusCode, 200);
      const res = await login(u.email, u.password, { org_id: host.orgId });
      assert.equal(res.statusCode, 200, res.body);
      assert.equal(res.json().user.org_id, host.orgId);
      assert.equal(res.json().user.role, 'viewer');
      const stranger = await t.signup('pick-stranger');
      assertError(await login(u.email, u.password, { org_id: stranger.orgId }), 403, 'NOT_A_MEMBER');
    });
  });

  describe('password reset', () => {
    it('always answers 202, and sends a token only to existing accounts', async () => {
      const nobody = uniqueEmail('ghost');
      const res = await t.request('POST', '/api/v1/auth/password-reset/request', { body: { email: nobody } });
      assert.equal(res.statusCode, 202);
      const sent = await t.db.selectFrom('email_outbox').select('id').where('to_address', '=', nobody).execute();
      assert.equal(sent.length, 0, 'nothing is sent to an unknown address');
    });

    it('confirm sets the new password, works once, and ends every existing session', async () => {
      const u = await t.signup('reset');
      const otherSession = (await login(u.email, u.password)).json();
      const res = await t.request('POST', '/api/v1/auth/password-reset/request', { body: { email: u.email.toUpperCase() } });
      assert.equal(res.statusCode, 202);
      const token = await tokenFromEmail(t.db, u.email, 'pr_', /reset/i);
      const row = await t.db.selectFrom('user_tokens').select('token_hash').where('user_id', '=', u.userId).where('purpose', '=', 'password_reset').executeTakeFirstOrThrow();
      assert.notEqual(row.token_hash, token, 'the token is stored only as a hash');

      assertError(await t.request('POST', '/api/v1/auth/password-reset/confirm', { body: { token, password: 'short' } }), 400, 'VALIDATION_ERROR');
      const confirm = await t.request('POST', '/api/v1/auth/password-reset/confirm', { body: { token, password: 'a brand new password' } });
      assert.equal(confirm.statusCode, 204, confirm.body);

      assertError(await login(u.email, u.password), 401, 'INVALID_CREDENTIALS');
      assert.equal((await login(u.email, 'a brand new password')).statusCode, 200);
      assertError(await t.request('POST', '/api/v1/auth/password-reset/confirm', { body: { token, password: 'yet another password' } }), 400, 'INVALID_TOKEN');
      assertError(await t.request('POST', '/api/v1/auth/refresh', { body: { refresh_token: u.refreshToken } }), 401, 'INVALID_REFRESH_TOKEN');
      assertError(await t.request('POST', '/api/v1/auth/refresh', { body: { refresh_token: otherSession.refresh_token } }), 401, 'INVALID_REFRESH_TOKEN');
    });

    it('refuses an expired, unknown or wrong-purpose token', async () => {
      const u = await t.signup('reset-expired');
      await t.request('POST', '/api/v1/auth/password-reset/request', { body: { email: u.email } });
      const token = await tokenFromEmail(t.db, u.email, 'pr_', /reset/i);
      await t.db.updateTable('user_tokens').set({ expires_at: new Date(Date.now() - 1000) }).where('user_id', '=', u.userId).where('purpose', '=', 'password_reset').execute();
      assertError(await t.request('POST', '/api/v1/auth/password-reset/confirm', { body: { token, password: 'a brand new password' } }), 400, 'INVALID_TOKEN');
      assertError(await t.request('POST', '/api/v1/auth/password-reset/confirm', { body: { token: 'pr_never-issued-token', password: 'a brand new password' } }), 400, 'INVALID_TOKEN');
      const verifyToken = await tokenFromEmail(t.db, u.email, 'ev_', /confirm/i);
      assertError(await t.request('POST', '/api/v1/auth/password-reset/confirm', { body: { token: verifyToken, password: 'a brand new password' } }), 400, 'INVALID_TOKEN');
      assert.equal((await login(u.email, u.password)).statusCode, 200, 'the password did not change');
    });
  });

  describe('email verification', () => {
    it('signup sends a verification link; confirming it marks the email verified, once', async () => {
      const u = await t.signup('verify');
      const mail = await lastEmailTo(t.db, u.email, /confirm/i);
      assert.match(mail.text_body, /verify-email\?token=ev_/);
      const token = await tokenFromEmail(t.db, u.email, 'ev_', /confirm/i);
      const before = (await t.request('GET', '/api/v1/auth/me', { token: u.token })).json();
      assert.equal(before.user.email_verified_at, null);

      assert.equal((await t.request('POST', '/api/v1/auth/verify-email/confirm', { body: { token } })).statusCode, 204);
      const me = (await t.request('GET', '/api/v1/auth/me', { token: u.token })).json();
      assert.ok(me.user.email_verified_at, 'email_verified_at is set');
      assertError(await t.request('POST', '/api/v1/auth/verify-email/confirm', { body: { token } }), 400, 'INVALID_TOKEN');
      assertError(await t.request('POST', '/api/v1/auth/verify-email/request', { token: u.token }), 409, 'ALREADY_VERIFIED');
    });

    it('request sends a fresh token to a logged-in, unverified user', async () => {
      const u = await t.signup('verify-again');
      assertError(await t.request('POST', '/api/v1/auth/verify-email/request'), 401);
      const res = await t.request('POST', '/api/v1/auth/verify-email/request', { token: u.token });
      assert.equal(res.statusCode, 202);
      const mails = await t.db.selectFrom('email_outbox').select('id').where('to_address', '=', u.email).where('subject', 'like', '%onfirm%').execute();
      assert.equal(mails.length, 2, 'signup mail and the requested one');
      const token = await tokenFromEmail(t.db, u.email, 'ev_', /confirm/i);
      assert.equal((await t.request('POST', '/api/v1/auth/verify-email/confirm', { body: { token } })).statusCode, 204);
    });
  });

  describe('access check', () => {
    // On PostgreSQL the burst's lookups overlap, and without the shared lookup there are 20
    // (checked); PGlite answers each before the next request reaches the check, so there the
    // test holds either way.
    it('requests that find the cached membership stale at the same moment share one lookup', async () => {
      const u = await t.signup('burst');
      const lookups: string[] = [];
      // Every statement the server sends goes through pg's Query (PGlite's adapter included).
      const proto = pg.Query.prototype as unknown as { submit: (...args: unknown[]) => unknown; text?: string };
      const submit = proto.submit;
      proto.submit = function (this: { text?: string }, ...args: unknown[]) {
        if (/from "users" as "u" left join "memberships"/.test(this.text ?? '')) lookups.push(this.text!);
        return submit.apply(this, args);
      };
      try {
        t.server.authenticator.invalidate();
        const answers = await Promise.all(Array.from({ length: 20 }, () => t.request('GET', '/api/v1/audit?limit=1', { token: u.token })));
        for (const a of answers) assert.equal(a.statusCode, 200, a.body);
        assert.equal(lookups.length, 1, 'one lookup for the whole burst');
      } finally {
        proto.submit = submit;
      }
    });
  });
});

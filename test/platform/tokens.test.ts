import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { SignJWT, UnsecuredJWT, decodeJwt } from 'jose';
import { startTestPlatform, type TestPlatform, type TestUser } from '../support/platform.js';
import { tokenFromEmail } from '../support/outbox.js';
import { assertError } from '../support/envelope.js';

/** The secret startTestPlatform configures; a test that knows it can mint tokens like an attacker who stole it could. */
const TEST_SECRET = new TextEncoder().encode('test-secret-test-secret-test-secret-0123456789');

const SUPABASE_SECRET = 'supabase-project-secret-0123456789';

function mintSupabase(claims: Record<string, unknown>, exp: number | string = '1h') {
  return new SignJWT(claims).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).setAudience('authenticated').setIssuedAt().setExpirationTime(exp).sign(new TextEncoder().encode(SUPABASE_SECRET));
}

function mint(claims: Record<string, unknown>, opts: { key?: Uint8Array; exp?: number | string; issuer?: string } = {}) {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer(opts.issuer ?? 'tenantry')
    .setJti(randomUUID())
    .setIssuedAt(Math.floor(Date.now() / 1000) - 3600)
    .setExpirationTime(opts.exp ?? '15m')
    .sign(opts.key ?? TEST_SECRET);
}

describe('access tokens', () => {
  let t: TestPlatform;
  let u: TestUser;
  before(async () => {
    t = await startTestPlatform({ env: { SUPABASE_JWT_SECRET: SUPABASE_SECRET } });
    u = await t.signup('tokens');
  });
  after(() => t.close());

  const me = (token: string) => t.request('GET', '/api/v1/auth/me', { token });

  it('accepts a well-formed token signed with the secret (the control for the cases below)', async () => {
    const token = await mint({ sub: u.userId, org_id: u.orgId, role: 'owner' });
    assert.equal((await me(token)).statusCode, 200);
  });

  it('refuses an expired token with 401 TOKEN_EXPIRED and says how to recover', async () => {
    const token = await mint({ sub: u.userId, org_id: u.orgId, role: 'owner' }, { exp: Math.floor(Date.now() / 1000) - 60 });
    const body = assertError(await me(token), 401, 'TOKEN_EXPIRED');
    assert.match(body.error, /refresh/);
  });

  it('refuses a token signed with another secret', async () => {
    const token = await mint({ sub: u.userId, org_id: u.orgId, role: 'owner' }, { key: new TextEncoder().encode('x'.repeat(48)) });
    assertError(await me(token), 401, 'INVALID_TOKEN');
  });

  it('refuses a genuine token whose payload was altered', async () => {
    const [header, , signature] = u.token.split('.');
    const claims = decodeJwt(u.token);
    const forged = Buffer.from(JSON.stringify({ ...claims, org_id: randomUUID() })).toString('base64url');
    assertError(await me(`${header}.${forged}.${signature}`), 401, 'INVALID_TOKEN');
  });

  it('refuses alg:none tokens', async () => {
    const unsigned = new UnsecuredJWT({ sub: u.userId, org_id: u.orgId, role: 'owner' }).setIssuer('tenantry').setIssuedAt().setExpirationTime('15m').encode();
    assert.match(unsigned, /\.$/, 'an unsecured JWT has an empty signature');
    assertError(await me(unsigned), 401, 'INVALID_TOKEN');
    assertError(await me(`${unsigned}${u.token.split('.')[2]}`), 401, 'INVALID_TOKEN');
  });

  it('refuses a token from another issuer, and one missing its claims', async () => {
    assertError(await me(await mint({ sub: u.userId, org_id: u.orgId, role: 'owner' }, { issuer: 'someone-else' })), 401, 'INVALID_TOKEN');
    assertError(await me(await mint({ sub: u.userId, role: 'owner' })), 401, 'INVALID_TOKEN');
  });

  it('refuses garbage and malformed Authorization headers with 401, never 500', async () => {
    assertError(await me('garbage'), 401, 'INVALID_TOKEN');
    assertError(await me('a.b.c'), 401, 'INVALID_TOKEN');
    assertError(await me('tnt_not-a-real-key'), 401, 'INVALID_API_KEY');
    for (const authorization of ['Basic dXNlcjpwYXNz', 'Bearer', 'Bearer a b', 'token']) {
      assertError(await t.request('GET', '/api/v1/auth/me', { headers: { authorization } }), 401, 'INVALID_TOKEN');
    }
  });

  it('reads the role from the membership, not from the token', async () => {
    const host = await t.signup('role-host');
    const viewer = await t.signup('role-viewer');
    await t.request('POST', '/api/v1/invites', { token: host.token, body: { email: viewer.email, role: 'viewer' } });
    const joined = (await t.request('POST', '/api/v1/invites/accept', { token: viewer.token, body: { token: await tokenFromEmail(t.db, viewer.email, 'inv_') } })).json();
    assert.equal(joined.user.role, 'viewer');
    // A token claiming "owner" (say, minted before a demotion) gets the viewer's rights only.
    const claimsOwner = await mint({ sub: viewer.userId, org_id: host.orgId, role: 'owner' });
    assertError(await t.request('GET', '/api/v1/api-keys', { token: claimsOwner }), 403, 'INSUFFICIENT_ROLE');
    assert.equal((await me(claimsOwner)).json().role, 'viewer');
  });

  it('refuses a validly signed token for an org the user does not belong to', async () => {
    const stranger = await t.signup('stranger');
    const token = await mint({ sub: u.userId, org_id: stranger.orgId, role: 'owner' });
    assertError(await me(token), 401, 'NOT_A_MEMBER');
    assertError(await t.request('GET', '/api/v1/members', { token }), 401, 'NOT_A_MEMBER');
  });

  it('refuses a validly signed token whose ids are not UUIDs with 401, not a database error', async () => {
    assertError(await me(await mint({ sub: 'admin', org_id: u.orgId, role: 'owner' })), 401, 'INVALID_TOKEN');
    assertError(await me(await mint({ sub: u.userId, org_id: "x' or '1'='1", role: 'owner' })), 401, 'INVALID_TOKEN');
  });

  describe('Supabase sessions (SUPABASE_JWT_SECRET set)', () => {
    /** A platform user whose email is verified, as the emailed link does it. */
    async function verifiedUser(label: string) {
      const user = await t.signup(label);
      const token = await tokenFromEmail(t.db, user.email, 'ev_', /confirm/i);
      assert.equal((await t.request('POST', '/api/v1/auth/verify-email/confirm', { body: { token } })).statusCode, 204);
      return user;
    }
    const linkedSub = async (userId: string) => (await t.db.selectFrom('users').select('supabase_user_id').where('id', '=', userId).executeTakeFirstOrThrow()).supabase_user_id;

    it('links automatically when both sides have verified the email: ours, and Supabase\'s word in the token', async () => {
      const user = await verifiedUser('supa-both');
      const sub = randomUUID();
      const res = await me(await mintSupabase({ sub, email: user.email, email_verified: true }));
      assert.equal(res.statusCode, 200, res.body);
      assert.equal(res.json().user.id, user.userId);
      assert.equal(await linkedSub(user.userId), sub);

      const other = await verifiedUser('supa-app-metadata');
      const viaAppMetadata = await me(await mintSupabase({ sub: randomUUID(), email: other.email, app_metadata: { email_verified: true } }));
      assert.equal(viaAppMetadata.json().user.id, other.userId, 'app_metadata (written only by the project) counts too');
    });

    it('does not link on a matching email alone: an unverified side asks for an explicit link', async () => {
      // A Supabase project that does not confirm emails: anyone can sign up there with this address.
      const verified = await verifiedUser('supa-unconfirmed');
      assertError(await me(await mintSupabase({ sub: randomUUID(), email: verified.email })), 403, 'SUPABASE_LINK_REQUIRED');
      // user_metadata is editable by the Supabase user: it proves nothing.
      assertError(await me(await mintSupabase({ sub: randomUUID(), email: verified.email, user_metadata: { email_verified: true } })), 403, 'SUPABASE_LINK_REQUIRED');
      assert.equal(await linkedSub(verified.userId), null);
      // A platform sign-up with someone's address (never verified) does not capture their Supabase login.
      const squatter = await t.signup('supa-squatted');
      const res = await me(await mintSupabase({ sub: randomUUID(), email: squatter.email, email_verified: true }));
      const body = assertError(res, 403, 'SUPABASE_LINK_REQUIRED');
      assert.match(body.error, /supabase\/link/);
      assert.equal(await linkedSub(squatter.userId), null);
    });

    it('never links a superadmin automatically, nor a user already linked to another identity', async () => {
      const operator = await verifiedUser('supa-operator');
      await t.db.updateTable('users').set({ is_superadmin: true }).where('id', '=', operator.userId).execute();
      assertError(await me(await mintSupabase({ sub: randomUUID(), email: operator.email, email_verified: true })), 403, 'SUPABASE_LINK_REQUIRED');
      assert.equal(await linkedSub(operator.userId), null);

      const user = await verifiedUser('supa-taken');
      const first = randomUUID();
      assert.equal((await me(await mintSupabase({ sub: first, email: user.email, email_verified: true }))).statusCode, 200);
      assertError(await me(await mintSupabase({ sub: randomUUID(), email: user.email, email_verified: true })), 403, 'SUPABASE_LINK_REQUIRED');
      assert.equal(await linkedSub(user.userId), first);
    });

    it('POST /auth/supabase/link: a logged-in user links the identity they present, once', async () => {
      const user = await t.signup('supa-explicit');
      const sub = randomUUID();
      const supaToken = await mintSupabase({ sub, email: user.email });
      assertError(await t.request('POST', '/api/v1/auth/supabase/link', { body: { supabase_token: supaToken } }), 401, 'UNAUTHORIZED');
      const res = await t.request('POST', '/api/v1/auth/supabase/link', { token: user.token, body: { supabase_token: supaToken } });
      assert.equal(res.statusCode, 200, res.body);
      assert.deepEqual(res.json(), { user_id: user.userId, supabase_user_id: sub });
      assert.equal((await me(supaToken)).json().user.id, user.userId, 'the Supabase session now signs in as this user');
      assert.equal((await t.request('POST', '/api/v1/auth/supabase/link', { token: user.token, body: { supabase_token: supaToken } })).statusCode, 200, 'again: nothing changes');
      const audit = await t.db.selectFrom('audit_log').select('action').where('org_id', '=', user.orgId).where('action', '=', 'auth.supabase_linked').execute();
      assert.equal(audit.length, 1);

      const another = await mintSupabase({ sub: randomUUID(), email: user.email });
      assertError(await t.request('POST', '/api/v1/auth/supabase/link', { token: user.token, body: { supabase_token: another } }), 409, 'SUPABASE_ALREADY_LINKED');
      const someoneElse = await t.signup('supa-explicit-other');
      assertError(await t.request('POST', '/api/v1/auth/supabase/link', { token: someoneElse.token, body: { supabase_token: supaToken } }), 409, 'SUPABASE_IDENTITY_TAKEN');
    });

    it('POST /auth/supabase/link refuses tokens that are not this project\'s valid access tokens with 400', async () => {
      const user = await t.signup('supa-bad-link');
      const link = (supabase_token: string) => t.request('POST', '/api/v1/auth/supabase/link', { token: user.token, body: { supabase_token } });
      assertError(await link(await mint({ sub: user.userId, org_id: user.orgId, role: 'owner' })), 400, 'INVALID_SUPABASE_TOKEN');
      assertError(await link(await mintSupabase({ sub: randomUUID() }, Math.floor(Date.now() / 1000) - 60)), 400, 'INVALID_SUPABASE_TOKEN');
      assertError(await link(await mintSupabase({ sub: 'not-a-uuid' })), 400, 'INVALID_SUPABASE_TOKEN');
      assertError(await link('x'.repeat(40)), 400, 'INVALID_SUPABASE_TOKEN');
      assertError(await link('short'), 400, 'VALIDATION_ERROR');
      assert.equal(await linkedSub(user.userId), null);
    });

    it('gives a new Supabase user an account and an org of their own, verified only on Supabase\'s word', async () => {
      const email = `supa-${randomUUID().slice(0, 8)}@example.test`;
      const res = await me(await mintSupabase({ sub: randomUUID(), email }));
      assert.equal(res.statusCode, 200, res.body);
      assert.equal(res.json().user.email, email);
      assert.equal(res.json().role, 'owner');
      assert.equal(res.json().user.email_verified_at, null);
      const confirmed = await me(await mintSupabase({ sub: randomUUID(), email: `supa-${randomUUID().slice(0, 8)}@example.test`, email_verified: true }));
      assert.ok(confirmed.json().user.email_verified_at);
    });

    it('refuses expired or malformed Supabase tokens and a malformed x-org-id with 4xx, never 500', async () => {
      assertError(await me(await mintSupabase({ sub: randomUUID(), email: u.email }, Math.floor(Date.now() / 1000) - 60)), 401, 'TOKEN_EXPIRED');
      assertError(await me(await mintSupabase({ sub: 'not-a-uuid', email: u.email })), 401, 'INVALID_TOKEN');
      assertError(await me(await mintSupabase({ sub: randomUUID() })), 401, 'INVALID_TOKEN');
      const token = await mintSupabase({ sub: randomUUID(), email: `supa-${randomUUID().slice(0, 8)}@example.test` });
      assertError(await t.request('GET', '/api/v1/auth/me', { token, headers: { 'x-org-id': 'nope' } }), 400, 'INVALID_ORG_ID');
      assertError(await t.request('GET', '/api/v1/auth/me', { token, headers: { 'x-org-id': u.orgId } }), 403, 'NOT_A_MEMBER');
    });
  });
});

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestPlatform, uniqueEmail, type TestPlatform, type TestUser } from '../support/platform.js';
import { assertError } from '../support/envelope.js';
import { tokenFromEmail } from '../support/outbox.js';

type Role = 'owner' | 'admin' | 'editor' | 'member' | 'viewer';

describe('members and invites', () => {
  let t: TestPlatform;
  before(async () => {
    t = await startTestPlatform();
  });
  after(() => t.close());

  const invite = (token: string, email: string, role: Role = 'member') => t.request('POST', '/api/v1/invites', { token, body: { email, role } });
  /** The invitation token as the invitee gets it: from the email, the only place it travels. */
  const invitedToken = (email: string) => tokenFromEmail(t.db, email, 'inv_', /invited/);
  /** Invite `email` and return the invitation (as the admin sees it) with the emailed token. */
  async function inviteWithToken(adminToken: string, email: string, role: Role = 'member') {
    const res = await invite(adminToken, email, role);
    assert.equal(res.statusCode, 201, res.body);
    return { ...res.json(), token: await invitedToken(email) } as { id: string; token: string };
  }

  /** Invite a brand-new person into `owner`'s org with `role` and return their session in that org. */
  async function addMember(owner: TestUser, role: Role, label: string = role) {
    const email = uniqueEmail(label);
    const inv = await inviteWithToken(owner.token, email, role);
    const res = await t.request('POST', '/api/v1/invites/accept', { body: { token: inv.token, password: 'member password 1' } });
    assert.equal(res.statusCode, 200, res.body);
    const body = res.json();
    return { userId: body.user.id as string, token: body.access_token as string, refreshToken: body.refresh_token as string, email };
  }

  describe('invites', () => {
    it('emails the token to the invitee only: the inviting admin never sees it, in the answer or the list', async () => {
      const owner = await t.signup('inv-owner');
      const email = uniqueEmail('invitee');
      const res = await invite(owner.token, email, 'editor');
      assert.equal(res.statusCode, 201, res.body);
      const created = res.json();
      assert.deepEqual(Object.keys(created).sort(), ['created_at', 'email', 'expires_at', 'id', 'role']);
      assert.equal(created.email, email);
      assert.equal(created.role, 'editor');
      assert.ok(Date.parse(created.expires_at) > Date.now() + 6 * 86_400_000, 'valid for about a week');
      const token = await invitedToken(email);
      assert.doesNotMatch(res.body, new RegExp(token), 'the token is nowhere in the answer');

      const list = await t.request('GET', '/api/v1/invites', { token: owner.token });
      assert.equal(list.statusCode, 200);
      const listed = list.json().items.find((i: { id: string }) => i.id === created.id);
      assert.ok(listed);
      assert.equal(listed.token, undefined);
      assert.equal(listed.token_hash, undefined);
      assert.doesNotMatch(list.body, new RegExp(token));
    });

    it('resend emails a new token that replaces the old one, for another full period; other orgs\' invites answer 404', async () => {
      const owner = await t.signup('inv-resend');
      const email = uniqueEmail('resent');
      const first = await inviteWithToken(owner.token, email, 'member');
      await t.db.updateTable('invites').set({ expires_at: new Date(Date.now() + 60_000) }).where('id', '=', first.id).execute();
      const res = await t.request('POST', `/api/v1/invites/${first.id}/resend`, { token: owner.token });
      assert.equal(res.statusCode, 200, res.body);
      assert.equal(res.json().id, first.id);
      assert.equal(res.json().token, undefined);
      assert.ok(Date.parse(res.json().expires_at) > Date.now() + 6 * 86_400_000, 'the period starts again');
      const second = await invitedToken(email);
      assert.notEqual(second, first.token);
      assertError(await t.request('POST', '/api/v1/invites/accept', { body: { token: first.token, password: 'resent password 1' } }), 400, 'INVALID_INVITE');
      assert.equal((await t.request('POST', '/api/v1/invites/accept', { body: { token: second, password: 'resent password 1' } })).statusCode, 200);
      assertError(await t.request('POST', `/api/v1/invites/${first.id}/resend`, { token: owner.token }), 404, 'NOT_FOUND');

      const pending = (await invite(owner.token, uniqueEmail('pending'))).json();
      const stranger = await t.signup('inv-resend-stranger');
      assertError(await t.request('POST', `/api/v1/invites/${pending.id}/resend`, { token: stranger.token }), 404, 'NOT_FOUND');
      const member = await addMember(owner, 'member', 'resend-member');
      assertError(await t.request('POST', `/api/v1/invites/${pending.id}/resend`, { token: member.token }), 403, 'INSUFFICIENT_ROLE');
      const admin = await addMember(owner, 'admin', 'resend-admin');
      const ownerInvite = (await invite(owner.token, uniqueEmail('future-owner'), 'owner')).json();
      assertError(await t.request('POST', `/api/v1/invites/${ownerInvite.id}/resend`, { token: admin.token }), 403, 'INSUFFICIENT_ROLE');
    });

    it('accepting with a new email creates the user and membership and returns tokens', async () => {
      const owner = await t.signup('inv-new');
      const email = uniqueEmail('fresh');
      const { token } = await inviteWithToken(owner.token, email, 'editor');
      assertError(await t.request('POST', '/api/v1/invites/accept', { body: { token } }), 400, 'PASSWORD_REQUIRED');
      const res = await t.request('POST', '/api/v1/invites/accept', { body: { token, password: 'fresh password 1', display_name: 'Fresh' } });
      assert.equal(res.statusCode, 200, res.body);
      const body = res.json();
      assert.equal(body.user.email, email);
      assert.equal(body.user.org_id, owner.orgId);
      assert.equal(body.user.role, 'editor');
      const me = (await t.request('GET', '/api/v1/auth/me', { token: body.access_token })).json();
      assert.equal(me.role, 'editor');
      assert.ok(me.user.email_verified_at, 'accepting an emailed invite proves the address');
      const login = await t.request('POST', '/api/v1/auth/login', { body: { email, password: 'fresh password 1' } });
      assert.equal(login.statusCode, 200);
      assert.equal(login.json().user.org_id, owner.orgId);
    });

    it('an existing account must be logged in as the invited email', async () => {
      const owner = await t.signup('inv-existing');
      const invitee = await t.signup('existing');
      const someoneElse = await t.signup('someone-else');
      const { token } = await inviteWithToken(owner.token, invitee.email.toUpperCase(), 'viewer');
      assertError(await t.request('POST', '/api/v1/invites/accept', { body: { token, password: 'attacker password' } }), 403, 'LOGIN_REQUIRED');
      assertError(await t.request('POST', '/api/v1/invites/accept', { token: someoneElse.token, body: { token } }), 403, 'LOGIN_REQUIRED');
      const res = await t.request('POST', '/api/v1/invites/accept', { token: invitee.token, body: { token } });
      assert.equal(res.statusCode, 200, res.body);
      assert.equal(res.json().user.id, invitee.userId);
      assert.equal(res.json().user.org_id, owner.orgId);
      assert.equal(res.json().user.role, 'viewer');
      const login = await t.request('POST', '/api/v1/auth/login', { body: { email: invitee.email, password: 'attacker password' } });
      assert.equal(login.statusCode, 401, 'the failed attempt did not set a password');
    });

    it('refuses expired, revoked, reused and unknown invites with 400 INVALID_INVITE', async () => {
      const owner = await t.signup('inv-bad');
      const expired = await inviteWithToken(owner.token, uniqueEmail('late'));
      await t.db.updateTable('invites').set({ expires_at: new Date(Date.now() - 1000) }).where('id', '=', expired.id).execute();
      assertError(await t.request('POST', '/api/v1/invites/accept', { body: { token: expired.token, password: 'late password 1' } }), 400, 'INVALID_INVITE');

      const revoked = await inviteWithToken(owner.token, uniqueEmail('revoked'));
      assert.equal((await t.request('DELETE', `/api/v1/invites/${revoked.id}`, { token: owner.token })).statusCode, 204);
      assertError(await t.request('POST', '/api/v1/invites/accept', { body: { token: revoked.token, password: 'revoked password 1' } }), 400, 'INVALID_INVITE');
      assertError(await t.request('DELETE', `/api/v1/invites/${revoked.id}`, { token: owner.token }), 404, 'NOT_FOUND');

      const used = await inviteWithToken(owner.token, uniqueEmail('twice'));
      assert.equal((await t.request('POST', '/api/v1/invites/accept', { body: { token: used.token, password: 'twice password 1' } })).statusCode, 200);
      assertError(await t.request('POST', '/api/v1/invites/accept', { body: { token: used.token, password: 'twice password 1' } }), 400, 'INVALID_INVITE');
      assertError(await t.request('DELETE', `/api/v1/invites/${used.id}`, { token: owner.token }), 404, 'NOT_FOUND');

      assertError(await t.request('POST', '/api/v1/invites/accept', { body: { token: 'inv_never-issued-token', password: 'some password 1' } }), 400, 'INVALID_INVITE');
      const count = await t.db.selectFrom('memberships').select('user_id').where('org_id', '=', owner.orgId).execute();
      assert.equal(count.length, 2, 'only the owner and the one valid acceptance');
    });

    it('refuses to invite someone who is already a member, or with a higher role than the inviter', async () => {
      const owner = await t.signup('inv-rules');
      const admin = await addMember(owner, 'admin');
      assertError(await invite(owner.token, owner.email), 409, 'ALREADY_MEMBER');
      assertError(await invite(owner.token, admin.email.toUpperCase()), 409, 'ALREADY_MEMBER');
      assertError(await invite(admin.token, uniqueEmail(), 'owner'), 403, 'INSUFFICIENT_ROLE');
      assert.equal((await invite(admin.token, uniqueEmail(), 'admin')).statusCode, 201);
      assert.equal((await invite(owner.token, uniqueEmail(), 'owner')).statusCode, 201);
    });
  });

  describe('members', () => {
    it('lists members with paging and a stable order', async () => {
      const owner = await t.signup('list');
      const added = [await addMember(owner, 'editor'), await addMember(owner, 'viewer'), await addMember(owner, 'member')];
      const all = await t.request('GET', '/api/v1/members', { token: added[1].token });
      assert.equal(all.statusCode, 200, 'every role may see who is in the org');
      const body = all.json();
      assert.equal(body.total, 4);
      assert.deepEqual(body.items.map((m: { user_id: string }) => m.user_id), [owner.userId, ...added.map((a) => a.userId)]);
      assert.deepEqual(body.items.map((m: { role: string }) => m.role), ['owner', 'editor', 'viewer', 'member']);
      assert.equal(body.items[0].password_hash, undefined);
      const page2 = (await t.request('GET', '/api/v1/members?page=2&limit=3', { token: owner.token })).json();
      assert.deepEqual([page2.total, page2.pages, page2.page, page2.items.length], [4, 2, 2, 1]);
      assert.equal(page2.items[0].user_id, added[2].userId);
    });

    it('an admin changes roles; the change applies to the next request', async () => {
      const owner = await t.signup('roles');
      const admin = await addMember(owner, 'admin');
      const m = await addMember(owner, 'member');
      assertError(await t.request('GET', '/api/v1/api-keys', { token: m.token }), 403, 'INSUFFICIENT_ROLE');
      const res = await t.request('PATCH', `/api/v1/members/${m.userId}`, { token: admin.token, body: { role: 'admin' } });
      assert.equal(res.statusCode, 200, res.body);
      assert.deepEqual(res.json(), { user_id: m.userId, role: 'admin' });
      assert.equal((await t.request('GET', '/api/v1/api-keys', { token: m.token })).statusCode, 200, 'the promotion applies at once');
      assert.equal((await t.request('PATCH', `/api/v1/members/${m.userId}`, { token: owner.token, body: { role: 'viewer' } })).statusCode, 200);
      assertError(await t.request('GET', '/api/v1/api-keys', { token: m.token }), 403, 'INSUFFICIENT_ROLE');
      assertError(await t.request('PATCH', `/api/v1/members/${m.userId}`, { token: owner.token, body: { role: 'superuser' } }), 400, 'VALIDATION_ERROR');
      const audit = await t.db.selectFrom('audit_log').select(['action', 'metadata']).where('org_id', '=', owner.orgId).where('action', '=', 'member.role_changed').execute();
      assert.equal(audit.length, 2);
    });

    it('admins cannot touch owners or demote other admins; only owners grant ownership', async () => {
      const owner = await t.signup('guard');
      const admin = await addMember(owner, 'admin');
      const admin2 = await addMember(owner, 'admin', 'admin2');
      const editor = await addMember(owner, 'editor');
      assertError(await t.request('PATCH', `/api/v1/members/${owner.userId}`, { token: admin.token, body: { role: 'member' } }), 403, 'INSUFFICIENT_ROLE');
      assertError(await t.request('DELETE', `/api/v1/members/${owner.userId}`, { token: admin.token }), 403, 'INSUFFICIENT_ROLE');
      assertError(await t.request('PATCH', `/api/v1/members/${editor.userId}`, { token: admin.token, body: { role: 'owner' } }), 403, 'INSUFFICIENT_ROLE');
      assertError(await t.request('PATCH', `/api/v1/members/${admin2.userId}`, { token: admin.token, body: { role: 'member' } }), 403, 'INSUFFICIENT_ROLE');
      // Removing is the strongest demotion: an admin cannot do it to another admin either.
      assertError(await t.request('DELETE', `/api/v1/members/${admin2.userId}`, { token: admin.token }), 403, 'INSUFFICIENT_ROLE');
      assert.equal((await t.request('GET', '/api/v1/auth/me', { token: admin2.token })).statusCode, 200, 'admin2 is still in');
      assert.equal((await t.request('DELETE', `/api/v1/members/${editor.userId}`, { token: admin.token })).statusCode, 204, 'an admin may remove lower roles');
      const again = await addMember(owner, 'editor', 'editor-again');
      assert.equal((await t.request('PATCH', `/api/v1/members/${again.userId}`, { token: owner.token, body: { role: 'owner' } })).statusCode, 200);
      assert.equal((await t.request('DELETE', `/api/v1/members/${admin2.userId}`, { token: owner.token })).statusCode, 204, 'an owner may remove an admin');
    });

    it('viewers and members cannot manage members or invites (403)', async () => {
      const owner = await t.signup('lowly');
      const pending = (await invite(owner.token, uniqueEmail('pending'))).json();
      for (const role of ['viewer', 'member', 'editor'] as const) {
        const low = await addMember(owner, role);
        assertError(await t.request('PATCH', `/api/v1/members/${owner.userId}`, { token: low.token, body: { role: 'viewer' } }), 403, 'INSUFFICIENT_ROLE');
        assertError(await t.request('DELETE', `/api/v1/members/${owner.userId}`, { token: low.token }), 403, 'INSUFFICIENT_ROLE');
        assertError(await invite(low.token, uniqueEmail()), 403, 'INSUFFICIENT_ROLE');
        assertError(await t.request('GET', '/api/v1/invites', { token: low.token }), 403, 'INSUFFICIENT_ROLE');
        assertError(await t.request('DELETE', `/api/v1/invites/${pending.id}`, { token: low.token }), 403, 'INSUFFICIENT_ROLE');
        assertError(await t.request('PATCH', '/api/v1/org', { token: low.token, body: { name: 'Renamed' } }), 403, 'INSUFFICIENT_ROLE');
      }
      const stillThere = await t.request('GET', '/api/v1/invites', { token: owner.token });
      assert.equal(stillThere.json().items.find((i: { id: string }) => i.id === pending.id).revoked_at, null);
    });

    it('removing a member ends their access and their sessions at once', async () => {
      const owner = await t.signup('remove');
      const m = await addMember(owner, 'member');
      assert.equal((await t.request('GET', '/api/v1/members', { token: m.token })).statusCode, 200);
      assert.equal((await t.request('DELETE', `/api/v1/members/${m.userId}`, { token: owner.token })).statusCode, 204);
      assertError(await t.request('GET', '/api/v1/members', { token: m.token }), 401, 'NOT_A_MEMBER');
      assertError(await t.request('POST', '/api/v1/auth/refresh', { body: { refresh_token: m.refreshToken } }), 401, 'INVALID_REFRESH_TOKEN');
      assertError(await t.request('DELETE', `/api/v1/members/${m.userId}`, { token: owner.token }), 404, 'NOT_FOUND');
      const members = (await t.request('GET', '/api/v1/members', { token: owner.token })).json();
      assert.equal(members.total, 1);
    });

    it('the last owner can be neither removed, demoted, nor leave (409 LAST_OWNER)', async () => {
      const owner = await t.signup('last');
      const admin = await addMember(owner, 'admin');
      assertError(await t.request('PATCH', `/api/v1/members/${owner.userId}`, { token: owner.token, body: { role: 'admin' } }), 409, 'LAST_OWNER');
      assertError(await t.request('DELETE', `/api/v1/members/${owner.userId}`, { token: owner.token }), 409, 'LAST_OWNER');
      assertError(await t.request('POST', '/api/v1/org/leave', { token: owner.token }), 409, 'LAST_OWNER');
      // With a second owner, the first may step down.
      assert.equal((await t.request('PATCH', `/api/v1/members/${admin.userId}`, { token: owner.token, body: { role: 'owner' } })).statusCode, 200);
      assert.equal((await t.request('PATCH', `/api/v1/members/${owner.userId}`, { token: owner.token, body: { role: 'admin' } })).statusCode, 200);
      assertError(await t.request('POST', '/api/v1/org/leave', { token: admin.token }), 409, 'LAST_OWNER');
      const members = (await t.request('GET', '/api/v1/members', { token: admin.token })).json();
      assert.deepEqual(members.items.map((m: { role: string }) => m.role).sort(), ['admin', 'owner']);
    });

    it('a member can leave; the org then forgets them', async () => {
      const owner = await t.signup('leave');
      const m = await addMember(owner, 'editor');
      const res = await t.request('POST', '/api/v1/org/leave', { token: m.token });
      assert.equal(res.statusCode, 204, res.body);
      assertError(await t.request('GET', '/api/v1/auth/me', { token: m.token }), 401, 'NOT_A_MEMBER');
      assertError(await t.request('POST', '/api/v1/auth/login', { body: { email: m.email, password: 'member password 1' } }), 403, 'NO_ORGANIZATION');
      const audit = await t.db.selectFrom('audit_log').select('actor_user_id').where('org_id', '=', owner.orgId).where('action', '=', 'member.left').execute();
      assert.deepEqual(audit.map((a) => a.actor_user_id), [m.userId]);
    });

    it('org settings: any member reads, admins rename', async () => {
      const owner = await t.signup('org');
      const viewer = await addMember(owner, 'viewer');
      const org = await t.request('GET', '/api/v1/org', { token: viewer.token });
      assert.equal(org.statusCode, 200);
      assert.equal(org.json().id, owner.orgId);
      const renamed = await t.request('PATCH', '/api/v1/org', { token: owner.token, body: { name: 'Renamed Co', settings: { theme: 'dark' } } });
      assert.equal(renamed.statusCode, 200, renamed.body);
      assert.equal(renamed.json().name, 'Renamed Co');
      assert.deepEqual(renamed.json().settings, { theme: 'dark' });
      assertError(await t.request('PATCH', '/api/v1/org', { token: owner.token, body: { plan: 'enterprise' } }), 400, 'VALIDATION_ERROR');
    });
  });
});

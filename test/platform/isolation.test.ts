import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestPlatform, uniqueEmail, type TestPlatform, type TestUser } from '../support/platform.js';
import { tokenFromEmail } from '../support/outbox.js';
import { assertTenantIsolation, type IsolationRoute } from '../support/isolation.js';

interface BIds {
  orgId: string;
  ownerId: string;
  memberId: string;
  inviteId: string;
  rotateKeyId: string;
  revokeKeyId: string;
}

/** Every platform route that takes an id, as tenant A would aim it at tenant B's resources. */
const platformRoutes: IsolationRoute<BIds>[] = [
  { method: 'PATCH', url: (ids) => `/api/v1/members/${ids.memberId}`, body: { role: 'viewer' }, ownerStatus: 200 },
  { method: 'PATCH', url: (ids) => `/api/v1/members/${ids.ownerId}`, body: { role: 'admin' } },
  { method: 'DELETE', url: (ids) => `/api/v1/members/${ids.ownerId}` },
  { method: 'DELETE', url: (ids) => `/api/v1/members/${ids.memberId}`, ownerStatus: 204 },
  { method: 'DELETE', url: (ids) => `/api/v1/invites/${ids.inviteId}`, ownerStatus: 204 },
  { method: 'POST', url: (ids) => `/api/v1/api-keys/${ids.rotateKeyId}/rotate`, ownerStatus: 201 },
  { method: 'DELETE', url: (ids) => `/api/v1/api-keys/${ids.revokeKeyId}`, ownerStatus: 204 },
];
const switchOrg: IsolationRoute<BIds> = { method: 'POST', url: () => '/api/v1/auth/switch-org', body: (ids: BIds) => ({ org_id: ids.orgId }), ownerStatus: 200 };

describe('tenant isolation matrix (platform routes)', () => {
  let t: TestPlatform;
  let a: TestUser;
  before(async () => {
    t = await startTestPlatform();
    a = await t.signup('iso-a');
  });
  after(() => t.close());

  /** A fresh tenant B with one of each resource; fresh per run because the owner checks consume them. */
  async function tenantB(): Promise<{ b: TestUser; ids: BIds }> {
    const b = await t.signup('iso-b');
    const memberEmail = uniqueEmail('iso-member');
    await t.request('POST', '/api/v1/invites', { token: b.token, body: { email: memberEmail, role: 'member' } });
    const member = (await t.request('POST', '/api/v1/invites/accept', { body: { token: await tokenFromEmail(t.db, memberEmail, 'inv_'), password: 'member password' } })).json();
    const invite = (await t.request('POST', '/api/v1/invites', { token: b.token, body: { email: uniqueEmail('iso-pending') } })).json();
    const rotateKey = (await t.request('POST', '/api/v1/api-keys', { token: b.token, body: { name: 'rotate-me' } })).json();
    const revokeKey = (await t.request('POST', '/api/v1/api-keys', { token: b.token, body: { name: 'revoke-me' } })).json();
    return { b, ids: { orgId: b.orgId, ownerId: b.userId, memberId: member.user.id, inviteId: invite.id, rotateKeyId: rotateKey.id, revokeKeyId: revokeKey.id } };
  }

  it('an owner of A gets 404 for every B id, and B\u2019s resources are untouched', async () => {
    const { b, ids } = await tenantB();
    await assertTenantIsolation(t, { attackerToken: a.token, ownerToken: b.token, ids, routes: [...platformRoutes, switchOrg] });
  });

  it('an admin API key of A gets 404 for every B id', async () => {
    const key = (await t.request('POST', '/api/v1/api-keys', { token: a.token, body: { name: 'iso-admin', role: 'admin' } })).json().key;
    const { b, ids } = await tenantB();
    // Member management and switch-org are for user sessions only: a key gets 403 USER_REQUIRED
    // for any id, which reveals nothing. The routes a key may use must answer 404.
    const keyRoutes = platformRoutes.filter((r) => !r.url(ids).startsWith('/api/v1/members/'));
    assert.equal(keyRoutes.length, 3);
    await assertTenantIsolation(t, { attackerToken: key, ownerToken: b.token, ids, routes: keyRoutes });
  });

  it('a user who belongs to both orgs, acting in A, still gets 404 for B\u2019s ids', async () => {
    const { b, ids } = await tenantB();
    const both = await t.signup('iso-both');
    await t.request('POST', '/api/v1/invites', { token: b.token, body: { email: both.email, role: 'admin' } });
    assert.equal((await t.request('POST', '/api/v1/invites/accept', { token: both.token, body: { token: await tokenFromEmail(t.db, both.email, 'inv_') } })).statusCode, 200);
    // Their token is bound to their own org: being an admin in B must not reach B's data from it.
    await assertTenantIsolation(t, { attackerToken: both.token, ownerToken: b.token, ids, routes: platformRoutes });
  });

  it('the matrix itself fails on a leak or a mistyped route (control)', async () => {
    const { b, ids } = await tenantB();
    await assert.rejects(
      assertTenantIsolation(t, { attackerToken: a.token, ownerToken: b.token, ids, routes: [{ method: 'GET', url: (i) => `/api/v1/no-such-route/${i.inviteId}` }] }),
      /isolation broken on 1 route/,
    );
    // B attacking B: success instead of 404 must be reported.
    await assert.rejects(
      assertTenantIsolation(t, { attackerToken: b.token, ownerToken: b.token, ids, routes: [{ method: 'DELETE', url: (i) => `/api/v1/invites/${i.inviteId}` }] }),
      /DELETE \/api\/v1\/invites\/.* → 204/,
    );
  });
});

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestPlatform, uniqueEmail, type TestPlatform } from '../support/platform.js';
import { assertError } from '../support/envelope.js';
import { tokenFromEmail } from '../support/outbox.js';
import { hashSecret, newSecret, passwordWork } from '../../src/platform/auth/secrets.js';

/**
 * Invitation acceptance is anonymous, so what it costs before the token is known to be good is
 * what an attacker can make the server spend. The token is hashed once (SHA-256) and looked up
 * by that hash; argon2 runs only for a live invitation. An unknown token and a dead one (used,
 * revoked, expired) get the same answer after the same work.
 */
describe('invitation acceptance: the token is looked up before any costly work', () => {
  let t: TestPlatform;
  let owner: Awaited<ReturnType<TestPlatform['signup']>>;
  before(async () => {
    t = await startTestPlatform();
    owner = await t.signup('invite-work');
  });
  after(() => t.close());

  /** Accepts `token` with a password (as a new account would) and counts the argon2 computations it caused. */
  async function acceptCounting(token: string, address: string) {
    let computations = 0;
    const count = () => computations++;
    passwordWork.subscribe(count);
    try {
      const res = await t.server.inject({
        method: 'POST',
        url: '/api/v1/invites/accept',
        remoteAddress: address,
        headers: { 'content-type': 'application/json' },
        payload: JSON.stringify({ token, password: 'a long enough password' }),
      });
      return { res, computations };
    } finally {
      passwordWork.unsubscribe(count);
    }
  }

  async function invitation(email: string) {
    const res = await t.request('POST', '/api/v1/invites', { token: owner.token, body: { email, role: 'member' } });
    assert.equal(res.statusCode, 201, res.body);
    return { id: res.json().id as string, token: await tokenFromEmail(t.db, email, 'inv_', /invited/) };
  }

  it('a live invitation hashes the new password once (the counter sees argon2)', async () => {
    const inv = await invitation(uniqueEmail('live'));
    const { res, computations } = await acceptCounting(inv.token, '198.51.100.20');
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(computations, 1);
  });

  it('an unknown token and used, revoked or expired ones: the same answer, and no argon2 at all', async () => {
    const used = await invitation(uniqueEmail('used'));
    assert.equal((await acceptCounting(used.token, '198.51.100.21')).res.statusCode, 200);
    const revoked = await invitation(uniqueEmail('revoked'));
    assert.equal((await t.request('DELETE', `/api/v1/invites/${revoked.id}`, { token: owner.token })).statusCode, 204);
    const expired = await invitation(uniqueEmail('expired'));
    await t.db.updateTable('invites').set({ expires_at: new Date(Date.now() - 1000) }).where('id', '=', expired.id).execute();
    // Stored only as its SHA-256: the database never holds a token that could be compared byte by byte.
    const stored = await t.db.selectFrom('invites').select('token_hash').where('id', '=', expired.id).executeTakeFirstOrThrow();
    assert.equal(stored.token_hash, hashSecret(expired.token));

    const answers = [];
    for (const [i, token] of [newSecret('inv_'), used.token, revoked.token, expired.token, `${expired.token.slice(0, -1)}x`].entries()) {
      const { res, computations } = await acceptCounting(token, `198.51.100.${30 + i}`);
      assert.equal(computations, 0, `no password was hashed for ${i === 0 ? 'an unknown' : 'a dead'} token`);
      const body = assertError(res, 400, 'INVALID_INVITE');
      answers.push({ status: res.statusCode, error: body.error, code: body.code });
    }
    for (const a of answers.slice(1)) assert.deepEqual(a, answers[0], 'every refusal reads the same, so none says whether the token exists');
  });
});

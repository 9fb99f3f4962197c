import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { afterCommit } from '../../../src/platform/db/after-commit.js';
import { withSystem, withTenant } from '../../../src/platform/db/tenant.js';
import { startTestPlatform, type TestPlatform, type TestUser } from '../../support/platform.js';

describe('after-commit hooks', () => {
  let t: TestPlatform;
  let user: TestUser;
  before(async () => {
    t = await startTestPlatform();
    user = await t.signup('after-commit');
  });
  after(() => t.close());

  it('run once the tenant transaction has committed, and see its writes from outside it', async () => {
    const seen: string[] = [];
    await withTenant(t.db, { orgId: user.orgId }, async (tx) => {
      await sql`update orgs set name = 'Renamed in the transaction' where id = ${user.orgId}`.execute(tx);
      assert.equal(afterCommit(tx, () => seen.push('hook')), true);
      seen.push('body');
    });
    assert.deepEqual(seen, ['body', 'hook']);
    const { name } = await t.db.selectFrom('orgs').select('name').where('id', '=', user.orgId).executeTakeFirstOrThrow();
    assert.equal(name, 'Renamed in the transaction');
  });

  it('never run when the transaction rolls back (tenant or system)', async () => {
    let ran = 0;
    await assert.rejects(withTenant(t.db, { orgId: user.orgId }, async (tx) => {
      afterCommit(tx, () => ran++);
      throw new Error('rolled back');
    }), /rolled back/);
    await assert.rejects(withSystem(t.db, async (tx) => {
      afterCommit(tx, () => ran++);
      throw new Error('rolled back too');
    }), /rolled back too/);
    assert.equal(ran, 0);
    await withSystem(t.db, async (tx) => {
      afterCommit(tx, () => ran++);
    });
    assert.equal(ran, 1, 'the control: a committed system transaction runs its hook');
  });

  it('answers false for an object that is not a tracked transaction, and after the transaction ended', async () => {
    assert.equal(afterCommit(t.db, () => {}), false);
    let leaked: object | undefined;
    await withTenant(t.db, { orgId: user.orgId }, async (tx) => {
      leaked = tx;
    });
    assert.equal(afterCommit(leaked!, () => {}), false);
  });
});

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { startTestPlatform, uniqueEmail, type TestPlatform, type TestUser } from '../../support/platform.js';
import { assertError } from '../../support/envelope.js';
import { withSystem } from '../../../src/platform/db/tenant.js';
import { createSuperadmin } from '../../../src/platform/admin/superadmin.js';
import { snapshotOrgStorage, utcDay } from '../../../src/platform/usage/storage-snapshot.js';
import { platformJobs } from '../../../src/platform/jobs/platform-jobs.js';
import { loadConfig } from '../../../src/platform/config/config.js';

const DAY = 86_400_000;

interface Series {
  storage_days: Array<{ day: string; storage_used_bytes: number }>;
  request_days: Array<{ day: string; requests: number }>;
}

/** A trigger that refuses one org's rows of `table`: a real database failure inside that org's transaction. */
async function refuseRowsOf(t: TestPlatform, table: string, orgId: string): Promise<() => Promise<void>> {
  const fn = `refuse_${randomBytes(4).toString('hex')}`;
  await sql.raw(`create function ${fn}() returns trigger language plpgsql as $$ begin if new.org_id = '${orgId}' then raise exception 'poisoned row'; end if; return new; end $$`).execute(t.db);
  await sql.raw(`create trigger ${fn} before insert or update on ${table} for each row execute function ${fn}()`).execute(t.db);
  return async () => {
    await sql.raw(`drop trigger ${fn} on ${table}`).execute(t.db);
    await sql.raw(`drop function ${fn}()`).execute(t.db);
  };
}

describe('storage and requests over time', () => {
  let t: TestPlatform;
  let root: { token: string };
  before(async () => {
    t = await startTestPlatform();
    const email = uniqueEmail('totals-root');
    await createSuperadmin(t.db, { email, password: 'root password 1', storageLimitBytes: 1024 });
    root = { token: (await t.request('POST', '/api/v1/auth/login', { body: { email, password: 'root password 1' } })).json().access_token };
  });
  after(() => t.close());

  const setUsed = (orgId: string, bytes: number) => withSystem(t.db, (tx) => tx.updateTable('orgs').set({ storage_used_bytes: bytes }).where('id', '=', orgId).execute());
  const storedDays = async (orgId: string) =>
    (await withSystem(t.db, (tx) => tx.selectFrom('storage_daily').select([sql<string>`to_char(day, 'YYYY-MM-DD')`.as('day'), 'storage_used_bytes']).where('org_id', '=', orgId).orderBy('day').execute()))
      .map((r) => ({ day: r.day, bytes: Number(r.storage_used_bytes) }));
  const series = async (user: TestUser, query = '') => {
    const res = await t.request('GET', `/api/v1/usage/daily${query}`, { token: user.token });
    assert.equal(res.statusCode, 200, res.body);
    return res.json() as Series;
  };

  it('snapshots storage hourly as a system job, and bounds REQUEST_COUNT_FLUSH_SECONDS', async () => {
    const job = platformJobs.find((j) => j.name === 'usage.storage-snapshot');
    assert.equal(job?.scope, 'system');
    const schedules = await t.platform.ctx.jobs.queue.getSchedules();
    assert.equal(schedules.find((s) => s.name === 'usage.storage-snapshot')?.cron, '55 * * * *', 'registered with pg-boss');
    assert.equal(loadConfig({}).requestCountFlushSeconds, 60);
    assert.equal(loadConfig({ REQUEST_COUNT_FLUSH_SECONDS: '1' }).requestCountFlushSeconds, 1);
    assert.throws(() => loadConfig({ REQUEST_COUNT_FLUSH_SECONDS: '0' }), /REQUEST_COUNT_FLUSH_SECONDS/);
    assert.throws(() => loadConfig({ REQUEST_COUNT_FLUSH_SECONDS: '3601' }), /REQUEST_COUNT_FLUSH_SECONDS/);
  });

  it("records each org's storage once per day (upserted), and one org's failure does not stop the others", async () => {
    const broken = await t.signup('snap-broken');
    const fine = await t.signup('snap-fine');
    await setUsed(broken.orgId, 111);
    await setUsed(fine.orgId, 222);
    const yesterday = new Date(Date.now() - DAY);
    const restore = await refuseRowsOf(t, 'storage_daily', broken.orgId);
    try {
      const result = await snapshotOrgStorage(t.platform.ctx, yesterday);
      assert.ok(result.failedOrgs >= 1, 'the broken org is reported');
      assert.ok(result.orgs >= 1);
    } finally {
      await restore();
    }
    assert.deepEqual(await storedDays(fine.orgId), [{ day: utcDay(yesterday), bytes: 222 }], 'the healthy org is recorded');
    assert.deepEqual(await storedDays(broken.orgId), []);

    // Fixed, it is recorded on the next run; a second run the same day overwrites, never duplicates.
    assert.equal((await snapshotOrgStorage(t.platform.ctx, yesterday)).failedOrgs, 0);
    await setUsed(fine.orgId, 333);
    await snapshotOrgStorage(t.platform.ctx, yesterday);
    assert.deepEqual(await storedDays(broken.orgId), [{ day: utcDay(yesterday), bytes: 111 }]);
    assert.deepEqual(await storedDays(fine.orgId), [{ day: utcDay(yesterday), bytes: 333 }], "the day keeps its latest value");
  });

  it("answers the org's storage series, today's point from the live value, and only its own", async () => {
    const a = await t.signup('storage-a');
    const b = await t.signup('storage-b');
    const threeDaysAgo = new Date(Date.now() - 3 * DAY);
    await setUsed(a.orgId, 1000);
    await setUsed(b.orgId, 5000);
    await snapshotOrgStorage(t.platform.ctx, threeDaysAgo);
    await snapshotOrgStorage(t.platform.ctx); // today's snapshot, soon stale:
    await setUsed(a.orgId, 1500);
    const today = utcDay(new Date());
    assert.deepEqual((await series(a)).storage_days, [
      { day: utcDay(threeDaysAgo), storage_used_bytes: 1000 },
      { day: today, storage_used_bytes: 1500 },
    ]);
    assert.deepEqual((await series(b)).storage_days, [
      { day: utcDay(threeDaysAgo), storage_used_bytes: 5000 },
      { day: today, storage_used_bytes: 5000 },
    ]);
    // A period that ends before today has no live point.
    const from = encodeURIComponent(new Date(Date.now() - 10 * DAY).toISOString());
    const to = encodeURIComponent(new Date(Date.now() - 2 * DAY).toISOString());
    assert.deepEqual((await series(a, `?from=${from}&to=${to}`)).storage_days, [{ day: utcDay(threeDaysAgo), storage_used_bytes: 1000 }]);
  });

  it('counts authenticated requests per org and day, written on flush, added across flushes', async () => {
    const counter = t.server.requestCounter;
    await counter.flush();
    const a = await t.signup('requests-a');
    const b = await t.signup('requests-b');
    for (let i = 0; i < 3; i++) assert.equal((await t.request('GET', '/api/v1/auth/me', { token: a.token })).statusCode, 200);
    assert.equal((await t.request('GET', '/api/v1/auth/me', { token: b.token })).statusCode, 200);
    // Requests without a principal are not an org's: anonymous and refused credentials.
    assert.equal((await t.request('GET', '/api/v1/auth/me')).statusCode, 401);
    assert.equal((await t.request('GET', '/api/v1/auth/me', { token: 'not-a-token' })).statusCode, 401);
    // An API key's requests are its org's.
    const key = (await t.request('POST', '/api/v1/api-keys', { token: a.token, body: { name: 'script', role: 'viewer' } })).json().key as string;
    assert.equal((await t.request('GET', '/api/v1/auth/me', { token: key })).statusCode, 200);
    assert.equal(counter.unflushed, 6, 'counted in memory, nothing written yet');

    await counter.flush();
    assert.equal(counter.unflushed, 0);
    const today = utcDay(new Date());
    // 3 + the key's creation + the key's own request; the series request itself waits for the next flush.
    assert.deepEqual((await series(a)).request_days, [{ day: today, requests: 5 }]);
    assert.deepEqual((await series(b)).request_days, [{ day: today, requests: 1 }]);
    await counter.flush();
    assert.deepEqual((await series(a)).request_days, [{ day: today, requests: 6 }], 'the next flush adds to the day');

    // Another day is its own row; an org deleted since its requests were counted is skipped, not fatal.
    counter.count(a.orgId, new Date(Date.now() - 2 * DAY));
    counter.count(randomUUID());
    await counter.flush();
    assert.equal(counter.unflushed, 0);
    assert.deepEqual((await series(a)).request_days, [{ day: utcDay(new Date(Date.now() - 2 * DAY)), requests: 1 }, { day: today, requests: 7 }]);
  });

  it('keeps the counts of a flush that fails for the next one', async () => {
    const counter = t.server.requestCounter;
    const a = await t.signup('requests-kept');
    await counter.flush();
    const restore = await refuseRowsOf(t, 'request_daily', a.orgId);
    try {
      counter.count(a.orgId);
      counter.count(a.orgId);
      await counter.flush();
      assert.equal(counter.unflushed, 2, 'kept in memory');
    } finally {
      await restore();
    }
    await counter.flush();
    assert.equal(counter.unflushed, 0);
    const rows = await withSystem(t.db, (tx) => tx.selectFrom('request_daily').select('requests').where('org_id', '=', a.orgId).execute());
    assert.deepEqual(rows.map((r) => Number(r.requests)), [2]);
  });

  it('gives superadmins the series summed over every org, or of one; 404 for an unknown org', async () => {
    const a = await t.signup('admin-series-a');
    const b = await t.signup('admin-series-b');
    await setUsed(a.orgId, 70);
    await setUsed(b.orgId, 30);
    const lastWeek = new Date(Date.now() - 7 * DAY);
    await snapshotOrgStorage(t.platform.ctx, lastWeek);
    const counter = t.server.requestCounter;
    counter.count(a.orgId, lastWeek);
    counter.count(b.orgId, lastWeek);
    counter.count(b.orgId, lastWeek);
    await counter.flush();

    const one = await t.request('GET', `/api/v1/admin/usage/daily?org_id=${b.orgId}`, { token: root.token });
    assert.equal(one.statusCode, 200, one.body);
    const day = utcDay(lastWeek);
    const oneBody = one.json() as Series;
    assert.deepEqual(oneBody.storage_days.find((d) => d.day === day), { day, storage_used_bytes: 30 });
    assert.deepEqual(oneBody.request_days.find((d) => d.day === day), { day, requests: 2 });

    const all = (await t.request('GET', '/api/v1/admin/usage/daily', { token: root.token })).json() as Series & { storage: { storage_used_bytes: number } };
    const allStorage = all.storage_days.find((d) => d.day === day)!;
    assert.ok(allStorage.storage_used_bytes >= 100, 'both orgs are in the sum');
    assert.ok(all.request_days.find((d) => d.day === day)!.requests >= 3);
    assert.equal(all.storage_days.at(-1)!.storage_used_bytes, all.storage.storage_used_bytes, "today's point is the live total");

    assertError(await t.request('GET', `/api/v1/admin/usage/daily?org_id=${randomUUID()}`, { token: root.token }), 404, 'NOT_FOUND');
    assertError(await t.request('GET', '/api/v1/admin/usage/daily', { token: a.token }), 403);
  });
});

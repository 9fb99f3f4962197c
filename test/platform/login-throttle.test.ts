import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { startTestPlatform, uniqueEmail, type TestPlatform } from '../support/platform.js';
import { assertError } from '../support/envelope.js';
import { tokenFromEmail } from '../support/outbox.js';
import { ACCOUNT_SLOWDOWN_FROM, FREE_ATTEMPTS_PER_ADDRESS, purgeLoginAttempts, slowDownMs } from '../../src/platform/auth/login-throttle.js';
import { platformJobs } from '../../src/platform/jobs/platform-jobs.js';
import { loadConfig } from '../../src/platform/config/config.js';

describe('login throttling: per account and address, decaying, never a lock an attacker can put on the owner', () => {
  let t: TestPlatform;
  before(async () => {
    t = await startTestPlatform();
  });
  after(() => t.close());

  const loginFrom = (remoteAddress: string, email: string, password: string) =>
    t.server.inject({ method: 'POST', url: '/api/v1/auth/login', remoteAddress, headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ email, password }) });

  /** Moves the account's counts back in time, as if `seconds` had passed. */
  const age = (email: string, seconds: number) =>
    t.db.updateTable('login_attempts').set({ updated_at: sql`updated_at - make_interval(secs => ${seconds})` }).where('account', '=', email.toLowerCase()).execute();

  it(`parallel wrong guesses from one address: exactly ${FREE_ATTEMPTS_PER_ADDRESS} reach the password check, the rest wait; the owner elsewhere still logs in`, async () => {
    const victim = await t.signup('parallel');
    const attacker = '198.51.100.1';
    const guesses = await Promise.all(Array.from({ length: 12 }, (_, i) => loginFrom(attacker, victim.email, `wrong password ${i}`)));
    const statuses = guesses.map((r) => r.statusCode);
    assert.equal(statuses.filter((s) => s === 401).length, FREE_ATTEMPTS_PER_ADDRESS, `statuses: ${statuses.join(',')}`);
    assert.equal(statuses.filter((s) => s === 429).length, 12 - FREE_ATTEMPTS_PER_ADDRESS);
    for (const limited of guesses.filter((r) => r.statusCode === 429)) {
      const retryAfter = Number(limited.headers['retry-after']);
      assert.ok(retryAfter >= 1 && retryAfter <= 3600, `Retry-After is a sensible number of seconds (${limited.headers['retry-after']})`);
      assert.equal(limited.json().code, 'RATE_LIMITED');
    }
    // Even the right password waits at the attacker's address: the guesses there are not over.
    assertError(await loginFrom(attacker, victim.email, victim.password), 429, 'RATE_LIMITED');
    const owner = await loginFrom('198.51.100.2', victim.email, victim.password);
    assert.equal(owner.statusCode, 200, `the owner, at their own address, is not locked out: ${owner.body}`);
  });

  it('the wait ends by itself: the counts decay', async () => {
    const victim = await t.signup('decay');
    const attacker = '198.51.100.3';
    for (let i = 0; i < FREE_ATTEMPTS_PER_ADDRESS; i++) assertError(await loginFrom(attacker, victim.email, `wrong ${i}`), 401, 'INVALID_CREDENTIALS');
    const limited = assertError(await loginFrom(attacker, victim.email, 'wrong again'), 429, 'RATE_LIMITED');
    assert.match(limited.error, /this address/);
    await age(victim.email, 60 * 60);
    assert.equal((await loginFrom(attacker, victim.email, victim.password)).statusCode, 200, 'after an hour the address may try again');
  });

  it('an attack spread over many addresses slows the account down but never refuses its owner', async () => {
    const victim = await t.signup('spread');
    const attempts = ACCOUNT_SLOWDOWN_FROM + 5;
    for (let i = 0; i < attempts; i++) assertError(await loginFrom(`203.0.113.${i + 1}`, victim.email, `wrong ${i}`), 401, 'INVALID_CREDENTIALS');
    const pressure = await t.db.selectFrom('login_attempts').select('score').where('account', '=', victim.email.toLowerCase()).where('source', '=', '*').executeTakeFirstOrThrow();
    assert.ok(pressure.score > ACCOUNT_SLOWDOWN_FROM, `the account-wide count is past the slow-down (${pressure.score})`);
    const owner = await loginFrom('192.0.2.77', victim.email, victim.password);
    assert.equal(owner.statusCode, 200, owner.body);
  });

  it('slows down in proportion to the pressure, within a ceiling', () => {
    assert.equal(slowDownMs(0), 0);
    assert.equal(slowDownMs(ACCOUNT_SLOWDOWN_FROM), 0);
    assert.ok(slowDownMs(ACCOUNT_SLOWDOWN_FROM + 1) > 0);
    assert.ok(slowDownMs(ACCOUNT_SLOWDOWN_FROM + 5) > slowDownMs(ACCOUNT_SLOWDOWN_FROM + 1));
    assert.equal(slowDownMs(1e9), slowDownMs(1e6), 'capped');
    assert.ok(slowDownMs(1e9) <= 2_000);
  });

  it('the right password starts the address\'s count again; a password reset starts every count again', async () => {
    const victim = await t.signup('cleared');
    const home = '198.51.100.4';
    for (let i = 0; i < FREE_ATTEMPTS_PER_ADDRESS - 1; i++) await loginFrom(home, victim.email, `typo ${i}`);
    assert.equal((await loginFrom(home, victim.email, victim.password)).statusCode, 200);
    for (let i = 0; i < FREE_ATTEMPTS_PER_ADDRESS; i++) assertError(await loginFrom(home, victim.email, `typo again ${i}`), 401, 'INVALID_CREDENTIALS');
    assertError(await loginFrom(home, victim.email, victim.password), 429, 'RATE_LIMITED');

    assert.equal((await t.request('POST', '/api/v1/auth/password-reset/request', { body: { email: victim.email } })).statusCode, 202);
    const token = await tokenFromEmail(t.db, victim.email, 'pr_', /reset/i);
    assert.equal((await t.request('POST', '/api/v1/auth/password-reset/confirm', { body: { token, password: 'a new password 1' } })).statusCode, 204);
    assert.equal((await loginFrom(home, victim.email, 'a new password 1')).statusCode, 200);
  });

  it('answers unknown accounts exactly like known ones, throttling included', async () => {
    const ghost = uniqueEmail('nobody-here');
    const address = '198.51.100.5';
    for (let i = 0; i < FREE_ATTEMPTS_PER_ADDRESS; i++) assertError(await loginFrom(address, ghost, `guess ${i}`), 401, 'INVALID_CREDENTIALS');
    assertError(await loginFrom(address, ghost, 'guess'), 429, 'RATE_LIMITED');
  });

  it('a sweep deletes the counts untouched for LOGIN_ATTEMPTS_RETENTION_HOURS and keeps the recent ones', async () => {
    const stale = uniqueEmail('stale-attempts');
    const recent = uniqueEmail('recent-attempts');
    assertError(await loginFrom('198.51.100.6', stale, 'guess'), 401, 'INVALID_CREDENTIALS');
    assertError(await loginFrom('198.51.100.7', stale, 'guess'), 401, 'INVALID_CREDENTIALS');
    assertError(await loginFrom('198.51.100.6', recent, 'guess'), 401, 'INVALID_CREDENTIALS');
    const rowsOf = async (email: string) => (await t.db.selectFrom('login_attempts').select('source').where('account', '=', email.toLowerCase()).execute()).map((r) => r.source).sort();
    assert.deepEqual(await rowsOf(stale), ['*', '198.51.100.6', '198.51.100.7']);
    await age(stale, 25 * 3600);
    await age(recent, 23 * 3600);

    const result = await purgeLoginAttempts(t.db, 24);
    assert.ok(result.deleted >= 3, `deleted ${result.deleted}`);
    assert.deepEqual(await rowsOf(stale), [], 'every row of the stale account is gone');
    assert.deepEqual(await rowsOf(recent), ['*', '198.51.100.6'], 'rows younger than the retention stay');
    assert.equal((await purgeLoginAttempts(t.db, 24)).deleted, 0, 'running it again changes nothing');
  });

  it('runs the sweep hourly and bounds LOGIN_ATTEMPTS_RETENTION_HOURS', () => {
    const job = platformJobs.find((j) => j.name === 'auth.purge-login-attempts');
    assert.equal(job?.scope, 'system');
    assert.equal(job?.schedule, '7 * * * *');
    assert.equal(loadConfig({}).loginAttemptsRetentionHours, 24);
    assert.equal(loadConfig({ LOGIN_ATTEMPTS_RETENTION_HOURS: '6' }).loginAttemptsRetentionHours, 6);
    assert.throws(() => loadConfig({ LOGIN_ATTEMPTS_RETENTION_HOURS: '5' }), /LOGIN_ATTEMPTS_RETENTION_HOURS/);
    assert.throws(() => loadConfig({ LOGIN_ATTEMPTS_RETENTION_HOURS: '721' }), /LOGIN_ATTEMPTS_RETENTION_HOURS/);
  });
});

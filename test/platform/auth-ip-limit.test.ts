import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { startTestPlatform, uniqueEmail, type TestPlatform } from '../support/platform.js';
import { assertError } from '../support/envelope.js';

const LIMIT = 4;

describe('per-IP limit on credential endpoints (LOGIN_MAX_ATTEMPTS_PER_IP_PER_MINUTE)', () => {
  let t: TestPlatform;
  before(async () => {
    t = await startTestPlatform({ env: { LOGIN_MAX_ATTEMPTS_PER_IP_PER_MINUTE: String(LIMIT) } });
  });
  after(() => t.close());

  const attempt = (remoteAddress: string, url = '/api/v1/auth/login', headers: Record<string, string> = {}) =>
    t.server.inject({
      method: 'POST',
      url,
      remoteAddress,
      headers: { 'content-type': 'application/json', ...headers },
      // A different account each time: this is the per-IP limit, not the per-account backoff.
      payload: JSON.stringify(url.endsWith('/login') ? { email: uniqueEmail('spray'), password: 'guess-1234' } : { email: uniqueEmail('spray') }),
    });

  it('allows LIMIT attempts per minute from one address, then answers 429 with Retry-After', async () => {
    for (let i = 0; i < LIMIT; i++) assertError(await attempt('203.0.113.7'), 401, 'INVALID_CREDENTIALS');
    const limited = await attempt('203.0.113.7');
    assertError(limited, 429, 'RATE_LIMITED');
    const retryAfter = Number(limited.headers['retry-after']);
    assert.ok(retryAfter >= 1 && retryAfter <= 60, `Retry-After within the minute window (${limited.headers['retry-after']})`);
  });

  it('counts signup and password-reset requests against the same budget', async () => {
    const ip = '203.0.113.8';
    for (let i = 0; i < LIMIT; i++) assert.equal((await attempt(ip, '/api/v1/auth/password-reset/request')).statusCode, 202);
    assertError(await attempt(ip, '/api/v1/auth/login'), 429, 'RATE_LIMITED');
    const signup = await t.server.inject({
      method: 'POST',
      url: '/api/v1/auth/signup',
      remoteAddress: ip,
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ email: uniqueEmail(), password: 'correct horse battery' }),
    });
    assertError(signup, 429, 'RATE_LIMITED');
  });

  it('counts invitation acceptance against the same budget', async () => {
    const ip = '203.0.113.11';
    const accept = () =>
      t.server.inject({
        method: 'POST',
        url: '/api/v1/invites/accept',
        remoteAddress: ip,
        headers: { 'content-type': 'application/json' },
        payload: JSON.stringify({ token: `inv_guess-${randomBytes(8).toString('hex')}`, password: 'guess password 1' }),
      });
    for (let i = 0; i < LIMIT; i++) assertError(await accept(), 400, 'INVALID_INVITE');
    assertError(await accept(), 429, 'RATE_LIMITED');
    assertError(await attempt(ip), 429, 'RATE_LIMITED');
  });

  it('limits each address on its own', async () => {
    for (let i = 0; i < LIMIT + 1; i++) await attempt('198.51.100.20');
    assertError(await attempt('198.51.100.21'), 401, 'INVALID_CREDENTIALS');
  });

  it('cannot be dodged with X-Forwarded-For when TRUST_PROXY is off', async () => {
    const ip = '203.0.113.9';
    for (let i = 0; i < LIMIT; i++) await attempt(ip, '/api/v1/auth/login', { 'x-forwarded-for': `10.0.0.${i}` });
    assertError(await attempt(ip, '/api/v1/auth/login', { 'x-forwarded-for': '10.0.0.99' }), 429, 'RATE_LIMITED');
  });

  it('leaves the rest of the API alone', async () => {
    const ip = '203.0.113.10';
    for (let i = 0; i < LIMIT + 1; i++) await attempt(ip);
    const health = await t.server.inject({ method: 'GET', url: '/healthz', remoteAddress: ip });
    assert.equal(health.statusCode, 200);
  });
});

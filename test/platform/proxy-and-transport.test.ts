import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { startTestPlatform, uniqueEmail, type TestPlatform } from '../support/platform.js';
import { assertError } from '../support/envelope.js';

const LOGIN_LIMIT = 3;

/** TRUST_PROXY as a hop count or proxy addresses; HSTS and upgrade-insecure-requests only over HTTPS. */
describe('behind a proxy, and over plain HTTP', () => {
  let byAddress: TestPlatform;
  let byHops: TestPlatform;
  before(async () => {
    const limits = { LOGIN_MAX_ATTEMPTS_PER_IP_PER_MINUTE: String(LOGIN_LIMIT) };
    byAddress = await startTestPlatform({ env: { ...limits, TRUST_PROXY: '10.0.0.0/8', PUBLIC_URL: 'https://tenantry.example' } });
    byHops = await startTestPlatform({ env: { ...limits, TRUST_PROXY: '1' } });
  });
  after(async () => {
    await byAddress?.close();
    await byHops?.close();
  });

  const login = (t: TestPlatform, remoteAddress: string, headers: Record<string, string> = {}) =>
    t.server.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      remoteAddress,
      headers: { 'content-type': 'application/json', ...headers },
      payload: JSON.stringify({ email: uniqueEmail('proxy'), password: 'guess-1234' }),
    });

  // The client writes the left of X-Forwarded-For; the proxy appends the address it saw.
  const throughProxy = (clientSays: string, realClient: string) => ({ 'x-forwarded-for': `${clientSays}, ${realClient}` });

  for (const [name, t, proxy] of [
    ['a hop count', () => byHops, '192.0.2.1'],
    ['proxy addresses', () => byAddress, '10.0.0.5'],
  ] as const) {
    it(`with ${name}, rotating the client-written X-Forwarded-For does not dodge the login limit`, async () => {
      const real = name === 'a hop count' ? '203.0.113.50' : '203.0.113.51';
      for (let i = 0; i < LOGIN_LIMIT; i++) assertError(await login(t(), proxy, throughProxy(`1.2.3.${i}`, real)), 401, 'INVALID_CREDENTIALS');
      assertError(await login(t(), proxy, throughProxy('1.2.3.99', real)), 429, 'RATE_LIMITED');
      // Another real client behind the same proxy has its own budget.
      assertError(await login(t(), proxy, throughProxy('1.2.3.99', '203.0.113.60')), 401, 'INVALID_CREDENTIALS');
    });
  }

  it('ignores X-Forwarded-For from an address that is not a listed proxy', async () => {
    const stranger = '198.51.100.9';
    for (let i = 0; i < LOGIN_LIMIT; i++) await login(byAddress, stranger, { 'x-forwarded-for': `10.9.9.${i}` });
    assertError(await login(byAddress, stranger, { 'x-forwarded-for': '10.9.9.99' }), 429, 'RATE_LIMITED');
  });

  it('sends neither HSTS nor upgrade-insecure-requests over plain HTTP on a local address', async () => {
    const base = await byHops.server.listen({ host: '127.0.0.1', port: 0 });
    const res = await new Promise<http.IncomingMessage>((resolve, reject) => http.get(`${base}/healthz`, resolve).on('error', reject));
    res.resume();
    assert.equal(res.headers['strict-transport-security'], undefined);
    assert.match(String(res.headers['content-security-policy']), /default-src 'self'/);
    assert.doesNotMatch(String(res.headers['content-security-policy']), /upgrade-insecure-requests/);
    // A forged X-Forwarded-Proto from a client (not a proxy) changes nothing.
    const forged = await byAddress.server.inject({ method: 'GET', url: '/healthz', remoteAddress: '198.51.100.9', headers: { host: '192.168.1.20:3000', 'x-forwarded-proto': 'https' } });
    assert.equal(forged.headers['strict-transport-security'], undefined);
    assert.doesNotMatch(String(forged.headers['content-security-policy']), /upgrade-insecure-requests/);
  });

  it('a studio opening a share page at http://192.168.x.y gets no upgrade directive, even when PUBLIC_URL is https', async () => {
    const page = await byAddress.server.inject({ method: 'GET', url: '/s/not-a-token', remoteAddress: '192.168.1.30', headers: { host: '192.168.1.20:3000' } });
    assert.equal(page.statusCode, 404);
    assert.equal(page.headers['strict-transport-security'], undefined);
    assert.doesNotMatch(String(page.headers['content-security-policy']), /upgrade-insecure-requests/);
  });

  it('sends both over HTTPS: via a trusted TLS proxy, or to the host of an https PUBLIC_URL', async () => {
    const viaProxy = await byAddress.server.inject({ method: 'GET', url: '/healthz', remoteAddress: '10.0.0.5', headers: { host: '192.168.1.20:3000', 'x-forwarded-proto': 'https' } });
    const publicHost = await byAddress.server.inject({ method: 'GET', url: '/healthz', remoteAddress: '192.0.2.77', headers: { host: 'tenantry.example' } });
    for (const res of [viaProxy, publicHost]) {
      assert.equal(res.headers['strict-transport-security'], 'max-age=31536000; includeSubDomains');
      assert.match(String(res.headers['content-security-policy']), /;upgrade-insecure-requests$/);
    }
  });
});

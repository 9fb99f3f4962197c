import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestPlatform, uniqueEmail, type TestPlatform, type TestUser } from '../support/platform.js';
import { assertError } from '../support/envelope.js';

const ALLOWED_ORIGIN = 'https://app.example.com';
const BODY_LIMIT = 4096;

describe('HTTP boundary: bad input, error envelope, headers', () => {
  let t: TestPlatform;
  let u: TestUser;
  before(async () => {
    t = await startTestPlatform({ env: { BODY_LIMIT_BYTES: String(BODY_LIMIT), CORS_ORIGINS: `${ALLOWED_ORIGIN}, https://admin.example.com` } });
    u = await t.signup('boundary');
  });
  after(() => t.close());

  it('answers malformed JSON with 400 INVALID_JSON', async () => {
    const res = await t.request('POST', '/api/v1/auth/login', { raw: '{"email": "a@b.c", "password": ', headers: { 'content-type': 'application/json' } });
    assertError(res, 400, 'INVALID_JSON');
    assertError(await t.request('POST', '/api/v1/api-keys', { token: u.token, raw: '', headers: { 'content-type': 'application/json' } }), 400, 'INVALID_JSON');
  });

  it('answers wrong types, missing and unknown fields with 400 VALIDATION_ERROR and details', async () => {
    const wrongType = assertError(await t.request('POST', '/api/v1/auth/login', { body: { email: 42, password: 'whatever password' } }), 400, 'VALIDATION_ERROR');
    assert.ok(Array.isArray(wrongType.details), 'details list every problem');
    const details = wrongType.details as { in: string; path: string; message: string }[];
    assert.equal(details[0].in, 'body');
    assert.equal(details[0].path, 'email');
    assert.equal(wrongType.error, 'Invalid body: email must be an email address');
    const wrongTypes = assertError(await t.request('POST', '/api/v1/auth/login', { body: { email: uniqueEmail(), password: 42 } }), 400, 'VALIDATION_ERROR');
    assert.equal(wrongTypes.error, 'Invalid body: password must be a string, not a number');

    const missing = assertError(await t.request('POST', '/api/v1/auth/login', { body: { email: uniqueEmail() } }), 400, 'VALIDATION_ERROR');
    assert.ok((missing.details as { path: string }[]).some((d) => d.path === 'password'), 'names the missing field');
    assert.equal(missing.error, 'Invalid body: password is required', 'says the field is required, not "expected string, received undefined"');

    const unknown = assertError(await t.request('POST', '/api/v1/api-keys', { token: u.token, body: { name: 'ci', is_admin: true } }), 400, 'VALIDATION_ERROR');
    assert.match(JSON.stringify(unknown.details), /is_admin/, 'names the unknown field');
    assert.match(unknown.error, /unknown field "is_admin": remove it/);

    const noBody = assertError(await t.request('POST', '/api/v1/auth/login', { raw: 'null', headers: { 'content-type': 'application/json' } }), 400, 'VALIDATION_ERROR');
    assert.equal(noBody.error, 'Invalid body: the body must be an object, not null');
    const notANumber = assertError(await t.request('GET', '/api/v1/members?limit=ten', { token: u.token }), 400, 'VALIDATION_ERROR');
    assert.equal(notANumber.error, 'Invalid querystring: limit must be a number');
    const tooShort = assertError(await t.request('POST', '/api/v1/auth/signup', { body: { email: uniqueEmail(), password: 'short', org_name: 'x' } }), 400, 'VALIDATION_ERROR');
    assert.match(tooShort.error, /^Invalid body: password must /);
    assert.doesNotMatch(JSON.stringify([wrongType, wrongTypes, missing, unknown, noBody, notANumber, tooShort]), /expected|received|Invalid input/, 'no validator jargon');

    assertError(await t.request('POST', '/api/v1/api-keys', { token: u.token, body: ['not', 'an', 'object'] }), 400, 'VALIDATION_ERROR');
    assertError(await t.request('POST', '/api/v1/api-keys', { token: u.token, body: { name: 'x', scopes: ['Bad Scope'] } }), 400, 'VALIDATION_ERROR');
  });

  it('validates query strings', async () => {
    const res = assertError(await t.request('GET', '/api/v1/members?limit=1000', { token: u.token }), 400, 'VALIDATION_ERROR');
    assert.equal((res.details as { in: string }[])[0].in, 'querystring');
    assertError(await t.request('GET', '/api/v1/members?page=0', { token: u.token }), 400, 'VALIDATION_ERROR');
    assertError(await t.request('GET', '/api/v1/members?color=blue', { token: u.token }), 400, 'VALIDATION_ERROR');
    assertError(await t.request('GET', '/api/v1/audit?from=yesterday', { token: u.token }), 400, 'VALIDATION_ERROR');
  });

  it('answers a body over BODY_LIMIT_BYTES with 413', async () => {
    const big = { name: 'x'.repeat(BODY_LIMIT * 2) };
    assertError(await t.request('POST', '/api/v1/api-keys', { token: u.token, body: big }), 413, 'PAYLOAD_TOO_LARGE');
    assertError(await t.request('POST', '/api/v1/auth/signup', { body: { email: uniqueEmail(), password: 'p'.repeat(BODY_LIMIT) } }), 413, 'PAYLOAD_TOO_LARGE');
  });

  it('answers an unsupported content type with 415', async () => {
    assertError(await t.request('POST', '/api/v1/auth/login', { raw: 'email=a@b.c&password=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } }), 415, 'UNSUPPORTED_MEDIA_TYPE');
  });

  it('answers an invalid UUID in a path with 400', async () => {
    for (const url of ['/api/v1/api-keys/not-a-uuid', '/api/v1/members/123', '/api/v1/invites/%27%20or%201=1--']) {
      const body = assertError(await t.request('DELETE', url, { token: u.token }), 400, 'VALIDATION_ERROR');
      assert.equal((body.details as { in: string }[])[0].in, 'params');
    }
    assertError(await t.request('POST', '/api/v1/api-keys/12345/rotate', { token: u.token }), 400, 'VALIDATION_ERROR');
  });

  it('answers an unknown route with the 404 envelope pointing to /docs', async () => {
    const body = assertError(await t.request('GET', '/api/v1/nothing-here?x=1', { token: u.token }), 404, 'ROUTE_NOT_FOUND');
    assert.match(body.error, /GET \/api\/v1\/nothing-here:/, 'names the route, without the query string');
    assert.match(body.error, /\/docs/, 'says where the API is described');
    assertError(await t.request('POST', '/api/v1/auth/login/extra', { body: {} }), 404, 'ROUTE_NOT_FOUND');
    assertError(await t.request('GET', '/docs/no-such-asset.js'), 404);
  });

  it('answers a known path with another method with 405 and Allow', async () => {
    const login = await t.request('PUT', '/api/v1/auth/login', { body: {} });
    const body = assertError(login, 405, 'METHOD_NOT_ALLOWED');
    assert.equal(login.headers.allow, 'POST');
    assert.deepEqual(body.details, { allow: ['POST'] });
    assert.match(body.error, /^\/api\/v1\/auth\/login does not accept PUT: use POST/);

    const health = await t.request('DELETE', '/healthz');
    assertError(health, 405, 'METHOD_NOT_ALLOWED');
    assert.equal(health.headers.allow, 'GET, HEAD');

    // A path with a parameter: the same path template decides, whatever the id.
    const key = await t.request('PATCH', '/api/v1/api-keys/00000000-0000-4000-8000-000000000000', { token: u.token, body: {} });
    assertError(key, 405, 'METHOD_NOT_ALLOWED');
    assert.equal(key.headers.allow, 'DELETE');
    const keys = await t.request('PUT', '/api/v1/api-keys?x=1', { token: u.token, body: {} });
    assertError(keys, 405, 'METHOD_NOT_ALLOWED');
    assert.equal(keys.headers.allow, 'GET, HEAD, POST');
  });

  it('never answers 500 to hostile input', async () => {
    const cases: [string, string, { token?: string; raw?: string; body?: unknown; headers?: Record<string, string> }][] = [
      ['POST', '/api/v1/auth/login', { raw: '\u0000\u0001\u0002', headers: { 'content-type': 'application/json' } }],
      ['POST', '/api/v1/auth/login', { raw: '{"__proto__": {"admin": true}, "email": "a@b.c", "password": "x"}', headers: { 'content-type': 'application/json' } }],
      ['POST', '/api/v1/auth/refresh', { body: { refresh_token: "'; drop table users; --" } }],
      ['GET', '/api/v1/audit?cursor=%00%00', { token: u.token }],
      ['GET', '/api/v1/audit?cursor=' + Buffer.from('2024-01-01T00:00:00.000000Z|not-a-uuid').toString('base64url'), { token: u.token }],
      ['GET', '/api/v1/audit?action=' + 'a'.repeat(500), { token: u.token }],
      ['GET', '/api/v1/members/' + 'a'.repeat(300), { token: u.token }],
      ['POST', '/api/v1/invites/accept', { body: { token: 'x'.repeat(10) } }],
      ['PATCH', '/api/v1/org', { token: u.token, body: { name: '' } }],
    ];
    for (const [method, url, opts] of cases) {
      const res = await t.request(method as 'GET', url, opts);
      assert.ok(res.statusCode >= 400 && res.statusCode < 500, `${method} ${url.slice(0, 60)} → ${res.statusCode} ${res.body.slice(0, 200)}`);
      assertError(res, res.statusCode);
    }
  });

  it('echoes a sane x-request-id and replaces an insane one', async () => {
    const given = await t.request('GET', '/healthz', { headers: { 'x-request-id': 'trace-abc.123:x' } });
    assert.equal(given.headers['x-request-id'], 'trace-abc.123:x');
    const inError = assertError(await t.request('GET', '/api/v1/auth/me', { headers: { 'x-request-id': 'req-42' } }), 401);
    assert.equal(inError.requestId, 'req-42', 'the error envelope carries the same id');
    const insane = await t.request('GET', '/healthz', { headers: { 'x-request-id': 'has spaces <script>' } });
    assert.match(String(insane.headers['x-request-id']), /^[0-9a-f-]{36}$/, 'a generated UUID replaces it');
    const none = await t.request('GET', '/healthz');
    assert.match(String(none.headers['x-request-id']), /^[0-9a-f-]{36}$/);
  });

  it('sends the security headers on success and error responses alike', async () => {
    for (const res of [await t.request('GET', '/healthz'), await t.request('GET', '/api/v1/auth/me')]) {
      const csp = String(res.headers['content-security-policy']);
      assert.match(csp, /default-src 'self'/);
      assert.match(csp, /frame-ancestors 'none'/);
      // Videos from the app's own URLs; caption tracks as blob: URLs (GenAds' players).
      assert.match(csp, /media-src 'self' blob:(;|$)/);
      // Plain HTTP without an https PUBLIC_URL: no HSTS (proxy-and-transport.test.ts covers HTTPS).
      assert.equal(res.headers['strict-transport-security'], undefined);
      assert.equal(res.headers['x-frame-options'], 'DENY');
      assert.equal(res.headers['x-content-type-options'], 'nosniff');
    }
  });

  it('allows CORS only for the origins in CORS_ORIGINS', async () => {
    const preflight = (origin: string) =>
      t.request('OPTIONS', '/api/v1/auth/me', { headers: { origin, 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' } });
    const allowed = await preflight(ALLOWED_ORIGIN);
    assert.ok(allowed.statusCode < 300, `preflight answered ${allowed.statusCode}`);
    assert.equal(allowed.headers['access-control-allow-origin'], ALLOWED_ORIGIN);
    assert.equal(allowed.headers['access-control-allow-credentials'], 'true');
    assert.equal((await preflight('https://admin.example.com')).headers['access-control-allow-origin'], 'https://admin.example.com');
    const other = await preflight('https://evil.example.net');
    assert.equal(other.headers['access-control-allow-origin'], undefined, 'an unlisted origin gets no CORS grant');

    const simple = await t.request('GET', '/api/v1/auth/me', { token: u.token, headers: { origin: ALLOWED_ORIGIN } });
    assert.equal(simple.headers['access-control-allow-origin'], ALLOWED_ORIGIN);
    assert.match(String(simple.headers['access-control-expose-headers']), /x-request-id/);
    const foreign = await t.request('GET', '/api/v1/auth/me', { token: u.token, headers: { origin: 'https://evil.example.net' } });
    assert.equal(foreign.headers['access-control-allow-origin'], undefined);
  });
});

import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { startTestPlatform, type TestPlatform, type TestUser } from '../../support/platform.js';

/**
 * What the /openapi.json fuzzer found answering 500 or without the envelope, one test each,
 * over real HTTP (some of these never reach Fastify through server.inject).
 */
describe('fuzzer findings: hostile requests get a 4xx envelope', () => {
  let t: TestPlatform;
  let user: TestUser;
  let base: string;
  before(async () => {
    t = await startTestPlatform();
    await t.server.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(t.server.server.address() as AddressInfo).port}`;
    user = await t.signup('fuzz-findings');
  });
  after(() => t.close());

  async function envelope(res: Response, status: number, code: string) {
    const text = await res.text();
    assert.equal(res.status, status, text);
    const body = JSON.parse(text);
    assert.equal(body.success, false);
    assert.equal(body.code, code);
    assert.ok(typeof body.error === 'string' && body.error.length > 0);
    assert.equal(res.headers.get('x-request-id'), body.requestId);
  }

  it('a URL with a broken percent-escape', async () => {
    await envelope(await fetch(`${base}/api/v1/members/%zz`, { headers: { authorization: `Bearer ${user.token}` } }), 400, 'BAD_URL');
  });

  it('a URL longer than the HTTP parser takes', async () => {
    await envelope(await fetch(`${base}/api/v1/files?prefix=${'a'.repeat(100_000)}`, { headers: { authorization: `Bearer ${user.token}` } }), 431, 'HEADERS_TOO_LARGE');
  });

  it('a multipart upload without a boundary, or with one longer than 256 characters', async () => {
    for (const type of ['multipart/form-data', `multipart/form-data; boundary=${'b'.repeat(300)}`]) {
      const res = await fetch(`${base}/api/v1/files`, { method: 'POST', headers: { authorization: `Bearer ${user.token}`, 'content-type': type }, body: 'not a form' });
      await envelope(res, 400, 'INVALID_MULTIPART');
    }
  });

  it('a NUL character in a text filter that reaches the database', async () => {
    await envelope(await fetch(`${base}/api/v1/audit?target_type=%00abc`, { headers: { authorization: `Bearer ${user.token}` } }), 400, 'INVALID_TEXT');
  });
});

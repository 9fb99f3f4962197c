import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';

describe('platform smoke', () => {
  let t: TestPlatform;
  before(async () => {
    t = await startTestPlatform();
  });
  after(() => t.close());

  it('serves health, readiness and OpenAPI', async () => {
    assert.equal((await t.request('GET', '/healthz')).statusCode, 200);
    const ready = await t.request('GET', '/readyz');
    assert.equal(ready.statusCode, 200);
    assert.equal(ready.json().status, 'ready');
    const spec = (await t.request('GET', '/openapi.json')).json();
    assert.ok(spec.paths['/api/v1/auth/signup'], 'signup is documented');
  });

  it('signs up a user into their own org and answers /me', async () => {
    const u = await t.signup('smoke');
    const me = await t.request('GET', '/api/v1/auth/me', { token: u.token });
    assert.equal(me.statusCode, 200);
    assert.equal(me.json().user.email, u.email);
    assert.equal(me.json().org.id, u.orgId);
    assert.equal(me.json().role, 'owner');
  });
});

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startTestPlatform, type TestPlatform } from '../../support/platform.js';
import { installedApps } from '../../../src/apps/index.js';
import { assertError } from '../../support/envelope.js';

const INDEX = '<!doctype html><html><head><title>Tenantry</title></head><body><div id="root"></div></body></html>';
const HTML = { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' };

describe('the server serves the web app', () => {
  let t: TestPlatform;
  let dist: string;

  before(async () => {
    dist = mkdtempSync(path.join(tmpdir(), 'tenantry-web-dist-'));
    mkdirSync(path.join(dist, 'assets'));
    writeFileSync(path.join(dist, 'index.html'), INDEX);
    writeFileSync(path.join(dist, 'assets', 'index-abc123.js'), 'console.log("app")');
    t = await startTestPlatform({ apps: installedApps, env: { WEB_DIST_DIR: dist } });
  });
  after(async () => {
    await t?.close();
    rmSync(dist, { recursive: true, force: true });
  });

  test('the root and every page URL answer index.html to a browser', async () => {
    for (const url of ['/', '/login', '/verify-email?token=ev_abc', '/invite?token=x', '/visant/devices/front-door', '/genads/dashboard', '/scan/0123456789abcdef0123456789abcdef']) {
      const res = await t.request('GET', url, { headers: HTML });
      assert.equal(res.statusCode, 200, url);
      assert.match(String(res.headers['content-type']), /text\/html/, url);
      assert.equal(res.body, INDEX, url);
      assert.equal(res.headers['cache-control'], 'no-cache', url);
    }
  });

  test('assets are served with long caching', async () => {
    const res = await t.request('GET', '/assets/index-abc123.js');
    assert.equal(res.statusCode, 200);
    assert.match(String(res.headers['cache-control']), /immutable/);
    assert.equal(res.body, 'console.log("app")');
  });

  test('a missing asset is a 404 envelope, not the page', async () => {
    const res = await t.request('GET', '/assets/missing.js');
    assertError(res, 404, 'ROUTE_NOT_FOUND');
  });

  test('unknown API, share and operations paths keep the JSON 404 envelope, even for a browser', async () => {
    for (const url of ['/api/v1/nope', '/api', '/visant/v1/nope', '/visant/api/nope', '/genads/api/nope', '/docs/nope', '/api/s/x/y', '/scan', '/scan/', '/scan/0123456789abcdef/nope', '/scan/0123456789abcdef/photos/x/thumb']) {
      const res = await t.request('GET', url, { headers: HTML });
      assert.match(String(res.headers['content-type']), /application\/json/, url);
      assertError(res, 404);
      assert.match(String(res.headers['content-type']), /application\/json/, url);
    }
  });

  test('a client that does not ask for HTML, or a write, gets the envelope', async () => {
    assertError(await t.request('GET', '/dashboard', { headers: { accept: 'application/json' } }), 404, 'ROUTE_NOT_FOUND');
    assertError(await t.request('POST', '/dashboard', { headers: HTML, body: {} }), 404, 'ROUTE_NOT_FOUND');
  });

  test('API routes still answer as before', async () => {
    const res = await t.request('GET', '/healthz', { headers: HTML });
    assert.equal(res.statusCode, 200);
    assert.match(String(res.headers['content-type']), /application\/json/);
  });

  test('the CSP does not upgrade asset requests to https (plain HTTP on a LAN address must work)', async () => {
    const res = await t.request('GET', '/', { headers: HTML });
    assert.doesNotMatch(String(res.headers['content-security-policy']), /upgrade-insecure-requests/);
  });
});

describe('without a built web app', () => {
  test('the API runs and page URLs answer the 404 envelope', async () => {
    const empty = mkdtempSync(path.join(tmpdir(), 'tenantry-web-none-'));
    const t = await startTestPlatform({ env: { WEB_DIST_DIR: empty } });
    try {
      assertError(await t.request('GET', '/login', { headers: HTML }), 404, 'ROUTE_NOT_FOUND');
      assert.equal((await t.request('GET', '/healthz')).statusCode, 200);
    } finally {
      await t.close();
      rmSync(empty, { recursive: true, force: true });
    }
  });
});

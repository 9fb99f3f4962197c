import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmdirSync, statfsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestPlatform, type TestPlatform } from '../../support/platform.js';
import { startS3FaultProxy, type S3FaultProxy } from '../../support/s3-fault-proxy.js';
import { orgStorage } from './helpers.js';
import { startFakeS3, type FakeS3 } from './s3rver.js';

/**
 * Issue 15's storage faults, through the HTTP API: an object store that hangs or answers
 * slowly, and a server disk that fills up during an upload. In each case the user gets a
 * clear answer in bounded time and nothing half-stored stays behind (no catalog row, no
 * object, no quota), and the same upload succeeds once the fault is gone.
 */
const upload = (t: TestPlatform, token: string, key: string, bytes: Buffer) =>
  t.request('POST', `/api/v1/files?key=${key}`, { token, raw: bytes, headers: { 'content-type': 'application/octet-stream' } });

async function assertNothingStored(t: TestPlatform, orgId: string) {
  const state = await orgStorage(t, orgId);
  assert.deepEqual({ used: state.used, reserved: state.reserved, rows: state.rows, stored: state.stored }, { used: 0, reserved: 0, rows: [], stored: [] });
}

describe('an object store that hangs or is slow (S3 through a relay)', () => {
  let s3: FakeS3;
  let relay: S3FaultProxy;
  let t: TestPlatform;
  const TIMEOUT_S = 1;
  before(async () => {
    s3 = await startFakeS3();
    relay = await startS3FaultProxy(s3.endpoint);
    t = await startTestPlatform({ env: { ...s3.env, S3_ENDPOINT: relay.endpoint, S3_TIMEOUT_SECONDS: String(TIMEOUT_S) } });
  });
  after(async () => {
    await t?.close();
    await relay?.close();
    await s3?.close();
  });

  it('a store that never answers: 503 STORAGE_UNAVAILABLE after the timeout and the SDK\'s retries, not a request held forever; nothing kept', async () => {
    const u = await t.signup('s3-stalled');
    relay.stalled = true;
    const started = Date.now();
    let res;
    try {
      res = await upload(t, u.token, 'stalled/file.bin', randomBytes(2000));
    } finally {
      relay.stalled = false;
    }
    const seconds = (Date.now() - started) / 1000;
    assert.equal(res.statusCode, 503, res.body);
    assert.equal(res.json().code, 'STORAGE_UNAVAILABLE');
    assert.match(res.json().error, /try again/);
    assert.ok(res.headers['retry-after'], 'the client is told when to come back');
    assert.ok(relay.failed >= 2, `the SDK tried again (${relay.failed} requests left hanging)`);
    // Three attempts of one second each, plus the SDK's backoff; far from "forever".
    assert.ok(seconds < 15, `answered in ${seconds.toFixed(1)} s`);
    await assertNothingStored(t, u.orgId);

    const again = await upload(t, u.token, 'stalled/file.bin', randomBytes(2000));
    assert.equal(again.statusCode, 201, again.body);
  });

  it('a store that answers slowly, but within the timeout, still stores the upload', async () => {
    const u = await t.signup('s3-slow');
    relay.delayMs = Math.round(TIMEOUT_S * 1000 * 0.6);
    try {
      const bytes = randomBytes(50_000);
      const res = await upload(t, u.token, 'slow/file.bin', bytes);
      assert.equal(res.statusCode, 201, res.body);
      const back = await t.request('GET', `/api/v1/files/${res.json().id}/content`, { token: u.token });
      assert.equal(back.statusCode, 200, back.body);
      assert.deepEqual(back.rawPayload, bytes);
    } finally {
      relay.delayMs = 0;
    }
  });
});

/**
 * A small tmpfs as the storage directory: the only honest full disk (a real filesystem saying
 * ENOSPC mid-write). Mounting needs root (CI runs as root); elsewhere the case says so and skips.
 */
function mountSmallDisk(bytes: number): { dir: string; unmount: () => void } | string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tenantry-full-disk-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${bytes}`, 'tenantry-full-disk', dir], { stdio: 'pipe' });
  } catch (err) {
    rmdirSync(dir);
    return `cannot mount a small tmpfs here (needs root): ${(err as Error).message.split('\n')[0]}`;
  }
  return {
    dir,
    unmount: () => {
      execFileSync('umount', ['-l', dir]);
      rmdirSync(dir);
    },
  };
}

describe('the server disk filling up during an upload (local storage on a 1 MiB filesystem)', () => {
  const disk = mountSmallDisk(1024 * 1024);
  let t: TestPlatform;
  before(async () => {
    if (typeof disk === 'string') return;
    t = await startTestPlatform({ env: { STORAGE_DIR: disk.dir } });
  });
  after(async () => {
    await t?.close();
    if (typeof disk !== 'string') disk.unmount();
  });

  it('507 STORAGE_FULL with what to do, no partial file, no catalog row or quota; space is back for the next upload', { skip: typeof disk === 'string' ? disk : false }, async () => {
    if (typeof disk === 'string') return;
    const u = await t.signup('disk-full');
    const freeBefore = statfsSync(disk.dir).bfree;
    const res = await upload(t, u.token, 'big/too-big.bin', randomBytes(2 * 1024 * 1024));
    assert.equal(res.statusCode, 507, res.body);
    assert.equal(res.json().code, 'STORAGE_FULL');
    assert.match(res.json().error, /disk is full.*ask the operator to free space/);
    await assertNothingStored(t, u.orgId);
    assert.deepEqual(readdirSync(path.join(disk.dir, '.incoming')), [], 'the temporary file was removed');
    assert.equal(statfsSync(disk.dir).bfree, freeBefore, 'every block the upload took is free again');

    const small = await upload(t, u.token, 'small/fits.bin', randomBytes(100_000));
    assert.equal(small.statusCode, 201, small.body);
  });
});

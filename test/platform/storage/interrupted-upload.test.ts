import net from 'node:net';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { startTestPlatform, type TestPlatform } from '../../support/platform.js';
import { withSystem } from '../../../src/platform/db/tenant.js';
import { LocalDiskDriver } from '../../../src/platform/storage/local-driver.js';
import { orgStorage } from './helpers.js';
import { startFakeS3, type FakeS3 } from './s3rver.js';

/** A bound that turns a hang into a failure; generous, since a loaded CI machine can take seconds to run a handler. */
async function until(what: string, check: () => Promise<boolean>, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

for (const driverName of ['local', 's3'] as const) {
  describe(`interrupted uploads (${driverName} driver, real HTTP server)`, () => {
    let t: TestPlatform;
    let s3: FakeS3 | undefined;
    let port: number;
    before(async () => {
      if (driverName === 's3') s3 = await startFakeS3();
      t = await startTestPlatform({ env: s3?.env ?? {} });
      await t.server.listen({ port: 0, host: '127.0.0.1' });
      port = (t.server.server.address() as AddressInfo).port;
    });
    after(async () => {
      await t.close();
      await s3?.close();
    });

    /** Send headers and part of a body over a raw socket, wait until the upload is in flight, then cut the connection. */
    async function uploadAndAbort(orgId: string, head: string, partialBody: Buffer) {
      const socket = net.connect(port, '127.0.0.1');
      socket.on('error', () => {});
      await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
      try {
        socket.write(head);
        socket.write(partialBody);
        await until('the pending upload row', async () => (await orgStorage(t, orgId)).rows.some((r) => r.status === 'pending'));
      } finally {
        // Always cut it: a socket left open mid-body would keep the server (and t.close()) waiting forever.
        socket.destroy();
      }
    }

    async function assertNothingLeft(orgId: string) {
      await until('the aborted upload to be cleaned up', async () => (await orgStorage(t, orgId)).rows.length === 0);
      const state = await orgStorage(t, orgId);
      assert.deepEqual({ used: state.used, reserved: state.reserved, rows: state.rows, stored: state.stored }, { used: 0, reserved: 0, rows: [], stored: [] });
      const usage = await withSystem(t.db, (tx) => tx.selectFrom('usage_events').select('action').where('org_id', '=', orgId).where('action', '=', 'storage.upload').execute());
      assert.deepEqual(usage, []);
      const driver = t.platform.ctx.storage.driver;
      if (driver instanceof LocalDiskDriver) {
        assert.deepEqual(await readdir(path.join(driver.root, '.incoming')).catch(() => []), [], 'no temporary file left on disk');
      }
    }

    it('a raw upload cut mid-body leaves no object, no catalog row and no used or reserved quota', async () => {
      const u = await t.signup('abort-raw');
      const head =
        `POST /api/v1/files?key=abort/raw.bin HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${u.token}\r\n` +
        `Content-Type: application/octet-stream\r\nContent-Length: ${8 * 1024 * 1024}\r\n\r\n`;
      await uploadAndAbort(u.orgId, head, randomBytes(1024 * 1024));
      await assertNothingLeft(u.orgId);
      // The key is free again and the quota intact: the same upload now succeeds.
      const again = await t.request('POST', '/api/v1/files?key=abort/raw.bin', { token: u.token, raw: randomBytes(1000), headers: { 'content-type': 'application/octet-stream' } });
      assert.equal(again.statusCode, 201);
    });

    it('a multipart upload cut mid-file leaves nothing behind either', async () => {
      const u = await t.signup('abort-multipart');
      const boundary = 'cutcutcut';
      const preamble = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.bin"\r\nContent-Type: application/octet-stream\r\n\r\n`;
      const head =
        `POST /api/v1/files?key=abort/form.bin HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${u.token}\r\n` +
        `Content-Type: multipart/form-data; boundary=${boundary}\r\nContent-Length: ${16 * 1024 * 1024}\r\n\r\n`;
      await uploadAndAbort(u.orgId, head, Buffer.concat([Buffer.from(preamble), randomBytes(2 * 1024 * 1024)]));
      await assertNothingLeft(u.orgId);
    });
  });
}

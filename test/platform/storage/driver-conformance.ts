import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ObjectNotFoundError, type StorageDriver } from '../../../src/platform/storage/driver.js';

export interface ConformanceTarget {
  driver(): StorageDriver;
  /** Fetch a presigned URL (relative URLs are served by the platform itself). */
  fetchUrl(url: string, init?: { method?: string; body?: Buffer; headers?: Record<string, string> }): Promise<{ status: number; body: Buffer }>;
  /** s3rver does not verify V4 signatures (only expiry), so tampering is tested only where the backend checks. */
  verifiesSignatures: boolean;
  /** Keys found by other means than the driver (e.g. leftovers in the local temp dir). */
  leftovers?(): Promise<string[]>;
  /**
   * Where the platform serves the signed URLs itself (local disk), it serves only objects in an
   * org's catalog: the prefix of such an org, and a function that catalogues a stored key.
   */
  signedUrls?: { base(): string; catalogue(key: string): Promise<void> };
}

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

async function keys(driver: StorageDriver, prefix: string): Promise<string[]> {
  const out: string[] = [];
  for await (const e of driver.list(prefix)) out.push(e.key);
  return out;
}

/** Streams `total` bytes in 64 KiB chunks without holding them, then optionally fails. */
function generated(total: number, seed: number, failAfter?: number): Readable {
  let sent = 0;
  return new Readable({
    read() {
      if (failAfter !== undefined && sent >= failAfter) return this.destroy(new Error('source failed mid-stream'));
      if (sent >= total) return this.push(null);
      const n = Math.min(65536, total - sent);
      const chunk = Buffer.alloc(n, (sent / 65536 + seed) % 251);
      sent += n;
      this.push(chunk);
    },
  });
}

/** The behaviour every StorageDriver must have, run against each implementation. */
export function driverConformance(name: string, target: ConformanceTarget) {
  describe(`StorageDriver conformance: ${name}`, () => {
    const base = `conf-${randomBytes(4).toString('hex')}`;

    it('puts a stream and reports its size and SHA-256; get and head agree', async () => {
      const d = target.driver();
      const body = randomBytes(100_000);
      const put = await d.put(`${base}/a/one.bin`, Readable.from([body.subarray(0, 30_000), body.subarray(30_000)]));
      assert.deepEqual(put, { size: body.length, sha256: sha(body) });
      const got = await d.get(`${base}/a/one.bin`);
      assert.equal(got.size, body.length);
      assert.ok((await readAll(got.stream)).equals(body));
      assert.equal((await d.head(`${base}/a/one.bin`))?.size, body.length);
    });

    it('streams a body larger than one S3 part (multipart) with a correct hash', async () => {
      const d = target.driver();
      const total = 12 * 1024 * 1024 + 123;
      const expected = createHash('sha256');
      for await (const c of generated(total, 7)) expected.update(c as Buffer);
      const put = await d.put(`${base}/big.bin`, generated(total, 7));
      assert.equal(put.size, total);
      assert.equal(put.sha256, expected.digest('hex'));
      const back = createHash('sha256');
      for await (const c of (await d.get(`${base}/big.bin`)).stream) back.update(c as Buffer);
      assert.equal(back.digest('hex'), put.sha256);
      await d.delete(`${base}/big.bin`);
    });

    it('reads an inclusive byte range', async () => {
      const d = target.driver();
      const body = Buffer.from('0123456789abcdefghij');
      await d.put(`${base}/range.txt`, Readable.from([body]));
      const got = await d.get(`${base}/range.txt`, { range: { start: 10, end: 14 } });
      assert.equal(got.size, body.length);
      assert.equal((await readAll(got.stream)).toString(), 'abcde');
    });

    it('replaces an object atomically on put', async () => {
      const d = target.driver();
      await d.put(`${base}/replace.txt`, Readable.from([Buffer.from('first')]));
      await d.put(`${base}/replace.txt`, Readable.from([Buffer.from('second version')]));
      assert.equal((await readAll((await d.get(`${base}/replace.txt`)).stream)).toString(), 'second version');
    });

    it('reports missing objects: get throws ObjectNotFoundError, head is null, delete is idempotent', async () => {
      const d = target.driver();
      await assert.rejects(d.get(`${base}/missing`), ObjectNotFoundError);
      assert.equal(await d.head(`${base}/missing`), null);
      await d.delete(`${base}/missing`);
      await assert.rejects(d.copy(`${base}/missing`, `${base}/elsewhere`), ObjectNotFoundError);
    });

    it('copies and moves', async () => {
      const d = target.driver();
      await d.put(`${base}/cm/src.txt`, Readable.from([Buffer.from('payload')]));
      await d.copy(`${base}/cm/src.txt`, `${base}/cm/copy.txt`);
      await d.move(`${base}/cm/src.txt`, `${base}/cm/moved/dst.txt`);
      assert.equal(await d.head(`${base}/cm/src.txt`), null);
      assert.equal((await readAll((await d.get(`${base}/cm/copy.txt`)).stream)).toString(), 'payload');
      assert.equal((await readAll((await d.get(`${base}/cm/moved/dst.txt`)).stream)).toString(), 'payload');
    });

    it('lists by prefix, including partial-segment prefixes', async () => {
      const d = target.driver();
      for (const k of ['ls/b.txt', 'ls/a.txt', 'ls/ab/c.txt', 'ls-other/x.txt', 'lsx.txt']) {
        await d.put(`${base}/${k}`, Readable.from([Buffer.from(k)]));
      }
      // Sorted here: S3 lists in UTF-8 binary order, but s3rver does not.
      assert.deepEqual((await keys(d, `${base}/ls/`)).sort(), [`${base}/ls/a.txt`, `${base}/ls/ab/c.txt`, `${base}/ls/b.txt`]);
      assert.deepEqual((await keys(d, `${base}/ls/a`)).sort(), [`${base}/ls/a.txt`, `${base}/ls/ab/c.txt`]);
      assert.deepEqual(await keys(d, `${base}/nothing/`), []);
      assert.equal((await keys(d, `${base}/ls`)).length, 5);
    });

    it('rejects keys that could escape the root, and writes nothing', async () => {
      const d = target.driver();
      const before = await keys(d, '');
      const bad = ['../escape.txt', `${base}/../../escape.txt`, '/etc/passwd', `${base}//double`, `${base}/trailing/`, `${base}\\win.txt`, `${base}/nul\0.txt`, `${base}/./dot`, '.incoming/x', `${base}/${'x'.repeat(300)}`, 'x/'.repeat(600) + 'y', ''];
      for (const key of bad) {
        await assert.rejects(d.put(key, Readable.from([Buffer.from('evil')])), (err: { code?: string }) => err.code === 'INVALID_KEY', `accepted ${JSON.stringify(key.slice(0, 40))}`);
        await assert.rejects(d.get(key), (err: { code?: string }) => err.code === 'INVALID_KEY');
      }
      assert.deepEqual(await keys(d, ''), before);
    });

    it('leaves nothing behind when the source stream fails mid-way', async () => {
      const d = target.driver();
      await assert.rejects(d.put(`${base}/broken.bin`, generated(10 * 1024 * 1024, 3, 6 * 1024 * 1024)), /source failed/);
      assert.equal(await d.head(`${base}/broken.bin`), null);
      if (target.leftovers) assert.deepEqual(await target.leftovers(), []);
    });

    const signedBase = () => (target.signedUrls ? `${target.signedUrls.base()}/${base}` : base);

    it('presigns GET URLs that work, and refuses a tampered one', async () => {
      const d = target.driver();
      const key = `${signedBase()}/signed/report.pdf`;
      await d.put(key, Readable.from([Buffer.from('%PDF-1.4 signed bytes')]));
      await target.signedUrls?.catalogue(key);
      const getUrl = await d.presignGet(key, { expiresInSeconds: 60, contentType: 'application/pdf', downloadName: 'report.pdf' });
      const got = await target.fetchUrl(getUrl);
      assert.equal(got.status, 200);
      assert.equal(got.body.toString(), '%PDF-1.4 signed bytes');
      if (target.verifiesSignatures) {
        // The signature is the last parameter for both drivers: change its last character.
        const tampered = getUrl.slice(0, -1) + (getUrl.endsWith('A') ? 'B' : 'A');
        assert.equal((await target.fetchUrl(tampered)).status, 403);
      }
    });

    it('refuses a presigned URL after it expires', async () => {
      const d = target.driver();
      const key = `${signedBase()}/signed/short.txt`;
      await d.put(key, Readable.from([Buffer.from('short-lived')]));
      await target.signedUrls?.catalogue(key);
      // S3 signs with a whole-second date, so a 1 s URL can be stale at once: give it 2 s.
      const url = await d.presignGet(key, { expiresInSeconds: 2 });
      assert.equal((await target.fetchUrl(url)).status, 200);
      await new Promise((r) => setTimeout(r, 3100));
      assert.equal((await target.fetchUrl(url)).status, 403);
    });
  });
}

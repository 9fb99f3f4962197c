import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { WriteBehind } from '../../../src/platform/storage/write-behind.js';

const MiB = 1024 * 1024;
const tick = () => new Promise((resolve) => setImmediate(resolve));

async function withDir(fn: (dir: string) => Promise<void>) {
  const dir = await mkdtemp(path.join(tmpdir(), 'tenantry-write-behind-'));
  try {
    await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** One chunk at a time, each after a turn of the event loop: time for a flush between them. */
async function* slowly(chunks: Buffer[]) {
  for (const chunk of chunks) {
    await tick();
    yield chunk;
  }
}

// A bound on each case: a stream that never ends fails here instead of hanging the run.
describe('write-behind flushing of a stored file', { timeout: 60_000 }, () => {
  it('flushes on the file\'s descriptor, one flush at a time, and ends only after its last flush', () => withDir(async (dir) => {
    const chunks = Array.from({ length: 10 }, () => randomBytes(MiB));
    // A buffer larger than the file: no back-pressure, so every step below is the stream's own.
    const file = createWriteStream(path.join(dir, 'f'), { flags: 'wx', flush: true, highWaterMark: 64 * MiB });
    const [fd] = (await once(file, 'open')) as [number];
    const fds: number[] = [];
    let finishHeld = () => {};
    const writeBehind = new WriteBehind(file, 3 * MiB, (syncFd, done) => {
      fds.push(syncFd);
      finishHeld = () => done(null);
    });
    const done = pipeline(Readable.from(chunks), writeBehind, file);
    // Every byte passes while the first flush is held, and no second flush is asked for.
    while (writeBehind.writableLength > 0 || !writeBehind.writableEnded) await tick();
    for (let i = 0; i < 5; i++) await tick();
    assert.deepEqual(fds, [fd]);
    assert.equal(writeBehind.writableFinished, false, 'the stream does not end while its flush runs');
    finishHeld();
    await done;
    assert.deepEqual(await readFile(path.join(dir, 'f')), Buffer.concat(chunks), 'every byte, in order');
  }));

  it('leaves a failed early flush to the final fsync to report', () => withDir(async (dir) => {
    const chunks = Array.from({ length: 8 }, () => randomBytes(MiB));
    const file = createWriteStream(path.join(dir, 'f'), { flags: 'wx', flush: true });
    let flushes = 0;
    await pipeline(slowly(chunks), new WriteBehind(file, 2 * MiB, (_fd, done) => {
      flushes++;
      setImmediate(() => done(Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' })));
    }), file);
    assert.ok(flushes >= 2, `${flushes} flushes asked for`);
    assert.deepEqual(await readFile(path.join(dir, 'f')), Buffer.concat(chunks));
  }));

  it('with node\'s own fdatasync, writes the same bytes', () => withDir(async (dir) => {
    const chunks = Array.from({ length: 6 }, () => randomBytes(MiB));
    const file = createWriteStream(path.join(dir, 'f'), { flags: 'wx', flush: true });
    await pipeline(slowly(chunks), new WriteBehind(file, 2 * MiB), file);
    assert.deepEqual(await readFile(path.join(dir, 'f')), Buffer.concat(chunks));
  }));
});

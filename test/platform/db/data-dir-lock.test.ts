// test-database: embedded only
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { DataDirBusyError, LOCK_FILE, acquireDataDirLock, liveLockHolder } from '../../../src/platform/db/data-dir-lock.js';
import { openDatabase } from '../../../src/platform/db/database.js';

/** The pid of a process that has exited (no process runs under it any more, barring reuse). */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await new Promise((resolve) => child.on('exit', resolve));
  return child.pid!;
}

const lockOf = async (dir: string) => JSON.parse(await readFile(path.join(dir, LOCK_FILE), 'utf8'));
const exists = (file: string) => stat(file).then(() => true, () => false);

describe('DATA_DIR lock of the embedded database', () => {
  const dirs: string[] = [];
  const tempDir = async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'tenantry-lock-'));
    dirs.push(dir);
    return dir;
  };
  after(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  it('records its holder, refuses a second taker naming it, and is gone once released', async () => {
    const dir = await tempDir();
    const lock = await acquireDataDirLock(dir, 'serve');
    const written = await lockOf(dir);
    assert.equal(written.pid, process.pid);
    assert.equal(written.command, 'serve');
    assert.equal(written.hostname, hostname());
    assert.ok(!Number.isNaN(Date.parse(written.startedAt)));
    await assert.rejects(acquireDataDirLock(dir, 'migrate'), (err: Error) => {
      assert.ok(err instanceof DataDirBusyError);
      assert.match(err.message, new RegExp(`^The Tenantry server \\(pid ${process.pid}, started .*\\) is using ${dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: .*Stop it first`));
      assert.match(err.message, /tenantry email outbox/, 'says which commands still work');
      return true;
    });
    assert.deepEqual(await liveLockHolder(dir), written);
    await lock.release();
    assert.equal(await exists(path.join(dir, LOCK_FILE)), false);
    assert.equal(await liveLockHolder(dir), undefined);
  });

  it('refuses while another live process holds it', async () => {
    const dir = await tempDir();
    // The test runner that started this file is alive and is not this process.
    await writeFile(path.join(dir, LOCK_FILE), JSON.stringify({ pid: process.ppid, command: 'worker', startedAt: new Date().toISOString(), hostname: hostname() }));
    await assert.rejects(acquireDataDirLock(dir, 'serve'), /^DataDirBusyError: A Tenantry worker \(pid \d+, started .*\) is using .*kill -TERM/);
    assert.equal((await lockOf(dir)).pid, process.ppid, 'the live holder keeps its lock');
  });

  it('takes over a stale lock whose process is gone, and an unreadable one', async () => {
    const dir = await tempDir();
    const gone = await deadPid();
    await writeFile(path.join(dir, LOCK_FILE), JSON.stringify({ pid: gone, command: 'serve', startedAt: '2026-01-01T00:00:00.000Z', hostname: hostname() }));
    assert.equal(await liveLockHolder(dir), undefined, 'a dead holder is not live');
    const lock = await acquireDataDirLock(dir, 'serve');
    assert.equal((await lockOf(dir)).pid, process.pid);
    await lock.release();

    await writeFile(path.join(dir, LOCK_FILE), '{"pid":');
    const again = await acquireDataDirLock(dir, 'serve');
    assert.equal((await lockOf(dir)).pid, process.pid);
    await again.release();
  });

  it('trusts a lock from another host only while its holder keeps it fresh', async () => {
    const dir = await tempDir();
    const file = path.join(dir, LOCK_FILE);
    await writeFile(file, JSON.stringify({ pid: 1, command: 'serve', startedAt: new Date().toISOString(), hostname: 'another-host' }));
    await assert.rejects(acquireDataDirLock(dir, 'serve'), /pid 1 on host another-host/);
    const tenMinutesAgo = new Date(Date.now() - 10 * 60_000);
    await utimes(file, tenMinutesAgo, tenMinutesAgo);
    const lock = await acquireDataDirLock(dir, 'serve');
    assert.equal((await lockOf(dir)).hostname, hostname());
    await lock.release();
  });

  it('a release never removes a lock another process took since', async () => {
    const dir = await tempDir();
    const lock = await acquireDataDirLock(dir, 'serve');
    const other = { pid: process.ppid, command: 'serve', startedAt: new Date().toISOString(), hostname: hostname() };
    await writeFile(path.join(dir, LOCK_FILE), JSON.stringify(other));
    await lock.release();
    assert.deepEqual(await lockOf(dir), other);
  });

  it('openDatabase takes the lock for PGlite on disk and gives it back on close', async () => {
    const dir = await tempDir();
    const database = await openDatabase({ dataDir: dir, databaseUrl: undefined, databasePoolSize: 1 }, { holder: 'migrate' });
    try {
      assert.equal((await lockOf(dir)).command, 'migrate');
      await assert.rejects(openDatabase({ dataDir: dir, databaseUrl: undefined, databasePoolSize: 1 }), /The command "tenantry migrate" \(pid \d+.*wait for it to finish/);
    } finally {
      await database.close();
    }
    assert.equal(await exists(path.join(dir, LOCK_FILE)), false);
  });
});

// test-database: embedded only
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, watch } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { LOCK_FILE } from '../../src/platform/db/data-dir-lock.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const JEMALLOC = `/usr/lib/${process.arch === 'arm64' ? 'aarch64' : 'x86_64'}-linux-gnu/libjemalloc.so.2`;
const canSwitch = typeof (process as { execve?: unknown }).execve === 'function' && existsSync(JEMALLOC);

/**
 * `tenantry serve` (and `worker`) restart themselves on jemalloc where the machine has it and
 * Node can replace a process (execve, Node 22.15+): glibc's malloc fragments under sharp's
 * threads and a worker's memory crept up with every generation (bin/tenantry.js). Proven
 * from the running server's own memory map; the control is the opt-out.
 */
describe('the allocator of a long-running tenantry process', { skip: canSwitch ? false : `needs Node with process.execve (this is ${process.version}) and ${JEMALLOC} (Debian: libjemalloc2)` }, () => {
  const children: ChildProcess[] = [];
  const dirs: string[] = [];
  after(async () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  /**
   * Start `tenantry serve` and answer whether jemalloc is mapped into it, once the process holds
   * its DATA_DIR lock: the allocator is chosen before anything else runs, and the lock names
   * the pid that opens the database, so it is the server (not a wrapper that spawned it) this
   * test started. Stopped there: an empty DATA_DIR's first migration has nothing to add here.
   */
  async function serveAndInspect(extraEnv: Record<string, string>): Promise<boolean> {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'tenantry-allocator-'));
    dirs.push(dataDir);
    const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, HOST: '127.0.0.1', PORT: '0', NODE_ENV: 'test', LOG_LEVEL: 'warn', JWT_SECRET: 'allocator-test-secret-0123456789-abcd', ...extraEnv };
    delete env.LD_PRELOAD;
    delete env.DATABASE_URL; // the embedded database, whose lock says the server has started
    if (!('TENANTRY_MALLOC' in extraEnv)) delete env.TENANTRY_MALLOC;
    const lockFile = path.join(dataDir, LOCK_FILE);
    const watcher = watch(dataDir);
    const proc = spawn(process.execPath, ['bin/tenantry.js', 'serve'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(proc);
    let output = '';
    proc.stdout!.on('data', (d) => (output += d));
    proc.stderr!.on('data', (d) => (output += d));
    try {
      await new Promise<void>((resolve, reject) => {
        const check = () => existsSync(lockFile) && resolve();
        watcher.on('change', check);
        check();
        proc.on('exit', (code) => reject(new Error(`serve exited with ${code} before taking its DATA_DIR lock:\n${output}`)));
      });
    } finally {
      watcher.close();
    }
    assert.equal((JSON.parse(readFileSync(lockFile, 'utf8')) as { pid: number }).pid, proc.pid, 'the started pid is the one that opens the database');
    const maps = readFileSync(`/proc/${proc.pid}/maps`, 'utf8');
    proc.kill('SIGKILL');
    await new Promise((resolve) => proc.once('exit', resolve));
    return maps.includes('libjemalloc');
  }

  it('serves on jemalloc, in the process that was started (same pid: signals reach the server)', async () => {
    assert.equal(await serveAndInspect({}), true, 'libjemalloc is mapped into the started process');
  });

  it('keeps the system allocator with TENANTRY_MALLOC=system (control)', async () => {
    assert.equal(await serveAndInspect({ TENANTRY_MALLOC: 'system' }), false);
  });
});

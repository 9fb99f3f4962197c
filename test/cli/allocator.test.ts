import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

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

  /** Start `tenantry serve`, wait until it listens, and answer whether jemalloc is mapped into it. */
  async function serveAndInspect(extraEnv: Record<string, string>): Promise<boolean> {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'tenantry-allocator-'));
    dirs.push(dataDir);
    const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, HOST: '127.0.0.1', PORT: '0', NODE_ENV: 'test', LOG_LEVEL: 'warn', JWT_SECRET: 'allocator-test-secret-0123456789-abcd', ...extraEnv };
    delete env.LD_PRELOAD;
    if (!('TENANTRY_MALLOC' in extraEnv)) delete env.TENANTRY_MALLOC;
    const proc = spawn(process.execPath, ['bin/tenantry.js', 'serve'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(proc);
    let output = '';
    proc.stderr!.on('data', (d) => (output += d));
    await new Promise<void>((resolve, reject) => {
      proc.stdout!.on('data', (d) => {
        output += d;
        if (/listening on http/.test(output)) resolve();
      });
      proc.on('exit', (code) => reject(new Error(`serve exited with ${code} before listening:\n${output}`)));
    });
    // The map of the pid this test started: a wrapper that spawned the server would not have it.
    const maps = readFileSync(`/proc/${proc.pid}/maps`, 'utf8');
    proc.kill('SIGTERM');
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

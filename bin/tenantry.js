#!/usr/bin/env node
// The `tenantry` command (package.json "bin"). It loads the TypeScript CLI in this same
// process through tsx's loader, so signals (SIGTERM from a container runtime, Ctrl-C) reach
// the server directly and it drains in-flight requests; `npx tsx …` would put a wrapper
// process in between.
import { existsSync } from 'node:fs';
import { register } from 'tsx/esm/api';

/**
 * The long-running commands (serve, worker) run on jemalloc when the machine has it (Debian:
 * `apt-get install libjemalloc2`). sharp's libvips threads fragment glibc's malloc arenas: a
 * worker's resident memory grew ~6 MB with every GenAds generation while its JS heap stayed
 * flat, and on jemalloc it stays level (docs/benchmarks.md, "Soak"). The process replaces
 * itself (execve: same pid, so signals still reach the server directly) with the library
 * preloaded; Node 20 has no execve, so there set LD_PRELOAD yourself (docs/operations.md).
 * TENANTRY_MALLOC=system keeps glibc's malloc.
 */
const JEMALLOC = process.env.TENANTRY_JEMALLOC_PATH ?? `/usr/lib/${process.arch === 'arm64' ? 'aarch64' : 'x86_64'}-linux-gnu/libjemalloc.so.2`;
const longRunning = ['serve', 'worker'].includes(process.argv[2] ?? '');
const preloaded = (process.env.LD_PRELOAD ?? '').includes('jemalloc');
if (longRunning && !preloaded && process.platform === 'linux' && process.env.TENANTRY_MALLOC !== 'system' && typeof process.execve === 'function' && existsSync(JEMALLOC)) {
  const preload = [JEMALLOC, process.env.LD_PRELOAD].filter(Boolean).join(' ');
  try {
    process.execve(process.execPath, [process.execPath, ...process.execArgv, ...process.argv.slice(1)], { ...process.env, LD_PRELOAD: preload });
  } catch (err) {
    process.stderr.write(`tenantry: could not restart on jemalloc (${err.message}); running on the system allocator\n`);
  }
}

register();
await import('../src/cli/main.ts');

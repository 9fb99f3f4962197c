import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { createReadStream, createWriteStream } from 'node:fs';
import { copyFile, mkdtemp, open, rm, stat } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { benchConfig, machine } from './support.js';
import { startPlatform } from '../src/platform/runtime.js';

/**
 * A 500 MB upload streamed through the HTTP API (PUT /api/v1/files, raw body) against a
 * plain copy of the same bytes on the same disk, in the same run. Targets: throughput
 * ratio >= 0.7 and RSS growth < 64 MB (the server must not buffer the file).
 */
const SIZE = Number(process.env.BENCH_UPLOAD_MB ?? 500) * 1024 * 1024;

async function makeFile(file: string) {
  const handle = await open(file, 'w');
  const chunk = Buffer.alloc(1024 * 1024);
  for (let i = 0; i < chunk.length; i++) chunk[i] = (i * 31 + 7) & 0xff;
  for (let written = 0; written < SIZE; written += chunk.length) await handle.write(chunk, 0, Math.min(chunk.length, SIZE - written));
  await handle.close();
}

export async function run() {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'tenantry-bench-upload-'));
  const source = path.join(dir, 'source.bin');
  process.stderr.write(`writing a ${SIZE / 1024 / 1024} MB test file…\n`);
  await makeFile(source);

  const config = benchConfig(dir, {
    UPLOAD_MAX_BYTES: String(SIZE * 2),
    DEFAULT_STORAGE_LIMIT_BYTES: String(SIZE * 10),
  });
  const platform = await startPlatform({ config });
  await platform.server.listen({ host: '127.0.0.1', port: 0 });
  const port = (platform.server.server.address() as { port: number }).port;
  const signup = await fetch(`http://127.0.0.1:${port}/api/v1/auth/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: `bench-${Date.now()}@example.test`, password: 'bench password', org_name: 'Bench' }),
  }).then((r) => r.json() as Promise<{ access_token: string }>);

  // Baseline: the same bytes copied by a stream pipeline to the same disk (no kernel copy_file_range shortcut).
  process.stderr.write('plain file copy…\n');
  let t0 = process.hrtime.bigint();
  await pipeline(createReadStream(source), createWriteStream(path.join(dir, 'copy.bin')));
  const copySeconds = Number(process.hrtime.bigint() - t0) / 1e9;
  await rm(path.join(dir, 'copy.bin'));
  // The upload fsyncs before it commits (nothing is lost on a crash): the same copy with fsync.
  t0 = process.hrtime.bigint();
  await pipeline(createReadStream(source), createWriteStream(path.join(dir, 'copy1.bin'), { flush: true }));
  const durableCopySeconds = Number(process.hrtime.bigint() - t0) / 1e9;
  await rm(path.join(dir, 'copy1.bin'));
  // Reference only: the kernel's own copy.
  t0 = process.hrtime.bigint();
  await copyFile(source, path.join(dir, 'copy2.bin'));
  const kernelCopySeconds = Number(process.hrtime.bigint() - t0) / 1e9;
  await rm(path.join(dir, 'copy2.bin'));

  global.gc?.();
  const rssBefore = process.memoryUsage().rss;
  let rssPeak = rssBefore;
  const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, process.memoryUsage().rss)), 20);
  process.stderr.write('upload through the API…\n');
  t0 = process.hrtime.bigint();
  // The client is curl in its own process, as a real uploader would be, so its reading and
  // sending do not compete with the server for this process's event loop.
  const status = await new Promise<number>((resolve, reject) => {
    const curl = spawn('curl', ['-s', '-o', '/dev/null', '-w', '%{http_code}', '-X', 'PUT', '-H', 'expect:', '-H', `authorization: Bearer ${signup.access_token}`, '-H', 'content-type: application/octet-stream', '-T', source, `http://127.0.0.1:${port}/api/v1/files?key=bench/big.bin`]);
    let out = '';
    curl.stdout.on('data', (d) => (out += d));
    curl.on('error', reject);
    curl.on('close', () => resolve(Number(out)));
  });
  const uploadSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
  clearInterval(sampler);
  if (status !== 201) throw new Error(`upload answered ${status}`);
  const stored = await stat(path.join(dir, 'storage')).then(() => true);

  await platform.close();
  await rm(dir, { recursive: true, force: true });
  return {
    database: platform.ctx.database.kind,
    machine: machine(),
    size_mb: SIZE / 1024 / 1024,
    stored,
    copy_mb_s: Math.round(SIZE / 1024 / 1024 / copySeconds),
    kernel_copy_mb_s: Math.round(SIZE / 1024 / 1024 / kernelCopySeconds),
    upload_mb_s: Math.round(SIZE / 1024 / 1024 / uploadSeconds),
    durable_copy_mb_s: Math.round(SIZE / 1024 / 1024 / durableCopySeconds),
    ratio: Number((copySeconds / uploadSeconds).toFixed(3)),
    ratio_vs_durable_copy: Number((durableCopySeconds / uploadSeconds).toFixed(3)),
    rss_growth_mb: Math.round((rssPeak - rssBefore) / 1024 / 1024),
  };
}

import os from 'node:os';
import path from 'node:path';
import { execFileSync, spawn } from 'node:child_process';
import { createReadStream, createWriteStream } from 'node:fs';
import { copyFile, mkdtemp, open, rm, stat } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { benchConfig, machine } from './support.js';
import { startPlatform } from '../src/platform/runtime.js';

/**
 * A 500 MB upload streamed through the HTTP API (PUT /api/v1/files, raw body) against a
 * plain copy and a durable (fsynced) copy of the same bytes on the same disk, in the same
 * run, each the median of several warm rounds. Targets: the upload at >= 0.7 of the faster
 * copy, and RSS growth < 64 MB (the server must not buffer the file).
 */
const SIZE = Number(process.env.BENCH_UPLOAD_MB ?? 500) * 1024 * 1024;
/** Timed rounds after the warm-up (BENCH_UPLOAD_RUNS, 1–20). */
const RUNS = Math.min(20, Math.max(1, Math.round(Number(process.env.BENCH_UPLOAD_RUNS ?? 5)) || 5));
const mbps = (seconds: number) => Math.round(SIZE / 1024 / 1024 / seconds);

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

  const bearer = `Bearer ${signup.access_token}`;
  const url = `http://127.0.0.1:${port}/api/v1/files`;

  // The three ways of writing the same bytes to the same disk, each timed in seconds:
  // a plain stream copy (no kernel copy_file_range shortcut), the same copy fsynced before it
  // ends (what a durable write costs), and the upload through the API, which fsyncs before it
  // commits (nothing is lost on a crash). Each cleans up after itself.
  const timed = async (work: () => Promise<void>) => {
    // Each starts with no dirty pages left by the one before (a plain copy leaves 500 MB for
    // the kernel to write back, which would slow whatever runs next).
    execFileSync('sync');
    const t0 = process.hrtime.bigint();
    await work();
    return Number(process.hrtime.bigint() - t0) / 1e9;
  };
  const plainCopy = () => timed(async () => {
    await pipeline(createReadStream(source), createWriteStream(path.join(dir, 'copy.bin')));
  }).finally(() => rm(path.join(dir, 'copy.bin'), { force: true }));
  const durableCopy = () => timed(async () => {
    await pipeline(createReadStream(source), createWriteStream(path.join(dir, 'copy.bin'), { flush: true }));
  }).finally(() => rm(path.join(dir, 'copy.bin'), { force: true }));
  let uploads = 0;
  const upload = async () => {
    const key = `bench/big-${++uploads}.bin`;
    let answer = '';
    const seconds = await timed(async () => {
      // The client is curl in its own process, as a real uploader would be, so its reading and
      // sending do not compete with the server for this process's event loop.
      answer = await new Promise<string>((resolve, reject) => {
        const curl = spawn('curl', ['-s', '-w', '\n%{http_code}', '-X', 'PUT', '-H', 'expect:', '-H', `authorization: ${bearer}`, '-H', 'content-type: application/octet-stream', '-T', source, `${url}?key=${key}`]);
        let out = '';
        curl.stdout.on('data', (d) => (out += d));
        curl.on('error', reject);
        curl.on('close', () => resolve(out));
      });
    });
    const status = Number(answer.slice(answer.lastIndexOf('\n') + 1));
    if (status !== 201) throw new Error(`upload answered ${status}: ${answer}`);
    const { id } = JSON.parse(answer.slice(0, answer.lastIndexOf('\n'))) as { id: string };
    // Removed at once: the disk holds one uploaded copy at a time.
    const removed = await fetch(`${url}/${id}/permanent`, { method: 'DELETE', headers: { authorization: bearer } });
    if (removed.status !== 204) throw new Error(`removing the upload answered ${removed.status}`);
    return seconds;
  };

  // One round of each first, not counted (it fills the page cache with the source and wakes
  // the disk), then RUNS rounds, the three interleaved so that drift in the machine's speed
  // touches all three alike; each figure is the median of its rounds.
  process.stderr.write(`warm-up round, then ${RUNS} rounds of a plain copy, a durable copy and an upload…\n`);
  await plainCopy();
  await durableCopy();
  await upload();
  const seconds = { copy: [] as number[], durable: [] as number[], upload: [] as number[] };
  global.gc?.();
  const rssBefore = process.memoryUsage().rss;
  let rssPeak = rssBefore;
  for (let round = 1; round <= RUNS; round++) {
    seconds.copy.push(await plainCopy());
    seconds.durable.push(await durableCopy());
    const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, process.memoryUsage().rss)), 20);
    seconds.upload.push(await upload().finally(() => clearInterval(sampler)));
    process.stderr.write(`round ${round}/${RUNS}: copy ${mbps(seconds.copy.at(-1)!)}, durable copy ${mbps(seconds.durable.at(-1)!)}, upload ${mbps(seconds.upload.at(-1)!)} MB/s\n`);
  }
  // Reference only: the kernel's own copy.
  const kernelCopySeconds = await timed(() => copyFile(source, path.join(dir, 'copy2.bin')));
  await rm(path.join(dir, 'copy2.bin'));
  const stored = await stat(path.join(dir, 'storage')).then(() => true);
  const copy = mbps(median(seconds.copy));
  const durable = mbps(median(seconds.durable));
  const uploaded = mbps(median(seconds.upload));

  await platform.close();
  await rm(dir, { recursive: true, force: true });
  return {
    database: platform.ctx.database.kind,
    machine: machine(),
    size_mb: SIZE / 1024 / 1024,
    rounds: RUNS,
    stored,
    copy_mb_s: copy,
    durable_copy_mb_s: durable,
    upload_mb_s: uploaded,
    kernel_copy_mb_s: mbps(kernelCopySeconds),
    // The target's baseline: the faster of the two copies.
    ratio: Number((uploaded / Math.max(copy, durable)).toFixed(3)),
    ratio_vs_plain_copy: Number((uploaded / copy).toFixed(3)),
    ratio_vs_durable_copy: Number((uploaded / durable).toFixed(3)),
    rounds_mb_s: { copy: seconds.copy.map(mbps), durable_copy: seconds.durable.map(mbps), upload: seconds.upload.map(mbps) },
    rss_growth_mb: Math.round((rssPeak - rssBefore) / 1024 / 1024),
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

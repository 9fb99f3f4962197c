/**
 * A real Tenantry server for the browser journeys: `tenantry serve` on the embedded database
 * in a temporary DATA_DIR, on a free port, serving the built web app (web/dist).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { once } from 'node:events';
import { seedDataDir } from '../../../test/support/seeded-data-dir';

export const repositoryRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

async function freePort(): Promise<number> {
  const probe = createServer();
  probe.listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const { port } = probe.address() as { port: number };
  probe.close();
  await once(probe, 'close');
  return port;
}

export interface RunningServer {
  url: string;
  /** Run `tenantry <args>` beside the server, as an operator would (through its local admin channel); resolves with its output. */
  cli(args: string[]): Promise<string>;
  close(): Promise<void>;
}

export async function startServer(env: Record<string, string> = {}): Promise<RunningServer> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'tenantry-e2e-'));
  // The journeys are about the pages, not a first start: the server opens a migrated database.
  await seedDataDir(dataDir);
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'serve'], {
    cwd: repositoryRoot,
    env: {
      ...process.env,
      DATABASE_URL: '',
      DATA_DIR: dataDir,
      HOST: '127.0.0.1',
      PORT: String(port),
      LOG_LEVEL: 'warn',
      JWT_SECRET: 'e2e-secret-e2e-secret-e2e-secret-0123456789',
      JOB_POLL_INTERVAL_SECONDS: '0.5',
      // Request counts reach the charts within a second rather than a minute.
      REQUEST_COUNT_FLUSH_SECONDS: '1',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const m = /listening on (http:\/\/\S+)/.exec(output);
      if (m) resolve(m[1]);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`the server exited (${code}) before listening:\n${output}`)));
  });
  return {
    url,
    async cli(args) {
      const cli = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
        cwd: repositoryRoot,
        env: { ...process.env, DATABASE_URL: '', DATA_DIR: dataDir, LOG_LEVEL: 'warn' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      cli.stdout!.on('data', (c: Buffer) => (out += c.toString()));
      cli.stderr!.on('data', (c: Buffer) => (out += c.toString()));
      const [code] = (await once(cli, 'exit')) as [number | null];
      if (code !== 0) throw new Error(`tenantry ${args.join(' ')} exited ${code}:\n${out}`);
      return out;
    },
    async close() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await once(child, 'exit');
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import { access, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { loadConfig } from '../../src/platform/config/config.js';
import { openDatabase } from '../../src/platform/db/database.js';
import { uniqueEmail } from '../support/platform.js';
import { seedDataDir } from '../support/seeded-data-dir.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * The three ways the server is started, each as a real child process that gets SIGTERM the
 * way a container runtime sends it (to that one process, not its process group): the bin
 * an installed package exposes, `npm start` (npm passes the signal to its script, whose
 * `exec` leaves no shell in between; its prestart builds web/dist when missing), and node
 * with tsx's loader.
 */
const launchers: Array<{ name: string; command: string; args: string[] }> = [
  { name: 'the installed `tenantry` bin', command: process.execPath, args: ['bin/tenantry.js', 'serve'] },
  { name: '`npm start`', command: 'npm', args: ['start', '--silent'] },
  { name: 'node --import tsx', command: process.execPath, args: ['--import', 'tsx', 'src/cli/main.ts', 'serve'] },
];

for (const launcher of launchers) describe(`graceful shutdown of ${launcher.name}`, { timeout: 300_000 }, () => {
  let child: ChildProcess | undefined;
  let dataDir: string | undefined;
  after(async () => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('finishes the in-flight request on SIGTERM, refuses new connections, exits 0 and releases the data directory', async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'tenantry-shutdown-'));
    // What is proven here is the stop, not a first start: begin from a migrated database.
    if (!process.env.DATABASE_URL) await seedDataDir(dataDir);
    const env = {
      ...process.env,
      DATA_DIR: dataDir,
      HOST: '127.0.0.1',
      PORT: '0',
      NODE_ENV: 'test',
      // The server's "incoming request" line says when it has taken the slow request: an info
      // line, which NODE_ENV=test keeps back unless the level asked for is below info.
      LOG_LEVEL: 'debug',
      JWT_SECRET: 'shutdown-test-secret-0123456789-abcdef',
    };
    const proc = spawn(launcher.command, launcher.args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    child = proc;
    let output = '';
    proc.stderr!.on('data', (d) => (output += d));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => proc.on('exit', (code, signal) => resolve({ code, signal })));
    const baseUrl = await new Promise<string>((resolve, reject) => {
      proc.stdout!.on('data', (d) => {
        output += d;
        const m = /listening on (http:\/\/[^\s)]+)/.exec(output);
        if (m) resolve(m[1]);
      });
      void exited.then(({ code }) => reject(new Error(`serve exited with ${code} before listening:\n${output}`)));
    });

    // A slow upload: headers and half the body now, the rest after SIGTERM.
    const email = uniqueEmail('inflight');
    const body = JSON.stringify({ email, password: 'correct horse battery' });
    const req = http.request(`${baseUrl}/api/v1/auth/signup`, {
      method: 'POST',
      agent: false,
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
    });
    const response = new Promise<{ status: number; body: string }>((resolve, reject) => {
      req.on('response', (res) => {
        let text = '';
        res.on('data', (c) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      });
      req.on('error', reject);
    });
    req.write(body.slice(0, 20));
    // SIGTERM once the server has taken the request (a request it had not yet routed would
    // rightly be turned away), and the next request once it has begun to stop: on a loaded
    // machine either can take far longer than a moment, so wait for what it says.
    const said = (pattern: RegExp) => new Promise<void>((resolve, reject) => {
      const check = () => {
        if (!pattern.test(output)) return;
        proc.stdout!.off('data', check);
        resolve();
      };
      proc.stdout!.on('data', check);
      check();
      // A server that ends without saying it fails here, with its output, not at the time limit.
      void exited.then(({ code, signal }) => reject(new Error(`the server ended (${signal ?? code}) without saying ${pattern}:\n${output}`)));
    });
    await said(/"url":"\/api\/v1\/auth\/signup"[^\n]*"msg":"incoming request"|"msg":"incoming request"[^\n]*"url":"\/api\/v1\/auth\/signup"/);
    proc.kill('SIGTERM');
    await said(/shutting down: draining requests/);
    assert.equal(proc.exitCode, null, 'still running while a request is in flight');
    const late = await new Promise<string>((resolve) => {
      http.get(`${baseUrl}/healthz`, { agent: false }, (res) => {
        res.resume();
        resolve(`status ${res.statusCode}`);
      }).on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
    });
    assert.ok(['ECONNREFUSED', 'ECONNRESET', 'status 503'].includes(late), `a new request during shutdown is turned away (${late})`);

    req.end(body.slice(20));
    const res = await response;
    assert.equal(res.status, 201, `the in-flight request completed: ${res.body}`);
    const { code, signal } = await exited;
    assert.deepEqual({ code, signal }, { code: 0, signal: null }, `clean exit; output:\n${output}`);
    // Every process of the launcher is gone (none left draining in the background) and the lock is released.
    if (!process.env.DATABASE_URL) await assert.rejects(access(path.join(dataDir, 'tenantry.lock')), 'the DATA_DIR lock is removed');

    // Nothing lost: the account created by the last request is in the database.
    const database = await openDatabase(loadConfig({ DATA_DIR: dataDir, ...(process.env.DATABASE_URL ? { DATABASE_URL: process.env.DATABASE_URL } : {}) }));
    try {
      const { rows } = await sql<{ n: number }>`select count(*)::int as n from users where email = ${email}`.execute(database.db);
      assert.equal(rows[0].n, 1);
    } finally {
      await database.close();
    }
  });
});


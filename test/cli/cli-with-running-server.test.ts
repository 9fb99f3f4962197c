// test-database: embedded only
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CHANNEL_FILE } from '../../src/platform/local-admin/admin-client.js';
import { LOCK_FILE } from '../../src/platform/db/data-dir-lock.js';
import { seedDataDir } from '../support/seeded-data-dir.js';

/**
 * The README's commands against a real `tenantry serve` on the embedded database, in real
 * processes: each CLI command runs while the server holds DATA_DIR, the server sees what it
 * did at once, and after a restart (clean, and after a kill) nothing is lost. This is about
 * PGlite, one process's database, so it runs on it whatever DATABASE_URL says.
 */
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const MAIN = 'src/cli/main.ts';

interface Server {
  child: ChildProcess;
  url: string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const exists = (file: string) => stat(file).then(() => true, () => false);

describe('operator commands while `tenantry serve` runs on the embedded database', { timeout: 900_000 }, () => {
  const children: ChildProcess[] = [];
  let dataDir: string | undefined;
  after(async () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  const env = () => ({
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    DATA_DIR: dataDir!,
    HOST: '127.0.0.1',
    PORT: '0',
    NODE_ENV: 'test',
    LOG_LEVEL: 'warn',
  });

  async function serve(): Promise<Server> {
    const child = spawn(process.execPath, ['--import', 'tsx', MAIN, 'serve'], { cwd: ROOT, env: env(), stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    let output = '';
    child.stderr!.on('data', (d) => (output += d));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout!.on('data', (d) => {
        output += d;
        const m = /listening on (http:\/\/[^\s)]+)/.exec(output);
        if (m) resolve(m[1]);
      });
      void exited.then(({ code, signal }) => reject(new Error(`serve exited (${code ?? signal}) before listening:\n${output}`)));
    });
    return { child, url, exited };
  }

  function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
      execFile(process.execPath, ['--import', 'tsx', MAIN, ...args], { cwd: ROOT, env: env(), timeout: 240_000 }, (err, stdout, stderr) => {
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
      });
    });
  }

  async function post(base: string, url: string, body: unknown) {
    const res = await fetch(`${base}${url}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: res.status, body: await res.text() };
  }

  const login = (base: string, email: string, password: string) => post(base, '/api/v1/auth/login', { email, password });

  it('runs every CLI command through the server, refuses second servers, and loses nothing over restarts', async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'tenantry-cli-'));
    await seedDataDir(dataDir);
    let server = await serve();
    const serverPid = server.child.pid!;
    assert.equal(JSON.parse(await readFile(path.join(dataDir, LOCK_FILE), 'utf8')).pid, serverPid);
    const channel = await stat(path.join(dataDir, CHANNEL_FILE));
    assert.equal(channel.mode & 0o777, 0o600, 'the admin channel secret is readable by the server user only');

    // A user asks for a password reset: the embedded outbox keeps the link.
    const user = { email: 'ana@example.test', password: 'first password 1' };
    assert.equal((await post(server.url, '/api/v1/auth/signup', { ...user, org_name: 'Ana Studio' })).status, 201);
    assert.equal((await post(server.url, '/api/v1/auth/password-reset/request', { email: user.email })).status, 202);

    const [superadmin, migrate, lifecycle, retry] = await Promise.all([
      cli('admin', 'create-superadmin', '--email', 'ops@example.test', '--password', 'operator password'),
      cli('migrate'),
      cli('storage', 'lifecycle-json'),
      cli('email', 'retry'),
    ]);
    assert.equal(superadmin.code, 0, superadmin.stderr);
    assert.match(superadmin.stdout, /^Created superadmin ops@example\.test \([0-9a-f-]{36}\)/);
    assert.equal(migrate.code, 0, migrate.stderr);
    assert.match(migrate.stdout, new RegExp(`The Tenantry server \\(pid ${serverPid}, .*applied the migrations when it started: the database is up to date`));
    assert.equal(lifecycle.code, 0, lifecycle.stderr);
    assert.ok(Array.isArray(JSON.parse(lifecycle.stdout).Rules), 'stdout is exactly the lifecycle JSON');
    assert.equal(retry.code, 1);
    assert.match(retry.stderr, /SMTP_URL is not set/);

    // The running server sees the new superadmin at once (it was written through it).
    const opsLogin = await login(server.url, 'ops@example.test', 'operator password');
    assert.equal(opsLogin.status, 200, opsLogin.body);
    const orgs = await fetch(`${server.url}/api/v1/admin/orgs`, { headers: { authorization: `Bearer ${JSON.parse(opsLogin.body).access_token}` } });
    assert.equal(orgs.status, 200, 'a superadmin');

    // The outbox: masked in the listing, revealed on purpose for one message.
    const listing = await cli('email', 'outbox', '--to', user.email);
    assert.equal(listing.code, 0, listing.stderr);
    assert.match(listing.stdout, /reset-password\?token=pr_\[hidden\]/);
    assert.doesNotMatch(listing.stdout, /pr_[A-Za-z0-9_-]{43}/, 'no token in a listing');
    assert.match(listing.stdout, /--id <id> --reveal/);
    const id = /id: ([0-9a-f-]{36})/.exec(listing.stdout)![1];
    const revealed = await cli('email', 'outbox', '--id', id, '--reveal');
    assert.equal(revealed.code, 0, revealed.stderr);
    const token = /pr_[A-Za-z0-9_-]{43}/.exec(revealed.stdout)?.[0];
    assert.ok(token, `the revealed message carries the link:\n${revealed.stdout}`);
    // PORT=0: the link carries the port the server bound, not 0.
    assert.ok(revealed.stdout.includes(`${new URL(server.url).origin.replace('127.0.0.1', 'localhost')}/reset-password?token=`), `the link points at this server (${server.url}):\n${revealed.stdout}`);
    const reset = await post(server.url, '/api/v1/auth/password-reset/confirm', { token, password: 'second password 2' });
    assert.equal(reset.status, 204, reset.body);
    user.password = 'second password 2';
    const noId = await cli('email', 'outbox', '--reveal');
    assert.equal(noId.code, 1);
    assert.match(noId.stderr, /--reveal shows one message in full: add --id <id>/);

    // What cannot run through the server refuses, saying what to do; nothing is opened twice.
    const [secondServe, worker, importer] = await Promise.all([
      cli('serve'),
      cli('worker'),
      cli('visant', 'import-datalake', dataDir, '--org', '00000000-0000-4000-8000-000000000000'),
    ]);
    for (const refused of [secondServe, worker, importer]) {
      assert.equal(refused.code, 1, refused.stdout);
      assert.match(refused.stderr, new RegExp(`The Tenantry server \\(pid ${serverPid}, started [^)]+\\) is using ${dataDir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: .*Stop it first \\(Ctrl-C, or kill -TERM ${serverPid}\\)`));
      assert.match(refused.stderr, /these commands work through it: tenantry admin create-superadmin, tenantry backup, tenantry email outbox/);
    }
    assert.equal((await login(server.url, user.email, user.password)).status, 200, 'the server is undisturbed');

    // Clean stop: the lock and the channel go with the server.
    server.child.kill('SIGTERM');
    assert.deepEqual(await server.exited, { code: 0, signal: null });
    assert.equal(await exists(path.join(dataDir, LOCK_FILE)), false);
    assert.equal(await exists(path.join(dataDir, CHANNEL_FILE)), false);

    // With the server stopped the same command opens the database itself, and lets go of it.
    const offline = await cli('admin', 'create-superadmin', '--email', 'night@example.test', '--password', 'night password');
    assert.equal(offline.code, 0, offline.stderr);
    assert.equal(await exists(path.join(dataDir, LOCK_FILE)), false);

    // Restart: everything written while it ran, through it or alone, is there.
    server = await serve();
    for (const [email, password] of [[user.email, user.password], ['ops@example.test', 'operator password'], ['night@example.test', 'night password']]) {
      const res = await login(server.url, email, password);
      assert.equal(res.status, 200, `${email} after a restart: ${res.body}`);
    }
    const kept = await cli('email', 'outbox', '--id', id);
    assert.match(kept.stdout, new RegExp(`id: ${id}  to: ${user.email.replace('.', '\\.')}  \\[sent\\]`), 'the revealed message counts as delivered');
    assert.ok(!kept.stdout.includes(token!), 'and its stored copy lost the link');

    // A killed server leaves its lock behind: the next start sees its pid is gone and takes over.
    const killedPid = server.child.pid!;
    server.child.kill('SIGKILL');
    await server.exited;
    assert.equal(JSON.parse(await readFile(path.join(dataDir, LOCK_FILE), 'utf8')).pid, killedPid, 'a stale lock is left');
    server = await serve();
    assert.equal(JSON.parse(await readFile(path.join(dataDir, LOCK_FILE), 'utf8')).pid, server.child.pid);
    assert.equal((await login(server.url, 'ops@example.test', 'operator password')).status, 200);
    server.child.kill('SIGTERM');
    assert.deepEqual(await server.exited, { code: 0, signal: null });
  });
});

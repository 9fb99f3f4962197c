import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { chown, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export interface PgBouncerLogin {
  user: string;
  password: string;
}

export interface PgBouncer {
  port: number;
  /** A postgres:// URL through PgBouncer for one of its logins. */
  url(login: PgBouncerLogin): string;
  /** Stop it at once (SIGTERM: PgBouncer's immediate shutdown, every client cut). */
  stop(): Promise<void>;
  /** Start it again on the same port, with the same configuration. */
  start(): Promise<void>;
  close(): Promise<void>;
}

/** A free TCP port on 127.0.0.1 (bound then released). */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** uid/gid of the `nobody` account: PgBouncer refuses to run as root and switches to it (-u). */
async function nobody(): Promise<{ uid: number; gid: number }> {
  const line = (await readFile('/etc/passwd', 'utf8')).split('\n').find((l) => l.startsWith('nobody:'));
  if (!line) throw new Error('running as root, PgBouncer needs another account to switch to, and /etc/passwd has no "nobody"');
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

/**
 * Debian's `pgbouncer` in transaction pool mode, in a temporary folder of its own (config,
 * auth file, log), on a free port, in front of one PostgreSQL database. Clients authenticate
 * with md5 against the generated auth file; PgBouncer logs in to PostgreSQL as each client's
 * user (trust on the local server here).
 */
export async function startPgBouncer(options: { host: string; port: number; database: string; logins: PgBouncerLogin[] }): Promise<PgBouncer> {
  const asRoot = process.getuid?.() === 0;
  // As root it runs as `nobody`, which cannot enter a test run's private temporary folder.
  const dir = await mkdtemp(path.join(asRoot ? '/tmp' : os.tmpdir(), 'tenantry-pgbouncer-'));
  const port = await freePort();
  const md5 = (l: PgBouncerLogin) => `md5${createHash('md5').update(l.password + l.user).digest('hex')}`;
  const authFile = path.join(dir, 'userlist.txt');
  await writeFile(authFile, options.logins.map((l) => `"${l.user}" "${md5(l)}"`).join('\n') + '\n', { mode: 0o600 });
  const config = path.join(dir, 'pgbouncer.ini');
  await writeFile(
    config,
    [
      '[databases]',
      `${options.database} = host=${options.host} port=${options.port} dbname=${options.database}`,
      '[pgbouncer]',
      'listen_addr = 127.0.0.1',
      `listen_port = ${port}`,
      'unix_socket_dir =',
      'auth_type = md5',
      `auth_file = ${authFile}`,
      'pool_mode = transaction',
      'max_client_conn = 300',
      // Few server connections for many clients: what a pooler is for, and what exposes any
      // session state a client expects to find again on "its" connection.
      'default_pool_size = 8',
      'reserve_pool_size = 2',
      'server_login_retry = 1',
      // node-postgres sends none of these by default; tools that do should not be refused.
      'ignore_startup_parameters = extra_float_digits,options',
      '',
    ].join('\n'),
  );
  if (asRoot) {
    const { uid, gid } = await nobody();
    for (const f of [dir, authFile, config]) await chown(f, uid, gid);
  }

  let child: ChildProcess | undefined;
  let stderr = '';
  let exited: Promise<void> = Promise.resolve();
  const start = async () => {
    const proc = spawn('pgbouncer', [...(asRoot ? ['-u', 'nobody'] : []), config], { stdio: ['ignore', 'ignore', 'pipe'] });
    // Its log goes to stderr (no log file): kept for the failure message.
    proc.stderr!.on('data', (d) => (stderr = (stderr + d).slice(-4000)));
    child = proc;
    exited = new Promise((resolve) => proc.once('exit', () => resolve()));
    // Ready once it accepts connections (it does once the listener is bound).
    for (;;) {
      if (proc.exitCode !== null) {
        throw new Error(`pgbouncer exited (${proc.exitCode}): ${stderr}`);
      }
      const ok = await new Promise<boolean>((resolve) => {
        const s = net.connect(port, '127.0.0.1');
        s.once('connect', () => (s.destroy(), resolve(true)));
        s.once('error', () => resolve(false));
      });
      if (ok) return;
      await new Promise((r) => setTimeout(r, 50)); // polling a port that has no event to wait on
    }
  };
  const stop = async () => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  await start();
  return {
    port,
    url: (l) => `postgres://${encodeURIComponent(l.user)}:${encodeURIComponent(l.password)}@127.0.0.1:${port}/${options.database}`,
    stop,
    start,
    async close() {
      await stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export const randomPassword = () => randomBytes(12).toString('hex');

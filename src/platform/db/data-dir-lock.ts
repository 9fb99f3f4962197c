import { hostname } from 'node:os';
import path from 'node:path';
import { link, readFile, stat, unlink, utimes, writeFile, mkdir } from 'node:fs/promises';
import { readFileSync, unlinkSync } from 'node:fs';

/**
 * The embedded database (PGlite) belongs to one process: two processes opening one DATA_DIR
 * each keep their own copy in memory and the last to close overwrites the other's writes.
 * This lock file makes the second process stop before it opens anything.
 *
 * The lock records who holds it (pid, command, start time, host). It is stale, and taken
 * over, when its process is gone: on this host `process.kill(pid, 0)` says so at once; a lock
 * written on another host (a container restarted with the same volume) is stale once its
 * holder stops refreshing it, since that pid cannot be checked from here.
 */
export const LOCK_FILE = 'tenantry.lock';
const HEARTBEAT_MS = 30_000;
const FOREIGN_HOST_STALE_MS = 4 * HEARTBEAT_MS;
/** Lock files this process holds: opening one data directory twice in one process is refused too. */
const heldHere = new Set<string>();

export interface LockHolder {
  pid: number;
  /** What holds it: "serve", "worker", "migrate", … */
  command: string;
  startedAt: string;
  hostname: string;
}

export class DataDirBusyError extends Error {
  constructor(
    public readonly holder: LockHolder,
    public readonly dataDir: string,
    advice?: string,
  ) {
    super(`${describeHolder(holder)} is using ${dataDir}: ${advice ?? defaultAdvice(holder)}`);
    this.name = 'DataDirBusyError';
  }
}

/** Commands that still work while a server holds the data directory (they go through it). */
export const COMMANDS_THROUGH_SERVER = ['admin create-superadmin', 'backup', 'email outbox', 'email retry', 'migrate', 'storage lifecycle-json'];

export function describeHolder(h: LockHolder): string {
  const who = h.command === 'serve' ? 'The Tenantry server' : h.command === 'worker' ? 'A Tenantry worker' : `The command "tenantry ${h.command}"`;
  const host = h.hostname === hostname() ? '' : ` on host ${h.hostname}`;
  return `${who} (pid ${h.pid}${host}, started ${h.startedAt})`;
}

function defaultAdvice(h: LockHolder): string {
  const isServer = h.command === 'serve' || h.command === 'worker';
  if (!isServer) return 'wait for it to finish, then run this again';
  return (
    `the embedded database serves one process. Stop it first (Ctrl-C, or kill -TERM ${h.pid}), or set DATABASE_URL to run several processes on PostgreSQL. ` +
    `While it runs, these commands work through it: ${COMMANDS_THROUGH_SERVER.map((c) => `tenantry ${c}`).join(', ')}`
  );
}

export interface DataDirLock {
  holder: LockHolder;
  release(): Promise<void>;
}

/** Take the lock on `dataDir` for this process, or throw DataDirBusyError naming its live holder. */
export async function acquireDataDirLock(dataDir: string, command: string): Promise<DataDirLock> {
  await mkdir(dataDir, { recursive: true });
  const file = path.join(dataDir, LOCK_FILE);
  const holder: LockHolder = { pid: process.pid, command, startedAt: new Date().toISOString(), hostname: hostname() };
  // Written whole to a private file first, then hard-linked into place: link() fails when the
  // lock exists (like open 'wx') and a reader never sees a half-written lock.
  const draft = `${file}.${process.pid}.${Date.now()}`;
  await writeFile(draft, JSON.stringify(holder) + '\n', { mode: 0o644 });
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        await link(draft, file);
        break;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
      const current = await readLockHolder(dataDir);
      if (current && (await isLive(current, file))) throw new DataDirBusyError(current, dataDir);
      if (attempt >= 3) throw new Error(`Could not take the lock ${file}: another process keeps replacing it. Is a Tenantry process starting? Try again.`);
      // Stale (its process is gone) or unreadable: take it over.
      await unlink(file).catch((err) => {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      });
    }
  } finally {
    await unlink(draft).catch(() => {});
  }
  // Two processes taking over one stale lock at once: the link of one may have been removed
  // by the other. Whoever's record is not in the file lost.
  const written = await readLockHolder(dataDir);
  if (!written || written.pid !== holder.pid || written.startedAt !== holder.startedAt) {
    if (written) throw new DataDirBusyError(written, dataDir);
    throw new Error(`The lock ${file} vanished while it was being taken: is another Tenantry process starting? Try again.`);
  }

  heldHere.add(path.resolve(file));
  const heartbeat = setInterval(() => {
    const now = new Date();
    utimes(file, now, now).catch(() => {});
  }, HEARTBEAT_MS);
  heartbeat.unref();
  // A process that exits without closing (an uncaught error, process.exit) still frees the lock.
  const onExit = () => removeIfOurs(file, holder);
  process.on('exit', onExit);
  let released = false;
  return {
    holder,
    async release() {
      if (released) return;
      released = true;
      heldHere.delete(path.resolve(file));
      clearInterval(heartbeat);
      process.off('exit', onExit);
      const current = await readLockHolder(dataDir);
      if (current?.pid === holder.pid && current.startedAt === holder.startedAt) await unlink(file).catch(() => {});
    },
  };
}

/** Who holds the lock on `dataDir`, if it is held by a live process (stale locks answer undefined). */
export async function liveLockHolder(dataDir: string): Promise<LockHolder | undefined> {
  const holder = await readLockHolder(dataDir);
  return holder && (await isLive(holder, path.join(dataDir, LOCK_FILE))) ? holder : undefined;
}

async function readLockHolder(dataDir: string): Promise<LockHolder | undefined> {
  let text: string;
  try {
    text = await readFile(path.join(dataDir, LOCK_FILE), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  try {
    const h = JSON.parse(text) as Partial<LockHolder>;
    if (typeof h.pid === 'number' && typeof h.command === 'string' && typeof h.startedAt === 'string' && typeof h.hostname === 'string') return h as LockHolder;
  } catch {
    /* unreadable: treated as stale below */
  }
  return undefined;
}

async function isLive(holder: LockHolder, file: string): Promise<boolean> {
  if (holder.hostname !== hostname()) {
    const age = Date.now() - (await stat(file).catch(() => ({ mtimeMs: 0 }))).mtimeMs;
    return age < FOREIGN_HOST_STALE_MS;
  }
  // Our own pid in a lock we did not take is a previous life of this pid (a container's pid 1).
  if (holder.pid === process.pid) return heldHere.has(path.resolve(file));
  try {
    process.kill(holder.pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to another user.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function removeIfOurs(file: string, holder: LockHolder) {
  try {
    // Synchronous: 'exit' handlers cannot wait. The pid check keeps a newer holder's lock.
    const current = JSON.parse(readFileSync(file, 'utf8')) as LockHolder;
    if (current.pid === holder.pid && current.startedAt === holder.startedAt) unlinkSync(file);
  } catch {
    /* already gone */
  }
}

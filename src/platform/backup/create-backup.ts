import { randomUUID } from 'node:crypto';
import { constants } from 'node:fs';
import { copyFile, link, mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { create as createTar } from 'tar';
import type { Database } from '../db/database.js';
import type { ReportProgress } from '../local-admin/operations.js';
import { hashFile } from './hash-file.js';
import { DATABASE_FILE, FORMAT, FORMAT_VERSION, KEY_FILES, KEYS_DIR, MANIFEST_FILE, OBJECTS_DIR, tenantryVersion, type BackupManifest, type CheckedFile } from './manifest.js';

/** A backup that cannot be taken here, for a reason the operator can act on. */
export class BackupRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BackupRefused';
  }
}

export interface BackupSource {
  /** The embedded database, opened by this process (it must offer dumpDataDir). */
  database: Database;
  /** The local storage driver's root (STORAGE_DIR, default DATA_DIR/storage). */
  storageRoot: string;
  dataDir: string;
}

export interface BackupSummary {
  file: string;
  bytes: number;
  objects: number;
  objectBytes: number;
  databaseBytes: number;
  migrations: number;
  missing: string[];
  mismatched: string[];
  keysIncluded: boolean;
}

/**
 * Write a tar.gz of the embedded database and the stored objects to `file`, while the server
 * keeps running.
 *
 * Consistency: the database and the object list are one snapshot. Holding the pool's only
 * connection (PGlite is one connection) no transaction is open and none can start; in that
 * moment the active catalog rows are read, each row's file is hard-linked into a private
 * directory under the storage root, and PGlite dumps its data directory. Then the connection
 * is released and the linked files are read at leisure: a delete or replace after the
 * snapshot removes or renames the object's path, not the inode the link holds, so the
 * archive has the bytes the snapshot's rows point at. This is enough because the storage code
 * writes bytes before the transaction that makes a row point at them commits (uploads.ts,
 * replace.ts, aura's move-objects.ts) and deletes them only after the transaction that stops
 * pointing at them commits (removal.ts): every active row of a snapshot has its whole file.
 * Files no active row points at (uploads in flight, their staged bytes, orphans) are left out;
 * pending rows come back as pending and the stale-upload sweep clears them.
 *
 * The connection is held for the links and the dump only (milliseconds per thousand objects,
 * plus the dump: about a second for a few hundred MB of database), so requests wait that long,
 * not for the archive. Where hard links are refused (another filesystem) a file is copied
 * instead, inside the same hold.
 */
export async function createBackup(source: BackupSource, file: string, options: { includeKeys?: boolean; onProgress?: ReportProgress } = {}): Promise<BackupSummary> {
  const { database, storageRoot, dataDir } = source;
  const progress = options.onProgress ?? (() => {});
  if (!database.dumpDataDir) {
    throw new BackupRefused('tenantry backup archives the embedded database (PGlite); with DATABASE_URL use pg_dump and copy the storage as docs/operations.md says.');
  }
  if (!path.isAbsolute(file)) throw new BackupRefused(`The backup file must be an absolute path, not ${file}.`);
  if (await exists(file)) throw new BackupRefused(`${file} already exists: choose another file name, or delete it first.`);
  const dir = path.dirname(file);
  if (!(await stat(dir).then((s) => s.isDirectory(), () => false))) throw new BackupRefused(`The directory ${dir} does not exist: create it, or choose another place for the backup.`);

  // Under the storage root, so that hard links stay on its filesystem; the dot keeps it out of
  // the driver's listings (local-driver.ts skips dot entries).
  await mkdir(storageRoot, { recursive: true });
  const stage = path.join(storageRoot, `.backup-${randomUUID()}`);
  const partial = `${file}.partial-${process.pid}`;
  try {
    await mkdir(path.join(stage, OBJECTS_DIR), { recursive: true });
    progress({ phase: 'snapshot', done: 0, total: 1 });
    const snap = await snapshot(database, storageRoot, stage);
    await writeFile(path.join(stage, DATABASE_FILE), snap.dump, { mode: 0o600 });

    // Checksums, from the linked copies (not the live paths).
    const total = snap.dump.length + snap.objects.reduce((s, o) => s + o.bytes, 0);
    let done = 0;
    progress({ phase: 'checking', done, total });
    const database_: CheckedFile = { path: DATABASE_FILE, bytes: snap.dump.length, sha256: (await hashFile(path.join(stage, DATABASE_FILE))).sha256 };
    done += snap.dump.length;
    const files: CheckedFile[] = [];
    const mismatched: string[] = [];
    for (const o of snap.objects) {
      const rel = `${OBJECTS_DIR}/${o.storageKey}`;
      const h = await hashFile(path.join(stage, ...rel.split('/')));
      files.push({ path: rel, bytes: h.bytes, sha256: h.sha256 });
      if ((o.sha256 && o.sha256 !== h.sha256) || o.bytes !== h.bytes) mismatched.push(o.storageKey);
      done += o.bytes;
      progress({ phase: 'checking', done, total });
    }
    let keysIncluded = false;
    if (options.includeKeys) {
      await mkdir(path.join(stage, KEYS_DIR), { mode: 0o700 });
      for (const name of KEY_FILES) {
        const from = path.join(dataDir, name);
        if (!(await exists(from))) continue;
        await copyFile(from, path.join(stage, KEYS_DIR, name));
        const h = await hashFile(path.join(stage, KEYS_DIR, name));
        files.push({ path: `${KEYS_DIR}/${name}`, bytes: h.bytes, sha256: h.sha256 });
        keysIncluded = true;
      }
    }
    const manifest: BackupManifest = {
      format: FORMAT,
      formatVersion: FORMAT_VERSION,
      createdAt: snap.takenAt.toISOString(),
      versions: { tenantry: tenantryVersion(), node: process.version, postgres: snap.postgres },
      migrations: snap.migrations,
      database: database_,
      objects: { count: snap.objects.length, bytes: snap.objects.reduce((s, o) => s + o.bytes, 0), missing: snap.missing, mismatched },
      files,
      keysIncluded,
    };
    await writeFile(path.join(stage, MANIFEST_FILE), JSON.stringify(manifest, null, 2) + '\n');

    // The archive: database, objects, keys, then the manifest (restore reads it last too).
    done = 0;
    progress({ phase: 'archiving', done, total });
    const entries = [DATABASE_FILE, OBJECTS_DIR, ...(keysIncluded ? [KEYS_DIR] : []), MANIFEST_FILE];
    await createTar(
      {
        gzip: true,
        cwd: stage,
        file: partial,
        portable: true,
        mode: 0o600,
        filter: (_p, s) => {
          if ('isFile' in s && s.isFile()) {
            done += s.size;
            progress({ phase: 'archiving', done: Math.min(done, total), total });
          }
          return true;
        },
      },
      entries,
    );
    await rename(partial, file);
    const bytes = (await stat(file)).size;
    progress({ phase: 'archiving', done: total, total });
    return {
      file,
      bytes,
      objects: snap.objects.length,
      objectBytes: manifest.objects.bytes,
      databaseBytes: snap.dump.length,
      migrations: snap.migrations.length,
      missing: snap.missing,
      mismatched,
      keysIncluded,
    };
  } finally {
    await rm(partial, { force: true });
    await rm(stage, { recursive: true, force: true });
  }
}

interface Snapshot {
  takenAt: Date;
  dump: Buffer;
  postgres: string;
  migrations: string[];
  objects: Array<{ storageKey: string; bytes: number; sha256: string | null }>;
  missing: string[];
}

/** The catalog, the linked files and the database dump, all at one instant (see createBackup). */
async function snapshot(database: Database, storageRoot: string, stage: string): Promise<Snapshot> {
  const client = await database.pool.connect();
  try {
    const takenAt = new Date();
    const rows = await client.query<{ storage_key: string; size_bytes: number; sha256: string | null }>(
      `select storage_key, size_bytes, sha256 from storage_objects where status = 'active' order by storage_key`,
    );
    const migrations = await client.query<{ id: string }>(`select module || '/' || name as id from tenantry_migrations order by applied_at, id`);
    const postgres = (await client.query<{ server_version: string }>('show server_version')).rows[0].server_version;
    const objects: Snapshot['objects'] = [];
    const missing: string[] = [];
    for (const row of rows.rows) {
      const from = path.join(storageRoot, ...row.storage_key.split('/'));
      const to = path.join(stage, OBJECTS_DIR, ...row.storage_key.split('/'));
      await mkdir(path.dirname(to), { recursive: true });
      try {
        await link(from, to);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'ENOENT') {
          missing.push(row.storage_key);
          continue;
        }
        if (code !== 'EXDEV' && code !== 'EPERM' && code !== 'EMLINK') throw err;
        await copyFile(from, to, constants.COPYFILE_FICLONE);
      }
      objects.push({ storageKey: row.storage_key, bytes: Number(row.size_bytes), sha256: row.sha256 });
    }
    const dump = Buffer.from(await (await database.dumpDataDir!()).arrayBuffer());
    return { takenAt, dump, postgres, migrations: migrations.rows.map((r) => r.id), objects, missing };
  } finally {
    client.release();
  }
}

async function exists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    () => false,
  );
}

import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { chmod, cp, mkdir, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { extract } from 'tar';
import type { Config } from '../config/config.js';
import { acquireDataDirLock } from '../db/data-dir-lock.js';
import type { ReportProgress } from '../local-admin/operations.js';
import { hashFile } from './hash-file.js';
import { DATABASE_FILE, KEY_FILES, KEYS_DIR, MANIFEST_FILE, OBJECTS_DIR, manifestSchema, type BackupManifest, type CheckedFile } from './manifest.js';

/** A restore refused before anything was put in place; DATA_DIR is as it was. */
export class RestoreRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RestoreRefused';
  }
}

export interface RestoreSummary {
  dataDir: string;
  createdAt: string;
  objects: number;
  objectBytes: number;
  migrations: number;
  keysRestored: string[];
  /** Said to the operator after the restore (keys to copy in, objects the backup lacked). */
  warnings: string[];
}

/**
 * Bring a `tenantry backup` archive back into an empty DATA_DIR (and an empty STORAGE_DIR when
 * that is set apart). Nothing is put in place before the whole archive has been read and every
 * file checked against the manifest: a damaged or truncated archive is refused and leaves the
 * directory empty, as it was. The key files (jwt-secret, credentials-key) may already be there:
 * copying them in first is how they come back when the backup was taken without them.
 */
export async function restoreBackup(
  config: Pick<Config, 'dataDir' | 'databaseUrl' | 'storage' | 'credentialKeys'>,
  file: string,
  options: { onProgress?: ReportProgress } = {},
): Promise<RestoreSummary> {
  const progress = options.onProgress ?? (() => {});
  if (config.databaseUrl) throw new RestoreRefused('tenantry restore brings back the embedded database; with DATABASE_URL set, use pg_restore as docs/operations.md says (or unset DATABASE_URL).');
  if (config.storage.driver !== 'local') throw new RestoreRefused('tenantry restore puts objects on local disk; with S3 storage, restore the database and the bucket as docs/operations.md says.');
  if (config.dataDir.startsWith('memory://')) throw new RestoreRefused('DATA_DIR is memory://: set DATA_DIR to the empty directory to restore into.');
  const archiveSize = await stat(file).then(
    (s) => s.size,
    () => {
      throw new RestoreRefused(`There is no backup file ${file}.`);
    },
  );

  const dataDir = config.dataDir;
  const storageRoot = config.storage.dir ?? path.join(dataDir, 'storage');
  const present = (await readdir(dataDir).catch(() => [] as string[])).filter((n) => !(KEY_FILES as readonly string[]).includes(n));
  if (present.length) {
    throw new RestoreRefused(
      `${dataDir} is not empty (it holds ${present.slice(0, 5).join(', ')}${present.length > 5 ? ', …' : ''}): restore only goes into an empty DATA_DIR, so that nothing in it is overwritten. ` +
        `Stop the server, move this directory aside (or choose a new DATA_DIR), and run the restore again.`,
    );
  }
  if (config.storage.dir && (await readdir(storageRoot).catch(() => [] as string[])).length) {
    throw new RestoreRefused(`STORAGE_DIR ${storageRoot} is not empty: restore only into an empty one. Move it aside, or choose another STORAGE_DIR.`);
  }

  const lock = await acquireDataDirLock(dataDir, 'restore');
  const staging = path.join(dataDir, `.restore-${randomUUID()}`);
  const created: string[] = [];
  try {
    // 1. Unpack into a staging directory, counting the archive's bytes for the progress bar.
    await mkdir(staging, { mode: 0o700 });
    let read = 0;
    progress({ phase: 'reading', done: 0, total: archiveSize });
    const counter = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        read += chunk.length;
        progress({ phase: 'reading', done: read, total: archiveSize });
        cb(null, chunk);
      },
    });
    try {
      // Regular files and directories only: a link in an archive could point outside DATA_DIR.
      const plain = (_p: string, entry: unknown) => ['File', 'OldFile', 'Directory'].includes((entry as { type?: string }).type ?? '');
      await pipeline(createReadStream(file), counter, extract({ cwd: staging, strict: true, filter: plain }));
    } catch (err) {
      throw new RestoreRefused(`${file} is damaged or is not a Tenantry backup (${(err as Error).message}). Nothing was restored.`);
    }

    // 2. The manifest, then every file against it.
    const manifest = await readManifest(staging, file);
    const checked: CheckedFile[] = [manifest.database, ...manifest.files];
    const total = checked.reduce((s, f) => s + f.bytes, 0);
    let done = 0;
    progress({ phase: 'verifying', done, total });
    for (const f of checked) {
      const h = await hashFile(path.join(staging, ...f.path.split('/'))).catch(() => undefined);
      if (!h) throw new RestoreRefused(`${file} is damaged: ${f.path} is listed in its manifest but missing from the archive. Nothing was restored.`);
      if (h.sha256 !== f.sha256 || h.bytes !== f.bytes) throw new RestoreRefused(`${file} is damaged: ${f.path} does not match its checksum. Nothing was restored.`);
      done += f.bytes;
      progress({ phase: 'verifying', done, total });
    }

    // Nothing unlisted comes along: every file moved into place was checked above.
    const listed = new Set(manifest.files.map((f) => f.path));
    for (const dir of [OBJECTS_DIR, KEYS_DIR]) {
      for (const rel of await filesUnder(staging, dir)) {
        if (!listed.has(rel)) throw new RestoreRefused(`${file} holds ${rel}, which its manifest does not list: the archive was altered. Nothing was restored.`);
      }
    }

    // 3. The database: PGlite loads its own dump into DATA_DIR/pglite, and must open it.
    progress({ phase: 'loading the database', done: 0, total: 1 });
    const pgliteDir = path.join(dataDir, 'pglite');
    created.push(pgliteDir);
    await loadDatabase(pgliteDir, path.join(staging, DATABASE_FILE), manifest);

    // 4. The objects and keys, moved into place (a rename on the same filesystem).
    if (!config.storage.dir) created.push(storageRoot);
    await moveInto(path.join(staging, OBJECTS_DIR), storageRoot);
    const keysRestored: string[] = [];
    for (const f of manifest.files.filter((x) => x.path.startsWith(`${KEYS_DIR}/`))) {
      const name = f.path.slice(KEYS_DIR.length + 1);
      const target = path.join(dataDir, name);
      if (await stat(target).then(() => true, () => false)) continue; // the operator's copy wins
      await rename(path.join(staging, ...f.path.split('/')), target);
      await chmod(target, 0o600);
      keysRestored.push(name);
    }
    progress({ phase: 'loading the database', done: 1, total: 1 });

    const warnings: string[] = [];
    const haveCredentialsKey = config.credentialKeys.current !== undefined || (await stat(path.join(dataDir, 'credentials-key')).then(() => true, () => false));
    if (!haveCredentialsKey) {
      warnings.push(
        `No credentials key came with the backup: copy the original DATA_DIR/credentials-key into ${dataDir} (or set CREDENTIALS_KEY) before starting, or the third-party credentials sealed with it (connected accounts, provider keys) cannot be opened.`,
      );
    }
    if (manifest.objects.missing.length) warnings.push(`${manifest.objects.missing.length} object(s) were already missing when the backup was taken; their catalog rows point at no bytes.`);
    return {
      dataDir,
      createdAt: manifest.createdAt,
      objects: manifest.objects.count,
      objectBytes: manifest.objects.bytes,
      migrations: manifest.migrations.length,
      keysRestored,
      warnings,
    };
  } catch (err) {
    // Leave DATA_DIR as empty as it was, so the restore can simply be run again.
    for (const dir of created) await rm(dir, { recursive: true, force: true }).catch(() => {});
    throw err;
  } finally {
    await rm(staging, { recursive: true, force: true }).catch(() => {});
    await lock.release();
  }
}

async function readManifest(staging: string, file: string): Promise<BackupManifest> {
  let raw: string;
  try {
    raw = await readFile(path.join(staging, MANIFEST_FILE), 'utf8');
  } catch {
    throw new RestoreRefused(`${file} has no ${MANIFEST_FILE}: it is not a complete Tenantry backup. Nothing was restored.`);
  }
  let parsed;
  try {
    parsed = manifestSchema.safeParse(JSON.parse(raw));
  } catch {
    throw new RestoreRefused(`${file} has an unreadable ${MANIFEST_FILE}: the archive is damaged. Nothing was restored.`);
  }
  if (!parsed.success) {
    throw new RestoreRefused(`${file}'s ${MANIFEST_FILE} is not one this version understands (${parsed.error.issues[0].path.join('.')}: ${parsed.error.issues[0].message}). Nothing was restored.`);
  }
  return parsed.data;
}

async function loadDatabase(pgliteDir: string, dumpFile: string, manifest: BackupManifest): Promise<void> {
  const [{ PGlite }, { vector }] = await Promise.all([import('@electric-sql/pglite'), import('@electric-sql/pglite-pgvector')]);
  await mkdir(pgliteDir, { recursive: true });
  const dump = new Blob([await readFile(dumpFile)]);
  let lite;
  try {
    lite = await PGlite.create(pgliteDir, { extensions: { vector }, loadDataDir: dump });
    const { rows } = await lite.query<{ n: number }>('select count(*)::int as n from tenantry_migrations');
    if (rows[0].n !== manifest.migrations.length) throw new Error(`${rows[0].n} migrations in the database, ${manifest.migrations.length} in the manifest`);
  } catch (err) {
    throw new RestoreRefused(
      `The database in the backup (PostgreSQL ${manifest.versions.postgres}, Tenantry ${manifest.versions.tenantry}) could not be opened here: ${(err as Error).message}. ` +
        'Restore it with the Tenantry version that took it. Nothing was restored.',
    );
  } finally {
    await lite?.close().catch(() => {});
  }
}

/** Files below `root/dir`, as archive paths ("storage/…"). */
async function filesUnder(root: string, dir: string): Promise<string[]> {
  const entries = await readdir(path.join(root, dir), { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => path.relative(root, path.join(e.parentPath, e.name)).split(path.sep).join('/'));
}

/** Move a directory's content into `target` (created); a copy when it is on another filesystem. */
async function moveInto(from: string, target: string): Promise<void> {
  await mkdir(path.dirname(target), { recursive: true });
  await rm(target, { recursive: true, force: true }); // empty, or absent: checked before
  try {
    await rename(from, target);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EXDEV') throw err;
    await cp(from, target, { recursive: true });
  }
}

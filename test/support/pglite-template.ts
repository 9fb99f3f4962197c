import { createHash } from 'node:crypto';
import { readFile, rename, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openDatabase } from '../../src/platform/db/database.js';
import { loadMigrations, migrate, type MigrationSource } from '../../src/platform/db/migrate.js';

/**
 * A migrated embedded database, made once per test run and per set of migrations, that every
 * test platform on PGlite starts from (`startPlatform({ startFrom })`) instead of running
 * initdb and every migration again: a fresh PGlite costs seconds per platform, loading a dump
 * a fraction of that, and the suite starts ~90 platforms.
 *
 * The dump lives in os.tmpdir() (npm test gives each run its own, removed at the end), named by
 * a hash of everything that decides its contents: the PGlite and pgvector versions and each
 * migration's module, name and text. A changed, added or removed migration is a different
 * name, so a stale template is never used. Test processes running side by side may both build
 * it; each writes a file of its own and renames it into place, so no one reads half a file.
 * The platform still runs its migrations on the loaded copy, the same code as always: they find
 * everything applied.
 */
export async function migratedTemplate(sources: MigrationSource[]): Promise<Blob> {
  const key = await templateKey(sources);
  let template = inProcess.get(key);
  if (!template) {
    template = loadOrBuild(key, sources);
    inProcess.set(key, template);
    template.catch(() => inProcess.delete(key));
  }
  return template;
}

const inProcess = new Map<string, Promise<Blob>>();

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

async function packageVersion(name: string): Promise<string> {
  const manifest = JSON.parse(await readFile(path.join(repoRoot, 'node_modules', name, 'package.json'), 'utf8'));
  return `${name}@${manifest.version}`;
}

/** The template's name: a hash of the database engine's versions and every migration's text. */
export async function templateKey(sources: MigrationSource[]): Promise<string> {
  const hash = createHash('sha256');
  for (const part of [await packageVersion('@electric-sql/pglite'), await packageVersion('@electric-sql/pglite-pgvector')]) hash.update(`${part}\0`);
  for (const m of await loadMigrations(sources)) hash.update(`${m.module}\0${m.name}\0${m.sql}\0`);
  return hash.digest('hex').slice(0, 32);
}

async function loadOrBuild(key: string, sources: MigrationSource[]): Promise<Blob> {
  const file = path.join(os.tmpdir(), `tenantry-pglite-${key}.tar.gz`);
  try {
    return new Blob([await readFile(file)]);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const database = await openDatabase({ dataDir: 'memory://', databaseUrl: undefined, databasePoolSize: 1 });
  let dump: Blob;
  try {
    await migrate(database.pool, sources);
    dump = await database.dumpDataDir!('gzip');
  } finally {
    await database.close();
  }
  const partial = `${file}.${process.pid}.partial`;
  await writeFile(partial, Buffer.from(await dump.arrayBuffer()));
  await rename(partial, file);
  return dump;
}

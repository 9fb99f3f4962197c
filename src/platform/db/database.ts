import path from 'node:path';
import { mkdir } from 'node:fs/promises';
import pg from 'pg';
import { Kysely, PostgresDialect } from 'kysely';
import type { Config } from '../config/config.js';
import type { PlatformTables } from './schema.js';
import { acquireDataDirLock } from './data-dir-lock.js';
import { registerPool } from './tenant-read.js';
import { surviveBrokenConnections } from './pool-errors.js';

export type DatabaseKind = 'pglite' | 'postgres';

/**
 * One connection pool, whichever database is underneath. PGlite is reached through its
 * node-postgres adapter, so Kysely, pg-boss and raw SQL all use the same pg.Pool type.
 *
 * PGlite is a single connection: never query the pool while holding a transaction on it
 * (pass the transaction down instead), or the embedded default deadlocks.
 */
export interface Database {
  kind: DatabaseKind;
  /** The owner's pool (DATABASE_URL): migrations, platform flows, sweeps across tenants. */
  pool: pg.Pool;
  db: Kysely<PlatformTables>;
  /**
   * PostgreSQL with DATABASE_APP_URL: the pool tenant transactions run on, logged in as a role
   * without BYPASSRLS (tenant-pool.ts). Absent: they SET ROLE on the owner's pool.
   */
  tenant?: { pool: pg.Pool; db: Kysely<PlatformTables> };
  /**
   * Embedded PGlite only: its whole data directory as one tarball (PGlite's dumpDataDir),
   * plain by default or gzipped, which `OpenOptions.startFrom` opens again. Taken by the
   * process that owns it: backups (backup/create-backup.ts; it runs between two queries, so
   * call it while holding the pool's one connection to have it fall between two
   * transactions) and the test suite, which migrates once and starts every test platform
   * from such a dump (test/support/pglite-template.ts).
   */
  dumpDataDir?: (compression?: 'none' | 'gzip') => Promise<Blob>;
  close(): Promise<void>;
}

// Postgres returns int8/numeric as strings by default; counts and byte sizes in this
// platform stay far below 2^53, so parse them as numbers once, here.
pg.types.setTypeParser(20, (v) => Number(v));

export interface OpenOptions {
  /**
   * What this process is ("serve", "worker", "migrate"…), written in the DATA_DIR lock so a
   * second process can say who holds the embedded database. Default: the CLI command.
   */
  holder?: string;
  /**
   * An in-memory embedded database (DATA_DIR=memory://) starts as a copy of this dumped data
   * directory (`Database.dumpDataDir`) instead of an empty one: a fresh PGlite spends seconds
   * in initdb, loading a dump a fraction of that. Ignored for PostgreSQL and on-disk data.
   * Migrations still run afterwards as always and apply whatever the dump lacks.
   */
  startFrom?: Blob;
}

export async function openDatabase(config: Pick<Config, 'databaseUrl' | 'dataDir' | 'databasePoolSize'>, options: OpenOptions = {}): Promise<Database> {
  if (config.databaseUrl) {
    const pool = surviveBrokenConnections(new pg.Pool({ connectionString: config.databaseUrl, max: config.databasePoolSize }));
    const db = new Kysely<PlatformTables>({ dialect: new PostgresDialect({ pool }) });
    registerPool(db, pool);
    const database: Database = {
      kind: 'postgres',
      pool,
      db,
      close: async () => {
        await database.tenant?.db.destroy();
        await db.destroy();
      },
    };
    return database;
  }
  const [{ PGlite }, { vector }, { createPgConfig }] = await Promise.all([
    import('@electric-sql/pglite'),
    import('@electric-sql/pglite-pgvector'),
    import('@electric-sql/pglite/node-postgres'),
  ]);
  const inMemory = config.dataDir.startsWith('memory://');
  const dataDir = inMemory ? 'memory://' : path.join(config.dataDir, 'pglite');
  // One process per data directory (data-dir-lock.ts): a second one would write to its own
  // copy of the database and lose it, or overwrite the first one's, when it closes.
  const lock = inMemory ? undefined : await acquireDataDirLock(config.dataDir, options.holder ?? commandOfThisProcess());
  try {
    if (!inMemory) await mkdir(dataDir, { recursive: true });
    const lite = await PGlite.create(dataDir, { extensions: { vector }, ...(inMemory && options.startFrom ? { loadDataDir: options.startFrom } : {}) });
    const pool = new pg.Pool({ ...createPgConfig(lite), max: 1 });
    const db = new Kysely<PlatformTables>({ dialect: new PostgresDialect({ pool }) });
    registerPool(db, pool);
    return {
      kind: 'pglite',
      pool,
      db,
      dumpDataDir: (compression = 'none') => lite.dumpDataDir(compression),
      close: async () => {
        try {
          await db.destroy();
          await lite.close();
        } finally {
          await lock?.release();
        }
      },
    };
  } catch (err) {
    await lock?.release();
    throw err;
  }
}

/** "migrate", "admin create-superadmin"…: the command words only, never option values (a password). */
function commandOfThisProcess(): string {
  const words = process.argv.slice(2).filter((a) => /^[a-z][a-z-]*$/.test(a)).slice(0, 2);
  return words.join(' ') || 'tenantry';
}

import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type pg from 'pg';

/**
 * SQL migrations owned per module ("platform", then each app). Each module keeps its
 * files in its own folder, named NNN_description.sql, applied in name order, each in
 * its own transaction, recorded in tenantry_migrations. Concurrent starters (several API or
 * worker processes booting at once) take turns per migration: each transaction takes a
 * transaction-scoped advisory lock, then checks whether the migration is still to apply. A
 * session-level lock would not do: behind PgBouncer in transaction mode the session is not
 * ours, and a lock left on a pooled server connection would block the next start.
 */
export interface MigrationSource {
  module: string;
  directory: string;
}

export interface Migration {
  module: string;
  name: string;
  sql: string;
}

const LOCK_ID = 724_311_001;

export async function loadMigrations(sources: MigrationSource[]): Promise<Migration[]> {
  const all: Migration[] = [];
  for (const source of sources) {
    const files = (await readdir(source.directory)).filter((f) => f.endsWith('.sql')).sort();
    for (const file of files) {
      all.push({ module: source.module, name: file, sql: await readFile(path.join(source.directory, file), 'utf8') });
    }
  }
  return all;
}

export async function migrate(pool: pg.Pool, sources: MigrationSource[], log: (msg: string) => void = () => {}): Promise<string[]> {
  const migrations = await loadMigrations(sources);
  const client = await pool.connect();
  const applied: string[] = [];
  /** One transaction holding the migrations' lock until its commit or rollback. */
  const locked = async <T>(work: () => Promise<T>): Promise<T> => {
    await client.query('begin');
    try {
      await client.query('select pg_advisory_xact_lock($1)', [LOCK_ID]);
      const result = await work();
      await client.query('commit');
      return result;
    } catch (err) {
      await client.query('rollback').catch(() => {});
      throw err;
    }
  };
  try {
    await locked(() =>
      client.query(`create table if not exists tenantry_migrations (
        module text not null, name text not null, applied_at timestamptz not null default now(),
        primary key (module, name))`),
    );
    const done = new Set(
      (await client.query<{ id: string }>(`select module || '/' || name as id from tenantry_migrations`)).rows.map((r) => r.id),
    );
    for (const m of migrations) {
      const id = `${m.module}/${m.name}`;
      if (done.has(id)) continue;
      const ran = await locked(async () => {
        // Another process may have applied it since the list above was read.
        const { rowCount } = await client.query('select 1 from tenantry_migrations where module = $1 and name = $2', [m.module, m.name]);
        if (rowCount) return false;
        try {
          await client.query(m.sql);
        } catch (err) {
          throw new Error(`Migration ${id} failed: ${(err as Error).message}`, { cause: err });
        }
        await client.query('insert into tenantry_migrations (module, name) values ($1, $2)', [m.module, m.name]);
        return true;
      });
      if (!ran) continue;
      applied.push(id);
      log(`applied migration ${id}`);
    }
  } finally {
    client.release();
  }
  return applied;
}

/** Names of migrations that exist on disk but are not applied (used by /readyz). */
export async function pendingMigrations(pool: pg.Pool, sources: MigrationSource[]): Promise<string[]> {
  const migrations = await loadMigrations(sources);
  const exists = await pool.query(`select to_regclass('tenantry_migrations') is not null as ok`);
  if (!exists.rows[0].ok) return migrations.map((m) => `${m.module}/${m.name}`);
  const done = new Set(
    (await pool.query<{ id: string }>(`select module || '/' || name as id from tenantry_migrations`)).rows.map((r) => r.id),
  );
  return migrations.map((m) => `${m.module}/${m.name}`).filter((id) => !done.has(id));
}

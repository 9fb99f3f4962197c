// test-database: embedded only
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { openDatabase, type Database } from '../../src/platform/db/database.js';
import { migrate, pendingMigrations, type MigrationSource } from '../../src/platform/db/migrate.js';
import { migrationSourcesFor } from '../../src/platform/db/sources.js';
import { installedApps } from '../../src/apps/index.js';
import { migratedTemplate, templateKey } from './pglite-template.js';

// Everything a migration can create that a test could depend on, in a stable order.
const CATALOGUE = `
  select 'column' as kind, table_schema || '.' || table_name || '.' || column_name || ' ' || data_type || ' ' || is_nullable || ' ' || coalesce(column_default, '') as what
    from information_schema.columns where table_schema not in ('pg_catalog', 'information_schema')
  union all select 'policy', schemaname || '.' || tablename || '.' || policyname || ' ' || cmd || ' ' || coalesce(qual, '') || ' ' || coalesce(with_check, '') from pg_policies
  union all select 'rls', relname || ' ' || relrowsecurity || ' ' || relforcerowsecurity from pg_class where relkind = 'r' and relnamespace = 'public'::regnamespace
  union all select 'index', schemaname || '.' || indexname || ' ' || indexdef from pg_indexes where schemaname not in ('pg_catalog')
  union all select 'function', p.oid::regprocedure::text || ' ' || p.prosecdef || ' ' || coalesce(array_to_string(p.proacl, ','), '') from pg_proc p where p.pronamespace = 'public'::regnamespace
  union all select 'trigger', tgrelid::regclass::text || '.' || tgname from pg_trigger where not tgisinternal
  union all select 'role', rolname || ' ' || rolbypassrls || ' ' || rolcanlogin from pg_roles
  union all select 'grant', grantee || ' ' || table_schema || '.' || table_name || ' ' || privilege_type from information_schema.role_table_grants where table_schema = 'public'
  union all select 'migration', module || '/' || name from tenantry_migrations
  order by 1, 2`;

const memory = { dataDir: 'memory://', databaseUrl: undefined, databasePoolSize: 1 } as const;

describe('migrated PGlite template for test platforms', { skip: process.env.DATABASE_URL ? 'about the embedded database only' : false }, () => {
  const opened: Database[] = [];
  const folders: string[] = [];
  after(async () => {
    for (const d of opened) await d.close();
    for (const f of folders) await rm(f, { recursive: true, force: true });
  });
  const open = async (startFrom?: Blob) => {
    const d = await openDatabase(memory, { startFrom });
    opened.push(d);
    return d;
  };

  it('holds exactly what migrating an empty database gives, with nothing left to apply', async () => {
    const sources = migrationSourcesFor(installedApps);
    const fresh = await open();
    await migrate(fresh.pool, sources);
    const copy = await open(await migratedTemplate(sources));
    assert.deepEqual(await pendingMigrations(copy.pool, sources), []);
    const expected = (await fresh.pool.query(CATALOGUE)).rows;
    assert.ok(expected.length > 500, `the catalogue query sees the schema (${expected.length} rows)`);
    assert.deepEqual((await copy.pool.query(CATALOGUE)).rows, expected);
  });

  it('gives each platform its own copy: a write in one is not seen in another', async () => {
    const template = await migratedTemplate(migrationSourcesFor([]));
    const [a, b] = [await open(template), await open(template)];
    await a.pool.query(`create table only_in_a (id int)`);
    assert.equal((await a.pool.query(`select count(*)::int as n from pg_tables where tablename = 'only_in_a'`)).rows[0].n, 1);
    assert.equal((await b.pool.query(`select count(*)::int as n from pg_tables where tablename = 'only_in_a'`)).rows[0].n, 0);
  });

  it('is named by every migration: editing, adding or renaming one names a different template', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'template-key-'));
    folders.push(dir);
    const sources: MigrationSource[] = [{ module: 'keytest', directory: dir }];
    await writeFile(path.join(dir, '001_a.sql'), 'create table a (id int);');
    const first = await templateKey(sources);
    assert.equal(await templateKey(sources), first, 'the same files name the same template');
    await writeFile(path.join(dir, '001_a.sql'), 'create table a (id bigint);');
    const edited = await templateKey(sources);
    await writeFile(path.join(dir, '002_b.sql'), 'create table b (id int);');
    const added = await templateKey(sources);
    const renamed = await templateKey([{ module: 'other', directory: dir }]);
    assert.equal(new Set([first, edited, added, renamed]).size, 4);
  });
});

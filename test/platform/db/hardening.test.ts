import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { installedApps } from '../../../src/apps/index.js';
import { loadConfig } from '../../../src/platform/config/config.js';
import { openDatabase, type Database } from '../../../src/platform/db/database.js';
import { migrate } from '../../../src/platform/db/migrate.js';
import { migrationSourcesFor } from '../../../src/platform/db/sources.js';

/**
 * Database defence in depth, on a fresh database (PGlite in memory, or a new database next to
 * DATABASE_URL's): definer functions pin their search_path, and Supabase's anon/authenticated
 * roles, granted everything by default there, end up with nothing on Tenantry's tables.
 */
const databaseUrl = process.env.DATABASE_URL;
const SUPABASE_ROLES = ['anon', 'authenticated'];

describe('database hardening migrations', () => {
  let database: Database;
  let dropFreshDatabase = async () => {};

  before(async () => {
    let url: string | undefined;
    if (databaseUrl) {
      const name = `tenantry_hardening_${randomBytes(4).toString('hex')}`;
      const admin = new pg.Client({ connectionString: databaseUrl });
      await admin.connect();
      await admin.query(`create database ${name}`);
      await admin.end();
      const fresh = new URL(databaseUrl);
      fresh.pathname = `/${name}`;
      url = fresh.toString();
      dropFreshDatabase = async () => {
        const client = new pg.Client({ connectionString: databaseUrl });
        await client.connect();
        await client.query(`drop database if exists ${name} with (force)`);
        await client.end();
      };
    }
    database = await openDatabase(loadConfig({ DATA_DIR: 'memory://', ...(url ? { DATABASE_URL: url } : {}) }));
    // What a Supabase project has before Tenantry's first migration: the two API roles, and
    // default privileges that grant them every new table, sequence and function in public.
    // Roles are cluster-wide on PostgreSQL: created once, left in place.
    for (const role of SUPABASE_ROLES) {
      await database.pool.query(`do $$ begin if not exists (select 1 from pg_roles where rolname = '${role}') then create role ${role} nologin; end if; end $$`);
      await database.pool.query(`alter default privileges in schema public grant all on tables to ${role}`);
      await database.pool.query(`alter default privileges in schema public grant all on sequences to ${role}`);
      await database.pool.query(`alter default privileges in schema public grant all on functions to ${role}`);
    }
    await migrate(database.pool, migrationSourcesFor(installedApps));
  });
  after(async () => {
    await database?.close();
    await dropFreshDatabase();
  });

  it('pins the search_path of every SECURITY DEFINER function, the apps\' included', async () => {
    const { rows } = await database.pool.query<{ name: string; config: string[] | null }>(
      `select p.oid::regprocedure::text as name, p.proconfig as config from pg_proc p join pg_namespace n on n.oid = p.pronamespace where n.nspname = 'public' and p.prosecdef`,
    );
    assert.ok(rows.some((r) => r.name.startsWith('genads_brand_name_taken')), 'the GenAds brand-name check is a definer function');
    for (const row of rows) assert.ok(row.config?.includes('search_path=pg_catalog, public, pg_temp'), `${row.name} has search_path ${JSON.stringify(row.config)}`);
  });

  it('leaves anon and authenticated no privilege on any table, sequence or function of the platform and the apps', async () => {
    const { rows } = await database.pool.query<{ role: string; object: string }>(
      `select r.rolname as role, c.relname as object
         from pg_class c join pg_namespace n on n.oid = c.relnamespace, pg_roles r
        where n.nspname = 'public' and c.relkind in ('r', 'p', 'v', 'S') and r.rolname = any($1)
          and (has_table_privilege(r.oid, c.oid, 'select, insert, update, delete, truncate, references, trigger')
               or (c.relkind = 'S' and has_sequence_privilege(r.oid, c.oid, 'usage, select, update')))
       union all
       select r.rolname, p.oid::regprocedure::text
         from pg_proc p join pg_namespace n on n.oid = p.pronamespace, pg_roles r
        where n.nspname = 'public' and r.rolname = any($1) and p.prosecdef and has_function_privilege(r.oid, p.oid, 'execute')`,
      [SUPABASE_ROLES],
    );
    const tables = await database.pool.query(`select count(*)::int as n from pg_tables where schemaname = 'public' and tablename like 'genads_%'`);
    assert.ok(tables.rows[0].n > 0, 'the apps\' tables exist');
    assert.deepEqual(rows, [], 'privileges left to Supabase\'s API roles');
  });
});

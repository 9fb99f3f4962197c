import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { loadConfig } from '../../src/platform/config/config.js';
import { openDatabase } from '../../src/platform/db/database.js';
import { assertConnectingRoleCanBypassRls } from '../../src/platform/db/check-role.js';

const databaseUrl = process.env.DATABASE_URL;

describe('connecting database role', () => {
  it('accepts the role the platform connects as (superuser on PGlite and in CI)', async () => {
    const database = await openDatabase(loadConfig({ DATA_DIR: 'memory://', ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}) }));
    try {
      await assertConnectingRoleCanBypassRls(database.pool);
    } finally {
      await database.close();
    }
  });

  it('refuses, with the fix in the message, a role that row-level security would blind', async (t) => {
    if (!databaseUrl) {
      // PGlite has one built-in superuser: no other login role can connect to try this with.
      t.skip('needs PostgreSQL (DATABASE_URL): PGlite has no other login role');
      return;
    }
    const admin = new pg.Client({ connectionString: databaseUrl });
    await admin.connect();
    await admin.query(`do $$ begin
      if not exists (select 1 from pg_roles where rolname = 'tenantry_test_plain') then create role tenantry_test_plain login nobypassrls; end if;
    end $$`);
    await admin.end();
    const url = new URL(databaseUrl);
    url.username = 'tenantry_test_plain';
    const pool = new pg.Pool({ connectionString: url.toString(), max: 1 });
    try {
      await assert.rejects(assertConnectingRoleCanBypassRls(pool), /"tenantry_test_plain" is neither superuser nor BYPASSRLS.*ALTER ROLE/);
    } finally {
      await pool.end();
    }
  });
});

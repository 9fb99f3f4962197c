import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { migrate } from '../../../src/platform/db/migrate.js';

const databaseUrl = process.env.DATABASE_URL;

/**
 * Several processes start at once (API nodes, workers) and all run the migrations. Each
 * migration must be applied exactly once, and the lock that makes them take turns must be
 * transaction-scoped: behind PgBouncer in transaction mode a session-level lock stays on a
 * pooled server connection after the client has gone, and blocks the next start.
 */
describe('migrations', { skip: !databaseUrl && 'needs DATABASE_URL (several connections at once)' }, () => {
  let dir: string;
  let module: string;
  const pools: pg.Pool[] = [];
  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'tenantry-migrate-'));
    module = `migrate_test_${randomBytes(4).toString('hex')}`;
    // A slow first migration, so the second starter arrives while the first holds the lock.
    await writeFile(path.join(dir, '001_slow.sql'), `select pg_sleep(0.5); create table ${module}_a (id int primary key);`);
    await writeFile(path.join(dir, '002_insert.sql'), `insert into ${module}_a values (1);`);
    for (let i = 0; i < 3; i++) pools.push(new pg.Pool({ connectionString: databaseUrl, max: 1 }));
  });
  after(async () => {
    const [first] = pools;
    await first?.query(`drop table if exists ${module}_a`);
    await first?.query('delete from tenantry_migrations where module = $1', [module]);
    await Promise.all(pools.map((p) => p.end()));
    await rm(dir, { recursive: true, force: true });
  });

  it('applies each migration once when three starters run them at the same moment', async () => {
    const results = await Promise.all(pools.map((pool) => migrate(pool, [{ module, directory: dir }])));
    const applied = results.flat().sort();
    assert.deepEqual(applied, [`${module}/001_slow.sql`, `${module}/002_insert.sql`], 'each applied by exactly one starter');
    const { rows } = await pools[0]!.query(`select count(*)::int as n from ${module}_a`);
    assert.equal(rows[0].n, 1, 'the insert ran once (a second run would fail on the primary key)');
  });

  it('holds no advisory lock once done, and a later start finds nothing to apply', async () => {
    // The migrations' lock key (migrate.ts LOCK_ID): other test files' own locks do not count.
    const { rows } = await pools[0]!.query(`select count(*)::int as n from pg_locks where locktype = 'advisory' and classid = 0 and objid = 724311001`);
    assert.equal(rows[0].n, 0);
    assert.deepEqual(await migrate(pools[1]!, [{ module, directory: dir }]), []);
  });
});

describe('pooler safety', () => {
  it('no platform or app code takes a session-level advisory lock (transaction-mode PgBouncer)', async () => {
    const offenders: string[] = [];
    const walk = async (folder: string): Promise<void> => {
      for (const entry of await readdir(folder, { withFileTypes: true })) {
        const full = path.join(folder, entry.name);
        if (entry.isDirectory()) await walk(full);
        else if (/\.(ts|sql)$/.test(entry.name) && /pg_advisory_(lock|unlock|lock_shared)\s*\(/.test(await readFile(full, 'utf8'))) offenders.push(full);
      }
    };
    await walk(path.resolve('src'));
    assert.deepEqual(offenders, [], 'use pg_advisory_xact_lock inside the transaction instead');
  });
});

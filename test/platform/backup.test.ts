// test-database: embedded only
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFile, mkdtemp, open, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { create, extract } from 'tar';
import { loadConfig, type Config } from '../../src/platform/config/config.js';
import { startPlatform } from '../../src/platform/runtime.js';
import { openDatabase, type Database } from '../../src/platform/db/database.js';
import { installedApps } from '../../src/apps/index.js';
import { restoreBackup, RestoreRefused } from '../../src/platform/backup/restore-backup.js';
import { runThroughServer } from '../../src/platform/local-admin/admin-client.js';
import { TestPlatform } from '../support/platform.js';
import { createPhoto } from '../apps/aura/photo-fixtures.js';
import { seedDataDir } from '../support/seeded-data-dir.js';

/**
 * `tenantry backup` / `tenantry restore` on the embedded install, in real processes: the
 * server runs in this process (holding DATA_DIR, answering on its admin channel) and the CLI
 * runs as the installed bin would. The archive is about PGlite, so this runs on PGlite
 * whatever DATABASE_URL says; on PostgreSQL the commands refuse and point to pg_dump.
 */
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const JWT_SECRET = 'backup-test-secret-0123456789-abcdefgh';

function cli(env: Record<string, string>, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const base = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', NODE_ENV: 'test', LOG_LEVEL: 'warn', JWT_SECRET };
    execFile(process.execPath, ['bin/tenantry.js', ...args], { cwd: ROOT, env: { ...base, ...env }, timeout: 240_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

function configFor(dataDir: string, extra: Record<string, string> = {}): Config {
  // WORKERS=off: no job or cron changes a row after the backup, so the comparison can be exact;
  // nor the request counter, whose flush (a timer of the API, not a job) would otherwise land
  // between the backup and the rows it is compared with when the machine is slow.
  return loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'error', DATA_DIR: dataDir, JWT_SECRET, WORKERS: 'off', REQUEST_COUNT_FLUSH_SECONDS: '3600', ...extra });
}

/** Every row of every table (all schemas: the platform's, the apps', pg-boss's), sorted, as text. */
async function allRows(database: Database): Promise<Map<string, string[]>> {
  const tables = await database.pool.query<{ s: string; t: string }>(
    `select table_schema as s, table_name as t from information_schema.tables
      where table_type = 'BASE TABLE' and table_schema not in ('pg_catalog', 'information_schema') order by 1, 2`,
  );
  const out = new Map<string, string[]>();
  for (const { s, t } of tables.rows) {
    const { rows } = await database.pool.query(`select * from "${s}"."${t}"`);
    out.set(`${s}.${t}`, rows.map((r) => JSON.stringify(r)).sort());
  }
  return out;
}

/** storage_key → SHA-256 of the bytes on disk, for every active catalog row (checked against the row's own sha256). */
async function objectHashes(database: Database, storageRoot: string): Promise<Map<string, string>> {
  const { rows } = await database.pool.query<{ storage_key: string; sha256: string }>(`select storage_key, sha256 from storage_objects where status = 'active'`);
  const out = new Map<string, string>();
  for (const r of rows) {
    const bytes = await readFile(path.join(storageRoot, ...r.storage_key.split('/')));
    const sha = createHash('sha256').update(bytes).digest('hex');
    assert.equal(sha, r.sha256, `the bytes of ${r.storage_key} match its catalog row`);
    out.set(r.storage_key, sha);
  }
  return out;
}

async function withDatabase<T>(dataDir: string, fn: (db: Database) => Promise<T>): Promise<T> {
  const database = await openDatabase(configFor(dataDir), { holder: 'test' });
  try {
    return await fn(database);
  } finally {
    await database.close();
  }
}

describe('tenantry backup and restore (embedded database)', { timeout: 900_000 }, () => {
  const dirs: string[] = [];
  const tempDir = async (label: string) => {
    const d = await mkdtemp(path.join(tmpdir(), `tenantry-${label}-`));
    dirs.push(d);
    return d;
  };
  after(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  it('round-trips every row and every object while the server runs, also under concurrent writes; refuses a damaged archive and a non-empty DATA_DIR', async () => {
    const dataDir = await tempDir('backup-src');
    const out = await tempDir('backup-out');
    const platform = new TestPlatform(await startPlatform({ config: configFor(dataDir), apps: installedApps, holder: 'serve', adminChannel: true }));
    let closed = false;
    try {
      await platform.server.ready();
      // Data from several apps: platform files, Aura (an event, photos and their variants), Social (posts).
      const owner = await platform.signup('backup');
      const other = await platform.signup('backup-other');
      const png = await sharp({ create: { width: 32, height: 32, channels: 3, background: '#c04020' } }).png().toBuffer();
      for (const [u, body, type] of [
        [owner, png, 'image/png'],
        [owner, Buffer.from('plain text kept in a backup'), 'text/plain'],
        [other, Buffer.from('the other org file'), 'text/plain'],
      ] as const) {
        const res = await platform.request('POST', '/api/v1/files', { token: u.token, raw: body, headers: { 'content-type': type } });
        assert.equal(res.statusCode, 201, res.body);
      }
      assert.equal((await platform.request('POST', '/aura/api/events', { token: owner.token, body: { name: 'Backup wedding', event_date: '2026-01-15' } })).statusCode, 201);
      for (let i = 0; i < 3; i++) await createPhoto(platform.platform.ctx, owner);
      assert.equal((await platform.request('POST', '/social/api/posts', { token: owner.token, body: { text: 'kept across a restore' } })).statusCode, 201);

      // 1. A quiet backup through the running server (the CLI is another process), keys included.
      const archive = path.join(out, 'quiet.tar.gz');
      const backup = await cli({ DATA_DIR: dataDir }, 'backup', archive, '--include-keys');
      assert.equal(backup.code, 0, backup.stderr);
      const archived = Number(/Backup written to .*quiet\.tar\.gz .* and (\d+) object\(s\)/.exec(backup.stdout)?.[1]);
      assert.equal((await stat(archive)).mode & 0o777, 0o600, 'the archive is readable by its owner only');
      const again = await cli({ DATA_DIR: dataDir }, 'backup', archive);
      assert.equal(again.code, 1);
      assert.match(again.stderr, /already exists: choose another file name/);
      // What the quiet backup must bring back, read through the server (WORKERS=off: nothing moves meanwhile).
      const before = await allRows(platform.platform.ctx.database);
      const beforeObjects = await objectHashes(platform.platform.ctx.database, path.join(dataDir, 'storage'));
      assert.equal(archived, beforeObjects.size, backup.stdout);
      assert.ok(beforeObjects.size >= 10, 'the files, the photos and their variants');

      // 2. Under writes: uploads and deletes run while a second backup is taken.
      let writing = true;
      let writes = 0;
      const writer = (async () => {
        while (writing) {
          const res = await platform.request('POST', '/api/v1/files', { token: other.token, raw: Buffer.from(`written during the backup ${writes}`), headers: { 'content-type': 'text/plain' } });
          assert.equal(res.statusCode, 201, res.body);
          const id = (res.json() as { id: string }).id;
          if (writes % 2 === 0) assert.equal((await platform.request('DELETE', `/api/v1/files/${id}/permanent`, { token: other.token })).statusCode, 204);
          writes++;
        }
      })();
      const busyArchive = path.join(out, 'busy.tar.gz');
      const busy = await cli({ DATA_DIR: dataDir }, 'backup', busyArchive);
      writing = false;
      await writer;
      assert.equal(busy.code, 0, busy.stderr);
      assert.ok(writes > 0, 'writes ran during the backup');

      // The channel streams a backup's progress to its client (what the CLI's bar draws).
      const phases: string[] = [];
      let last = { done: 0, total: -1 };
      const streamed = await runThroughServer(dataDir, process.pid, 'backup', { file: path.join(out, 'progress.tar.gz') }, { onProgress: (p) => {
        if (phases.at(-1) !== p.phase) phases.push(p.phase);
        last = p;
      } });
      assert.ok(streamed && streamed.result.objects > 0);
      assert.deepEqual(phases, ['snapshot', 'checking', 'archiving']);
      assert.equal(last.done, last.total, 'the bar ends full');

      await platform.close();
      closed = true;

      // 3. Restore the quiet backup into an empty DATA_DIR: every row and every object as they were.
      const restored = await tempDir('backup-restored');
      const restore = await cli({ DATA_DIR: restored }, 'restore', archive);
      assert.equal(restore.code, 0, restore.stderr);
      assert.match(restore.stdout, new RegExp(`Restored the backup of .* ${archived} object\\(s\\)`));
      const [afterRows, afterObjects] = await withDatabase(restored, async (db) => [await allRows(db), await objectHashes(db, path.join(restored, 'storage'))] as const);
      assert.deepEqual([...afterRows.keys()], [...before.keys()], 'the same tables');
      for (const [table, rows] of before) assert.deepEqual(afterRows.get(table), rows, `table ${table} restored exactly`);
      assert.ok([...before.values()].some((rows) => rows.length > 0));
      assert.deepEqual(afterObjects, beforeObjects, 'every object restored byte for byte');
      for (const name of ['jwt-secret', 'credentials-key']) {
        const source = await readFile(path.join(dataDir, name)).catch(() => undefined);
        if (source) assert.deepEqual(await readFile(path.join(restored, name)), source, `${name} restored`);
      }
      assert.equal((await stat(path.join(restored, 'credentials-key'))).mode & 0o777, 0o600);

      // 4. The busy backup: whatever it holds is consistent (every active row has its exact bytes).
      const busyRestored = await tempDir('backup-busy-restored');
      const busyRestore = await cli({ DATA_DIR: busyRestored }, 'restore', busyArchive);
      assert.equal(busyRestore.code, 0, busyRestore.stderr);
      assert.match(busyRestore.stderr, /No credentials key came with the backup/);
      await withDatabase(busyRestored, (db) => objectHashes(db, path.join(busyRestored, 'storage')));

      // 5. The restored directory starts, and serves what it had.
      const started = new TestPlatform(await startPlatform({ config: configFor(restored), apps: installedApps }));
      try {
        await started.server.ready();
        const login = await started.request('POST', '/api/v1/auth/login', { body: { email: owner.email, password: owner.password } });
        assert.equal(login.statusCode, 200, login.body);
        const token = (login.json() as { access_token: string }).access_token;
        const files = (await started.request('GET', '/api/v1/files', { token })).json() as { items: Array<{ id: string; content_type: string }> };
        const text = files.items.find((f) => f.content_type.startsWith('text/plain'));
        assert.ok(text);
        const content = await started.request('GET', `/api/v1/files/${text.id}/content`, { token });
        assert.equal(content.body, 'plain text kept in a backup');
      } finally {
        await started.close();
      }
    } finally {
      if (!closed) await platform.close();
    }
  });

  it('refuses a damaged or truncated archive and leaves the directory empty; refuses a non-empty DATA_DIR with words', async () => {
    const dataDir = await tempDir('backup-small');
    // Already migrated (the run's template): a first start on an empty DATA_DIR is the first test's.
    await seedDataDir(dataDir);
    const platform = new TestPlatform(await startPlatform({ config: configFor(dataDir), apps: installedApps, holder: 'backup-test' }));
    const owner = await platform.signup('backup-small');
    await platform.request('POST', '/api/v1/files', { token: owner.token, raw: Buffer.alloc(200_000, 7), headers: { 'content-type': 'application/octet-stream' } });
    await platform.close();
    const out = await tempDir('backup-small-out');
    const archive = path.join(out, 'small.tar.gz');
    // No server runs: the CLI opens the database itself.
    const backup = await cli({ DATA_DIR: dataDir }, 'backup', archive);
    assert.equal(backup.code, 0, backup.stderr);

    const { size } = await stat(archive);
    const flipped = path.join(out, 'flipped.tar.gz');
    await copyFile(archive, flipped);
    const fh = await open(flipped, 'r+');
    const at = Math.floor(size / 2);
    const byte = Buffer.alloc(1);
    await fh.read(byte, 0, 1, at);
    await fh.write(Buffer.from([byte[0] ^ 0xff]), 0, 1, at);
    await fh.close();
    const truncated = path.join(out, 'truncated.tar.gz');
    await copyFile(archive, truncated);
    const th = await open(truncated, 'r+');
    await th.truncate(Math.floor(size * 0.8));
    await th.close();
    // A valid archive with one file more than its manifest lists.
    const unpacked = await tempDir('backup-unpacked');
    await extract({ file: archive, cwd: unpacked });
    await writeFile(path.join(unpacked, 'storage', 'planted.txt'), 'not from the backup');
    const altered = path.join(out, 'altered.tar.gz');
    await create({ gzip: true, cwd: unpacked, file: altered }, await readdir(unpacked));
    const notTar = path.join(out, 'not-a-backup.tar.gz');
    await copyFile(fileURLToPath(new URL('../../package.json', import.meta.url)), notTar);

    for (const bad of [flipped, truncated, altered, notTar]) {
      const target = await tempDir('backup-refused');
      await assert.rejects(restoreBackup(configFor(target), bad), (err: unknown) => {
        assert.ok(err instanceof RestoreRefused, String(err));
        assert.match(err.message, /damaged|not a Tenantry backup|does not match its checksum|was altered/);
        assert.match(err.message, /Nothing was restored/);
        return true;
      });
      assert.deepEqual(await readdir(target), [], `nothing left behind after refusing ${path.basename(bad)}`);
    }

    const refused = await cli({ DATA_DIR: dataDir }, 'restore', archive);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /is not empty .*restore only goes into an empty DATA_DIR.*move this directory aside/);
    assert.match(refused.stderr, /pglite/);

    const missing = await cli({ DATA_DIR: await tempDir('backup-none') }, 'restore', path.join(out, 'nope.tar.gz'));
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /There is no backup file/);
  });

  it('with DATABASE_URL (PostgreSQL) both commands refuse and point to pg_dump / pg_restore', async () => {
    const env = { DATA_DIR: await tempDir('backup-pg'), DATABASE_URL: process.env.DATABASE_URL ?? 'postgres://nobody@127.0.0.1:1/none' };
    const backup = await cli(env, 'backup', path.join(env.DATA_DIR, 'x.tar.gz'));
    assert.equal(backup.code, 1);
    assert.match(backup.stderr, /with DATABASE_URL use pg_dump .*docs\/operations\.md/);
    const restore = await cli(env, 'restore', path.join(env.DATA_DIR, 'x.tar.gz'));
    assert.equal(restore.code, 1);
    assert.match(restore.stderr, /use pg_restore as docs\/operations\.md says/);
  });
});

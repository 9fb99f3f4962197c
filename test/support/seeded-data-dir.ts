import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { installedApps } from '../../src/apps/index.js';
import { migrationSourcesFor } from '../../src/platform/db/sources.js';
import { migratedTemplate } from './pglite-template.js';

/**
 * Gives an empty DATA_DIR an embedded database that is already migrated for every installed
 * app (what `tenantry serve` runs without APPS): the run's PGlite template
 * (pglite-template.ts) unpacked into `DATA_DIR/pglite`, where the server keeps its database
 * (db/database.ts). PGlite's dump holds the data directory's files relative to PGDATA, the
 * same layout as that folder on disk, so the server opens it as its own and its migrations
 * find everything applied.
 *
 * For tests and journeys that start `tenantry serve` (or a platform on disk) to prove something
 * other than a first start: an empty DATA_DIR costs each start about 8 CPU s of initdb and
 * migrations (2026-12-02: `tenantry migrate` on an empty DATA_DIR 15.8 CPU s, on a seeded one
 * 7.4). A first start on an empty directory stays proven by the tests that do not seed
 * (test/platform/backup.test.ts starts its source platform on an empty one).
 */
export async function seedDataDir(dataDir: string): Promise<void> {
  const template = await migratedTemplate(migrationSourcesFor(installedApps));
  const target = path.join(dataDir, 'pglite');
  await mkdir(target, { recursive: true });
  const tar = spawn('tar', ['-xzf', '-', '-C', target], { stdio: ['pipe', 'ignore', 'pipe'] });
  let stderr = '';
  tar.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  tar.stdin.end(Buffer.from(await template.arrayBuffer()));
  const [code] = (await once(tar, 'exit')) as [number | null];
  if (code !== 0) throw new Error(`could not unpack the PGlite template into ${target} (tar exited ${code}): ${stderr}`);
}

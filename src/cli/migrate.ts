import { loadConfig } from '../platform/config/config.js';
import { loadMigrations, migrate } from '../platform/db/migrate.js';
import { migrationSourcesFor } from '../platform/db/sources.js';
import { DataDirBusyError, describeHolder, liveLockHolder } from '../platform/db/data-dir-lock.js';
import { runThroughServer } from '../platform/local-admin/admin-client.js';
import { appManifests } from '../apps/manifests.js';
import { enabledApps } from '../platform/enabled-apps.js';

/**
 * `tenantry migrate`. While a server holds the embedded database it has applied every
 * migration it knows at start; this asks it which of the migrations on disk are still
 * missing (new code not yet restarted) instead of opening the database a second time.
 */
export async function migrateCommand() {
  const config = loadConfig();
  // The manifests carry the migrations: no app's code is needed to apply them.
  const sources = migrationSourcesFor(enabledApps(appManifests, config));
  const holder = !config.databaseUrl && !config.dataDir.startsWith('memory://') ? await liveLockHolder(config.dataDir) : undefined;
  if (holder) {
    const onDisk = (await loadMigrations(sources)).map((m) => `${m.module}/${m.name}`);
    const answer = await runThroughServer(config.dataDir, holder.pid, 'pending-migrations', { migrations: onDisk });
    if (!answer) throw new DataDirBusyError(holder, config.dataDir);
    const { pending } = answer.result;
    if (!pending.length) {
      console.log(`${describeHolder(holder)} applied the migrations when it started: the database is up to date.`);
      return;
    }
    console.error(`${describeHolder(holder)} runs older code: ${pending.length} migration(s) are not applied yet (${pending.join(', ')}). Restart it: the server applies migrations at start.`);
    process.exitCode = 1;
    return;
  }
  // Only this process opening the database needs its driver and query builder.
  const [{ openDatabase }, { ensureTenantLoginRole }] = await Promise.all([import('../platform/db/database.js'), import('../platform/db/tenant-login-role.js')]);
  const database = await openDatabase(config, { holder: 'migrate' });
  try {
    const applied = await migrate(database.pool, sources, (m) => console.log(m));
    if (config.databaseAppUrl) await ensureTenantLoginRole(database.pool, config.databaseAppUrl);
    console.log(applied.length ? `${applied.length} migration(s) applied` : 'database is up to date');
  } finally {
    await database.close();
  }
}

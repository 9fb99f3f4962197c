import { loadConfig } from '../platform/config/config.js';
import { openDatabase } from '../platform/db/database.js';
import { migrate } from '../platform/db/migrate.js';
import { migrationSourcesFor } from '../platform/db/sources.js';
import { installedApps } from '../apps/index.js';
import { enabledApps } from '../platform/enabled-apps.js';

export async function migrateCommand() {
  const config = loadConfig();
  const database = await openDatabase(config);
  try {
    const apps = enabledApps(installedApps, config);
    const applied = await migrate(database.pool, migrationSourcesFor(apps), (m) => console.log(m));
    console.log(applied.length ? `${applied.length} migration(s) applied` : 'database is up to date');
  } finally {
    await database.close();
  }
}

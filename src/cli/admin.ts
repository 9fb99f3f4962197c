import { Command } from 'commander';
import { loadConfig } from '../platform/config/config.js';
import { openDatabase } from '../platform/db/database.js';
import { migrate } from '../platform/db/migrate.js';
import { migrationSourcesFor } from '../platform/db/sources.js';
import { createSuperadmin } from '../platform/admin/superadmin.js';
import { installedApps } from '../apps/index.js';
import { enabledApps } from '../platform/enabled-apps.js';

/** `tenantry admin …`: operator commands that act on the database directly. */
export function adminCommand() {
  const admin = new Command('admin').description('platform administration');
  admin
    .command('create-superadmin')
    .description('create a superadmin user, or promote an existing user (and set the password)')
    .requiredOption('--email <email>', 'email address')
    .requiredOption('--password <password>', 'password (at least 8 characters)')
    .action(async (opts: { email: string; password: string }) => {
      const config = loadConfig();
      const database = await openDatabase(config);
      try {
        await migrate(database.pool, migrationSourcesFor(enabledApps(installedApps, config)));
        const result = await createSuperadmin(database.db, { email: opts.email, password: opts.password, storageLimitBytes: config.defaultStorageLimitBytes });
        console.log(`${result.created ? 'Created' : 'Promoted'} superadmin ${opts.email} (${result.id})`);
      } finally {
        await database.close();
      }
    });
  return admin;
}

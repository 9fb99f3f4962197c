#!/usr/bin/env node
import { Command } from 'commander';
import { ConfigError, loadConfig, type Config } from '../platform/config/config.js';
import { adminCommand } from './admin.js';
import { emailCommand } from './email.js';
import { storageCommand } from './storage.js';
import { backupCommands } from './backup.js';
import { appManifests, loadApps } from '../apps/manifests.js';
import { enabledApps } from '../platform/enabled-apps.js';

// A command imports what it runs when it runs (serve and worker: the platform and every app;
// backup, migrate, admin through a running server: no app): importing everything up front cost
// each `tenantry` process about two CPU seconds, most of the CLI tests' time.

const program = new Command()
  .name('tenantry')
  .description('Tenantry: one multi-tenant platform with its product apps (tenantry --help lists their commands)')
  .showHelpAfterError();

program.command('serve').description('apply migrations and serve the API (embedded PGlite unless DATABASE_URL is set)').action(async () => (await import('./serve.js')).serveCommand());
program.command('worker').description('run background job workers (queue maintenance and cron included) without serving HTTP').action(async () => (await import('./worker.js')).workerCommand());
program.command('migrate').description('apply pending database migrations and exit').action(async () => (await import('./migrate.js')).migrateCommand());
program.addCommand(adminCommand());
program.addCommand(emailCommand());
program.addCommand(storageCommand());
for (const command of backupCommands()) program.addCommand(command);

try {
  // Fail fast, naming the bad variable (APPS and every enabled app's settings included), before any command runs.
  const config = loadConfig();
  enabledApps(appManifests, config);
  // A built-in command named first is the one commander runs, whatever the apps add: the apps'
  // commands are only needed for the others (an app's command, help, a typo and its suggestion).
  if (!program.commands.some((c) => c.name() === process.argv[2])) await addAppCommands(config);
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof ConfigError) {
    console.error(err.message);
    console.error('See docs/configuration.md for every variable and its default.');
    process.exit(2);
  }
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
}

/** Every app's command, or for a disabled app a hidden one saying how to enable it. */
async function addAppCommands(config: Config): Promise<void> {
  const [installedApps, { startPlatform }] = await Promise.all([loadApps(), import('../platform/runtime.js')]);
  const apps = enabledApps(installedApps, config);
  for (const app of installedApps) {
    if (!app.cli) continue;
    if (apps.includes(app)) {
      const command = app.cli({ start: (options = {}) => startPlatform({ config, apps, workers: false, ...options }) });
      if (command.name() !== app.name) throw new Error(`The CLI of app ${app.name} must be a command named "${app.name}", not "${command.name()}"`);
      program.addCommand(command);
    } else {
      program
        .command(app.name, { hidden: true })
        .allowUnknownOption()
        .allowExcessArguments()
        .action(() => {
          throw new Error(`The ${app.name} app is not enabled (APPS=${config.apps?.join(',')}): add ${app.name} to APPS to use its commands.`);
        });
    }
  }
}

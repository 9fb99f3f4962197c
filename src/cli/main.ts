#!/usr/bin/env node
import { Command } from 'commander';
import { ConfigError, loadConfig } from '../platform/config/config.js';
import { serveCommand } from './serve.js';
import { migrateCommand } from './migrate.js';
import { workerCommand } from './worker.js';
import { adminCommand } from './admin.js';
import { emailCommand } from './email.js';
import { storageCommand } from './storage.js';
import { visantCommand } from '../apps/visant/cli.js';

const program = new Command()
  .name('tenantry')
  .description('Tenantry: one multi-tenant platform, five products')
  .showHelpAfterError();

program.command('serve').description('apply migrations and serve the API (embedded PGlite unless DATABASE_URL is set)').action(serveCommand);
program.command('worker').description('run background job workers (queue maintenance and cron included) without serving HTTP').action(workerCommand);
program.command('migrate').description('apply pending database migrations and exit').action(migrateCommand);
program.addCommand(adminCommand());
program.addCommand(emailCommand());
program.addCommand(storageCommand());
program.addCommand(visantCommand());

try {
  loadConfig(); // fail fast, naming the bad variable, before any command runs
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

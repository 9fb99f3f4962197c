import { fileURLToPath } from 'node:url';
import type { MigrationSource } from './migrate.js';
import type { TenantryApp } from '../apps.js';

export const platformMigrations: MigrationSource = {
  module: 'platform',
  directory: fileURLToPath(new URL('./migrations', import.meta.url)),
};

/** The platform's migrations first, then each enabled app's, in the order apps are listed. */
export function migrationSourcesFor(apps: readonly Pick<TenantryApp, 'migrations'>[]): MigrationSource[] {
  return [platformMigrations, ...apps.flatMap((a) => (a.migrations ? [a.migrations] : []))];
}

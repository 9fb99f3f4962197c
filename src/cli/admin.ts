import { Command } from 'commander';
import { sql } from 'kysely';
import { z } from 'zod';
import { loadConfig } from '../platform/config/config.js';
import { openDatabase } from '../platform/db/database.js';
import { migrate } from '../platform/db/migrate.js';
import { migrationSourcesFor } from '../platform/db/sources.js';
import { withSystem } from '../platform/db/tenant.js';
import { hashPassword } from '../platform/auth/secrets.js';
import { installedApps } from '../apps/index.js';

/** `tenantry admin …`: operator commands that act on the database directly. */
export function adminCommand() {
  const admin = new Command('admin').description('platform administration');
  admin
    .command('create-superadmin')
    .description('create a superadmin user, or promote an existing user (and set the password)')
    .requiredOption('--email <email>', 'email address')
    .requiredOption('--password <password>', 'password (at least 8 characters)')
    .action(async (opts: { email: string; password: string }) => {
      const email = z.email().safeParse(opts.email);
      if (!email.success) throw new Error(`--email: "${opts.email}" is not an email address`);
      if (opts.password.length < 8) throw new Error('--password: must be at least 8 characters');
      const config = loadConfig();
      const database = await openDatabase(config);
      try {
        await migrate(database.pool, migrationSourcesFor(installedApps));
        const passwordHash = await hashPassword(opts.password);
        const result = await withSystem(database.db, async (tx) => {
          const existing = await tx.selectFrom('users').select('id').where(sql`lower(email)`, '=', email.data.toLowerCase()).executeTakeFirst();
          if (existing) {
            await tx.updateTable('users').set({ is_superadmin: true, password_hash: passwordHash, updated_at: new Date() }).where('id', '=', existing.id).execute();
            return { id: existing.id, created: false };
          }
          const row = await tx
            .insertInto('users')
            .values({ email: email.data, password_hash: passwordHash, is_superadmin: true, email_verified_at: new Date() })
            .returning('id')
            .executeTakeFirstOrThrow();
          return { id: row.id, created: true };
        });
        console.log(`${result.created ? 'Created' : 'Promoted'} superadmin ${email.data} (${result.id})`);
      } finally {
        await database.close();
      }
    });
  return admin;
}

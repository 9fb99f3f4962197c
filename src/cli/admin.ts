import { Command } from 'commander';
import { operate } from './operate.js';

/** `tenantry admin …`: operator commands (through the running server on the embedded database). */
export function adminCommand() {
  const admin = new Command('admin').description('platform administration');
  admin
    .command('create-superadmin')
    .description('create a superadmin user, or promote an existing user (and set the password)')
    .requiredOption('--email <email>', 'email address')
    .requiredOption('--password <password>', 'password (at least 8 characters)')
    .action(async (opts: { email: string; password: string }) => {
      const result = await operate('create-superadmin', { email: opts.email, password: opts.password });
      console.log(`${result.created ? 'Created' : 'Promoted'} superadmin ${opts.email} (${result.id})`);
    });
  return admin;
}

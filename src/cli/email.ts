import { Command } from 'commander';
import { loadConfig } from '../platform/config/config.js';
import { openDatabase } from '../platform/db/database.js';

/** `tenantry email outbox`: read the messages the embedded mailer kept instead of sending. */
export function emailCommand() {
  const email = new Command('email').description('outgoing email');
  email
    .command('outbox')
    .description('print the most recent messages in the outbox')
    .option('--to <address>', 'only messages to this address')
    .option('--limit <n>', 'how many messages', '10')
    .action(async (opts: { to?: string; limit: string }) => {
      const database = await openDatabase(loadConfig());
      try {
        let q = database.db.selectFrom('email_outbox').selectAll().orderBy('created_at', 'desc').limit(Math.max(1, Math.min(200, Number(opts.limit) || 10)));
        if (opts.to) q = q.where('to_address', '=', opts.to);
        const rows = await q.execute();
        if (!rows.length) console.log('The outbox is empty.');
        for (const r of rows) {
          console.log(`--- ${r.created_at.toISOString()}  to: ${r.to_address}  [${r.status}]\nSubject: ${r.subject}\n\n${r.text_body}\n`);
        }
      } finally {
        await database.close();
      }
    });
  return email;
}

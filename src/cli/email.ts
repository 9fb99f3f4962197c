import { Command } from 'commander';
import { loadConfig } from '../platform/config/config.js';
import { openDatabase } from '../platform/db/database.js';
import { SmtpMailer } from '../platform/email/smtp-mailer.js';
import { SmtpTransport, redactSmtpUrl } from '../platform/email/smtp-transport.js';

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
          const error = r.error ? `\nError: ${r.error} (attempts: ${r.attempts})` : '';
          console.log(`--- ${r.created_at.toISOString()}  id: ${r.id}  to: ${r.to_address}  [${r.status}]${error}\nSubject: ${r.subject}\n\n${r.text_body}\n`);
        }
      } finally {
        await database.close();
      }
    });
  email
    .command('retry')
    .description('send again the messages whose delivery failed (needs SMTP_URL)')
    .option('--id <id...>', 'only these outbox message ids')
    .option('--limit <n>', 'at most this many messages', '100')
    .action(async (opts: { id?: string[]; limit: string }) => {
      const config = loadConfig();
      if (!config.smtpUrl) {
        console.error('SMTP_URL is not set, so there is no mail server to send to. Set SMTP_URL (e.g. smtp://user:pass@mail.example.com:587) and run this again.');
        process.exitCode = 2;
        return;
      }
      const database = await openDatabase(config);
      const mailer = new SmtpMailer(database.db, new SmtpTransport(config.smtpUrl), config.emailFrom);
      try {
        const result = await mailer.retryFailed({ ids: opts.id, limit: Math.max(1, Number(opts.limit) || 100) });
        for (const d of result.deliveries) console.log(`${d.id}  ${d.status}${d.error ? `  ${d.error}` : ''}`);
        console.log(`Retried ${result.attempted} message(s) through ${redactSmtpUrl(config.smtpUrl)}: ${result.sent} sent, ${result.failed} failed.`);
        if (result.failed) process.exitCode = 1;
      } finally {
        await mailer.close();
        await database.close();
      }
    });
  return email;
}

import { Command } from 'commander';
import { loadConfig } from '../platform/config/config.js';
import { operate } from './operate.js';

/**
 * `tenantry email outbox`: the messages kept in the outbox, their one-time links masked;
 * `--id <id> --reveal` shows one message in full. Without SMTP_URL the outbox is the only
 * delivery: revealing a message is how its link reaches the operator, once (its stored copy
 * is masked afterwards). `tenantry email retry` sends failed messages again through SMTP.
 */
export function emailCommand() {
  const email = new Command('email').description('outgoing email');
  email
    .command('outbox')
    .description('print the most recent messages in the outbox, links masked (--id <id> --reveal shows one in full)')
    .option('--to <address>', 'only messages to this address')
    .option('--id <id>', 'only this message')
    .option('--reveal', 'with --id: show the message with its links (an unsent embedded message counts as delivered then)')
    .option('--limit <n>', 'how many messages', '10')
    .action(async (opts: { to?: string; id?: string; reveal?: boolean; limit: string }) => {
      const limit = Math.max(1, Math.min(200, Number(opts.limit) || 10));
      const rows = await operate('email-outbox', { to: opts.to, id: opts.id, reveal: Boolean(opts.reveal), limit });
      if (!rows.length) console.log(opts.id ? `There is no message ${opts.id} in the outbox.` : 'The outbox is empty.');
      for (const r of rows) {
        const error = r.error ? `\nError: ${r.error} (attempts: ${r.attempts})` : '';
        console.log(`--- ${r.created_at}  id: ${r.id}  to: ${r.to}  [${r.status}]${error}\nSubject: ${r.subject}\n\n${r.text}\n`);
      }
      // Delivered messages have no links left to show; the others can be read in full on purpose.
      if (rows.some((r) => !r.revealed && r.status !== 'sent' && /\[hidden\]/.test(r.text))) {
        console.log('Links are masked. To read one message in full: tenantry email outbox --id <id> --reveal');
      }
    });
  email
    .command('retry')
    .description('send again the messages whose delivery failed (needs SMTP_URL)')
    .option('--id <id...>', 'only these outbox message ids')
    .option('--limit <n>', 'at most this many messages', '100')
    .action(async (opts: { id?: string[]; limit: string }) => {
      const result = await operate('email-retry', { ids: opts.id, limit: Math.max(1, Math.min(1000, Number(opts.limit) || 100)) });
      for (const d of result.deliveries) console.log(`${d.id}  ${d.status}${d.error ? `  ${d.error}` : ''}`);
      const smtpUrl = loadConfig().smtpUrl;
      // Imported here: the SMTP client is not needed to list the outbox or by any other command.
      const { redactSmtpUrl } = await import('../platform/email/smtp-transport.js');
      console.log(`Retried ${result.attempted} message(s)${smtpUrl ? ` through ${redactSmtpUrl(smtpUrl)}` : ''}: ${result.sent} sent, ${result.failed} failed.`);
      if (result.failed) process.exitCode = 1;
    });
  return email;
}

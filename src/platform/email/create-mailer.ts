import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Config } from '../config/config.js';
import type { PlatformTables } from '../db/schema.js';
import { OutboxMailer } from './mailer.js';
import { SmtpMailer } from './smtp-mailer.js';
import { SmtpTransport } from './smtp-transport.js';

/** SMTP when SMTP_URL is set; otherwise the embedded outbox, so the default needs no mail server. */
export function createMailer(config: Pick<Config, 'smtpUrl' | 'emailFrom'>, db: Kysely<PlatformTables>, log?: Logger): OutboxMailer | SmtpMailer {
  if (!config.smtpUrl) return new OutboxMailer(db);
  return new SmtpMailer(db, new SmtpTransport(config.smtpUrl), config.emailFrom, log);
}

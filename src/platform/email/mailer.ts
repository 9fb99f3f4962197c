import type { Kysely } from 'kysely';
import type { PlatformTables } from '../db/schema.js';

export interface EmailMessage {
  to: string;
  subject: string;
  text: string;
  html?: string;
}

/** Outgoing email. Every message is recorded in email_outbox; transports deliver it. */
export interface Mailer {
  send(message: EmailMessage): Promise<void>;
}

/**
 * Embedded default: keeps messages in the database outbox (status "stored"), readable
 * with `tenantry email outbox`. Nothing leaves the machine.
 */
export class OutboxMailer implements Mailer {
  constructor(private readonly db: Kysely<PlatformTables>) {}

  async send(message: EmailMessage): Promise<void> {
    await this.db
      .insertInto('email_outbox')
      .values({ to_address: message.to, subject: message.subject, text_body: message.text, html_body: message.html ?? null, status: 'stored' })
      .execute();
  }
}

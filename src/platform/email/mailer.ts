import type { Kysely } from 'kysely';
import type { PlatformTables } from '../db/schema.js';

export interface EmailMessage {
  to: string;
  subject: string;
  text: string;
  html?: string;
}

export type EmailStatus = 'stored' | 'queued' | 'sent' | 'failed';

/** What became of one message: its outbox row and, when delivery failed, why. */
export interface EmailDelivery {
  id: string;
  status: EmailStatus;
  error?: string;
}

/**
 * Outgoing email. Every message is recorded in email_outbox; transports deliver it.
 * Implementations return the delivery record; callers that only need "sent or kept"
 * may ignore it, which is why the interface promises no more than void.
 */
export interface Mailer {
  send(message: EmailMessage): Promise<void | EmailDelivery>;
}

/**
 * Embedded default: keeps messages in the database outbox (status "stored"), readable
 * with `tenantry email outbox`. Nothing leaves the machine.
 */
export class OutboxMailer implements Mailer {
  constructor(private readonly db: Kysely<PlatformTables>) {}

  async send(message: EmailMessage): Promise<EmailDelivery> {
    const row = await this.db
      .insertInto('email_outbox')
      .values({ to_address: message.to, subject: message.subject, text_body: message.text, html_body: message.html ?? null, status: 'stored' })
      .returning(['id'])
      .executeTakeFirstOrThrow();
    return { id: row.id, status: 'stored' };
  }

  /** Nothing to release: the outbox lives in the platform's database. */
  close(): void {}
}

import { sql, type Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { PlatformTables } from '../db/schema.js';
import type { EmailDelivery, EmailMessage, Mailer } from './mailer.js';
import type { EmailTransport } from './transport.js';
import { maskSecrets } from './mask-secrets.js';

/** A "queued" row older than this was being sent by a process that died: retry picks it up. */
const STALE_QUEUED_MS = 10 * 60_000;
const MAX_ERROR_LENGTH = 1000;

export interface RetryResult {
  attempted: number;
  sent: number;
  failed: number;
  /** Scheduled retry only: messages that failed their last allowed attempt (they stay failed). */
  exhausted: number;
  deliveries: EmailDelivery[];
}

/** Backoff of the scheduled retry (EMAIL_RETRY_MAX_ATTEMPTS, EMAIL_RETRY_BASE_SECONDS). */
export interface RetrySchedule {
  maxAttempts: number;
  baseSeconds: number;
}

/**
 * Mailer that delivers through a transport (SMTP when SMTP_URL is set) and records every
 * message in email_outbox first. The row is written as "queued" before the server is
 * contacted, so a refused message, an unreachable server or a crash mid-send never loses
 * it: it stays in the outbox ("failed" with the error, or a stale "queued") and
 * `retryFailed` (CLI: `tenantry email retry`) sends it again.
 *
 * Once delivered, the row keeps the message with its secrets masked (mask-secrets.ts); the
 * purge job deletes it after EMAIL_OUTBOX_RETENTION_DAYS.
 *
 * A failed delivery does not throw: the caller's action (an invite, a password reset) has
 * already happened and the message is safe in the outbox; the failure is logged and returned.
 */
export class SmtpMailer implements Mailer {
  constructor(
    private readonly db: Kysely<PlatformTables>,
    private readonly transport: EmailTransport,
    private readonly from: string,
    private readonly log?: Logger,
  ) {}

  async send(message: EmailMessage): Promise<EmailDelivery> {
    const row = await this.db
      .insertInto('email_outbox')
      .values({
        to_address: message.to,
        subject: message.subject,
        text_body: message.text,
        html_body: message.html ?? null,
        status: 'queued',
        attempts: 1,
        last_attempt_at: new Date(),
      })
      .returning(['id'])
      .executeTakeFirstOrThrow();
    return this.deliver(row.id, message);
  }

  /**
   * Send again the messages that failed (or were left "queued" by a process that died),
   * oldest first. Rows are claimed with SKIP LOCKED, so two retry runs never send the same
   * message twice. `ids` narrows the retry to chosen messages.
   */
  async retryFailed(options: { ids?: string[]; limit?: number; due?: RetrySchedule } = {}): Promise<RetryResult> {
    const limit = Math.max(1, Math.min(1000, options.limit ?? 100));
    const staleBefore = new Date(Date.now() - STALE_QUEUED_MS);
    const due = options.due;
    const claimed = await this.db.transaction().execute(async (tx) => {
      let candidates = tx
        .selectFrom('email_outbox')
        .select('id')
        .where((eb) =>
          eb.or([
            eb('status', '=', 'failed'),
            eb.and([eb('status', '=', 'queued'), eb(sql<Date>`coalesce(last_attempt_at, created_at)`, '<', staleBefore)]),
          ]),
        )
        // The scheduled retry: only messages with attempts left whose backoff has run out
        // (last attempt + base * 2^(attempts-1) seconds). The operator's `email retry` has no such limit.
        .$if(due !== undefined, (q) =>
          q
            .where('attempts', '<', due!.maxAttempts)
            .where(sql<boolean>`coalesce(last_attempt_at, created_at) + make_interval(secs => ${due!.baseSeconds}::double precision * power(2, greatest(attempts, 1) - 1)) <= now()`),
        )
        .orderBy('created_at')
        .orderBy('id')
        .limit(limit)
        .forUpdate()
        .skipLocked();
      if (options.ids) {
        if (!options.ids.length) return [];
        candidates = candidates.where('id', 'in', options.ids);
      }
      return tx
        .updateTable('email_outbox')
        .set({ status: 'queued', attempts: sql`attempts + 1`, last_attempt_at: new Date() })
        .where('id', 'in', candidates)
        .returning(['id', 'to_address', 'subject', 'text_body', 'html_body', 'created_at', 'attempts'])
        .execute();
    });
    claimed.sort((a, b) => a.created_at.getTime() - b.created_at.getTime());
    const deliveries: EmailDelivery[] = [];
    let exhausted = 0;
    for (const r of claimed) {
      const delivery = await this.deliver(r.id, { to: r.to_address, subject: r.subject, text: r.text_body, html: r.html_body ?? undefined });
      deliveries.push(delivery);
      if (due && delivery.status === 'failed' && r.attempts >= due.maxAttempts) {
        exhausted++;
        this.log?.error({ emailId: r.id, to: r.to_address, attempts: r.attempts }, 'email delivery failed on its last scheduled attempt; it stays failed in `tenantry email outbox` (send it with `tenantry email retry --id <id>`)');
      }
    }
    const sent = deliveries.filter((d) => d.status === 'sent').length;
    return { attempted: deliveries.length, sent, failed: deliveries.length - sent, exhausted, deliveries };
  }

  close() {
    return this.transport.close();
  }

  private async deliver(id: string, message: EmailMessage): Promise<EmailDelivery> {
    try {
      await this.transport.deliver({ from: this.from, ...message });
    } catch (err) {
      const error = describe(err);
      await this.db.updateTable('email_outbox').set({ status: 'failed', error }).where('id', '=', id).execute();
      this.log?.warn({ emailId: id, to: message.to, error }, 'email delivery failed; kept in the outbox for `tenantry email retry`');
      return { id, status: 'failed', error };
    }
    // Delivered: the stored copy no longer needs the one-time links it carried, and must not keep them.
    await this.db
      .updateTable('email_outbox')
      .set({ status: 'sent', error: null, sent_at: new Date(), text_body: maskSecrets(message.text), html_body: message.html === undefined ? null : maskSecrets(message.html) })
      .where('id', '=', id)
      .execute();
    return { id, status: 'sent' };
  }
}

function describe(err: unknown): string {
  const e = err as { message?: string; responseCode?: number; code?: string };
  const text = e?.message ?? String(err);
  const where = e?.responseCode ? ` (SMTP ${e.responseCode})` : e?.code ? ` (${e.code})` : '';
  return `${text}${where}`.slice(0, MAX_ERROR_LENGTH);
}

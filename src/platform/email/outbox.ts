import { sql, type Kysely } from 'kysely';
import type { PlatformTables } from '../db/schema.js';
import { maskSecrets } from './mask-secrets.js';

/**
 * What operators see of the email outbox (`tenantry email outbox`), and how long it keeps
 * messages. Reset, verification and invitation links are secrets: a delivered message keeps
 * only a masked body (smtp-mailer.ts), listings mask every body, and the full text of a
 * message still waiting in the embedded outbox is shown only for one message asked for by id.
 */
export interface OutboxEntry {
  id: string;
  created_at: string;
  to: string;
  subject: string;
  status: string;
  attempts: number;
  error: string | null;
  text: string;
  /** True when `text` is the message as written; false when its secrets are hidden. */
  revealed: boolean;
}

interface Row {
  id: string;
  created_at: Date;
  to_address: string;
  subject: string;
  text_body: string;
  status: string;
  attempts: number;
  error: string | null;
}

const COLUMNS = ['id', 'created_at', 'to_address', 'subject', 'text_body', 'status', 'attempts', 'error'] as const;

function entry(r: Row, revealed: boolean): OutboxEntry {
  return {
    id: r.id,
    created_at: r.created_at.toISOString(),
    to: r.to_address,
    subject: r.subject,
    status: r.status,
    attempts: r.attempts,
    error: r.error,
    text: revealed ? r.text_body : maskSecrets(r.text_body),
    revealed,
  };
}

/** The newest messages, secrets masked. */
export async function listOutbox(db: Kysely<PlatformTables>, options: { to?: string; id?: string; limit: number }): Promise<OutboxEntry[]> {
  let q = db.selectFrom('email_outbox').select(COLUMNS).orderBy('created_at', 'desc').orderBy('id', 'desc').limit(Math.max(1, Math.min(200, options.limit)));
  if (options.to) q = q.where('to_address', '=', options.to);
  if (options.id) {
    if (!isUuid(options.id)) return [];
    q = q.where('id', '=', options.id);
  }
  return (await q.execute()).map((r) => entry(r, false));
}

/**
 * One message in full, asked for on purpose. In the embedded outbox (no SMTP_URL) the
 * operator reading it IS the delivery: the message is marked sent and its stored copy loses
 * its secrets, so a link is revealed once. A delivered message has no secrets left to show;
 * one waiting for an SMTP retry is shown as is and still sent by `tenantry email retry`.
 * Undefined when there is no such message.
 */
export async function revealOutboxMessage(db: Kysely<PlatformTables>, id: string): Promise<OutboxEntry | undefined> {
  if (!isUuid(id)) return undefined;
  return db.transaction().execute(async (tx) => {
    const row = await tx.selectFrom('email_outbox').select([...COLUMNS, 'html_body']).where('id', '=', id).forUpdate().executeTakeFirst();
    if (!row) return undefined;
    if (row.status === 'stored') {
      await tx
        .updateTable('email_outbox')
        .set({ status: 'sent', sent_at: new Date(), text_body: maskSecrets(row.text_body), html_body: row.html_body === null ? null : maskSecrets(row.html_body) })
        .where('id', '=', id)
        .execute();
    }
    return entry(row, true);
  });
}

const PURGE_BATCH = 500;

/**
 * Delete delivered messages older than the retention (EMAIL_OUTBOX_RETENTION_DAYS), and
 * messages of the embedded outbox nobody read in that time (their links expired long before).
 * Failed and queued messages stay: they are still to be delivered. Bounded batches, each its
 * own statement, so a large backlog never holds one long transaction; safe to run twice.
 */
export async function purgeDeliveredEmail(db: Kysely<PlatformTables>, retentionDays: number, now = new Date()): Promise<{ deleted: number }> {
  const before = new Date(now.getTime() - retentionDays * 86_400_000);
  let deleted = 0;
  for (;;) {
    const batch = await db
      .deleteFrom('email_outbox')
      .where(
        'id',
        'in',
        db
          .selectFrom('email_outbox')
          .select('id')
          .where((eb) => eb.or([eb.and([eb('status', '=', 'sent'), eb(sql<Date>`coalesce(sent_at, created_at)`, '<', before)]), eb.and([eb('status', '=', 'stored'), eb('created_at', '<', before)])]))
          .limit(PURGE_BATCH),
      )
      .executeTakeFirst();
    const n = Number(batch.numDeletedRows);
    deleted += n;
    if (n < PURGE_BATCH) return { deleted };
  }
}

function isUuid(id: string) {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id);
}

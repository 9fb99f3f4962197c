import assert from 'node:assert/strict';
import type { Kysely } from 'kysely';
import type { PlatformTables } from '../../src/platform/db/schema.js';

/**
 * The embedded mailer keeps every message in email_outbox: tests read the one-time tokens
 * (password reset, email verification, invitations) from there, as a user would from their inbox.
 */
export async function lastEmailTo(db: Kysely<PlatformTables>, to: string, subject?: RegExp) {
  const rows = await db
    .selectFrom('email_outbox')
    .select(['to_address', 'subject', 'text_body', 'created_at'])
    .where('to_address', '=', to)
    .orderBy('created_at', 'desc')
    .execute();
  const match = rows.find((r) => !subject || subject.test(r.subject));
  assert.ok(match, `no email to ${to}${subject ? ` matching ${subject}` : ''} in the outbox`);
  return match;
}

/** The token with `prefix` (pr_, ev_, inv_) in the newest matching email to `to`. */
export async function tokenFromEmail(db: Kysely<PlatformTables>, to: string, prefix: 'pr_' | 'ev_' | 'inv_', subject?: RegExp): Promise<string> {
  const mail = await lastEmailTo(db, to, subject);
  const m = new RegExp(`\\b${prefix}[A-Za-z0-9_-]{43}\\b`).exec(mail.text_body);
  assert.ok(m, `email "${mail.subject}" to ${to} carries no ${prefix} token`);
  return m[0];
}

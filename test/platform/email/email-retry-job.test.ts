import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { startTestPlatform, uniqueEmail, type TestPlatform } from '../../support/platform.js';
import { retryDueEmail } from '../../../src/platform/email/retry-due.js';
import { listOutbox } from '../../../src/platform/email/outbox.js';
import { retryFailedEmailJob } from '../../../src/platform/jobs/platform-jobs.js';
import { SmtpMailer } from '../../../src/platform/email/smtp-mailer.js';
import { startLocalSmtp } from './local-smtp.js';

const BASE_SECONDS = 60;
const MAX_ATTEMPTS = 3;

describe('scheduled retry of failed email', () => {
  let t: TestPlatform;
  let smtp: Awaited<ReturnType<typeof startLocalSmtp>>;
  before(async () => {
    smtp = await startLocalSmtp({ rejectRecipients: true });
    t = await startTestPlatform({ env: { SMTP_URL: smtp.url, EMAIL_RETRY_MAX_ATTEMPTS: String(MAX_ATTEMPTS), EMAIL_RETRY_BASE_SECONDS: String(BASE_SECONDS) } });
  });
  after(async () => {
    await t.close();
    await smtp.close();
  });

  const row = (id: string) => t.db.selectFrom('email_outbox').select(['status', 'attempts', 'error', 'last_attempt_at']).where('id', '=', id).executeTakeFirstOrThrow();
  /** Move the last attempt back in time, as if that many seconds had passed since it. */
  const age = (id: string, seconds: number) =>
    t.db
      .updateTable('email_outbox')
      .set({ last_attempt_at: sql`now() - make_interval(secs => ${seconds})` })
      .where('id', '=', id)
      .execute();
  const ctx = () => t.platform.ctx;
  const mailer = () => {
    const m = ctx().mailer;
    assert.ok(m instanceof SmtpMailer, 'SMTP_URL is set, so the platform mails through SMTP');
    return m;
  };
  const receivedBy = (to: string) => smtp.received.filter((m) => m.to.includes(to));

  async function failedMessage(label: string) {
    const to = uniqueEmail(label);
    const delivery = await mailer().send({ to, subject: 'Your invitation', text: 'Join here: https://example.test/invite/abc' });
    assert.equal(delivery.status, 'failed');
    return { to, id: delivery.id };
  }

  it('waits out the backoff, doubled per attempt, then delivers once the server accepts', async () => {
    smtp.setRejecting(true);
    const { to, id } = await failedMessage('backoff');
    assert.equal((await row(id)).attempts, 1);

    // Just failed: not due before BASE_SECONDS have passed.
    await retryDueEmail(ctx());
    assert.equal((await row(id)).attempts, 1);

    // Past the first wait: tried again, still refused.
    await age(id, BASE_SECONDS + 1);
    await retryDueEmail(ctx());
    let r = await row(id);
    assert.equal(r.attempts, 2);
    assert.equal(r.status, 'failed');
    assert.match(r.error ?? '', /550|Mailbox unavailable/);

    // The second wait is twice the first: one base period is not enough.
    smtp.setRejecting(false);
    await age(id, BASE_SECONDS + 1);
    await retryDueEmail(ctx());
    assert.equal((await row(id)).attempts, 2);
    assert.equal(receivedBy(to).length, 0);

    await age(id, 2 * BASE_SECONDS + 1);
    const result = await retryDueEmail(ctx());
    assert.ok(result.sent >= 1);
    r = await row(id);
    assert.equal(r.status, 'sent');
    assert.equal(r.attempts, 3);
    assert.equal(r.error, null);
    assert.equal(receivedBy(to).length, 1);
    assert.match(receivedBy(to)[0].raw, /Subject: Your invitation/);
  });

  it('stops after EMAIL_RETRY_MAX_ATTEMPTS and leaves the message failed for an operator', async () => {
    smtp.setRejecting(true);
    const { to, id } = await failedMessage('bounded');
    let exhausted = 0;
    for (let attempt = 2; attempt <= MAX_ATTEMPTS; attempt++) {
      await age(id, 86_400);
      exhausted += (await retryDueEmail(ctx())).exhausted;
      assert.equal((await row(id)).attempts, attempt);
    }
    assert.ok(exhausted >= 1, 'the last allowed attempt is reported as exhausted');

    // No attempts left: however long it waits, the job leaves it alone, even with the server back.
    smtp.setRejecting(false);
    await age(id, 30 * 86_400);
    await retryDueEmail(ctx());
    const r = await row(id);
    assert.equal(r.attempts, MAX_ATTEMPTS);
    assert.equal(r.status, 'failed');
    assert.equal(receivedBy(to).length, 0);
    const [listed] = await listOutbox(t.db, { id, limit: 1 });
    assert.equal(listed.status, 'failed');
    assert.equal(listed.attempts, MAX_ATTEMPTS);
    assert.ok(listed.error);

    // The operator's `tenantry email retry --id` is not bounded by the schedule.
    const retried = await mailer().retryFailed({ ids: [id] });
    assert.equal(retried.sent, 1);
    assert.equal((await row(id)).status, 'sent');
  });

  it('runs as the scheduled system job through the queue', async () => {
    assert.equal(retryFailedEmailJob.scope, 'system');
    assert.ok(retryFailedEmailJob.schedule);
    smtp.setRejecting(true);
    const { to, id } = await failedMessage('queued-job');
    smtp.setRejecting(false);
    await age(id, BASE_SECONDS + 1);
    await ctx().jobs.enqueue(retryFailedEmailJob, {});
    // Wait for the worker to deliver it: poll the row (the event), bounded by the test timeout.
    while ((await row(id)).status !== 'sent') await new Promise((r) => setTimeout(r, 50));
    assert.equal(receivedBy(to).length, 1);
  });
});

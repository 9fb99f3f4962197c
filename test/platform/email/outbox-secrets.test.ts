import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestPlatform, uniqueEmail, type TestPlatform } from '../../support/platform.js';
import { tokenFromEmail } from '../../support/outbox.js';
import { maskSecrets } from '../../../src/platform/email/mask-secrets.js';
import { listOutbox, purgeDeliveredEmail, revealOutboxMessage } from '../../../src/platform/email/outbox.js';
import { SmtpMailer } from '../../../src/platform/email/smtp-mailer.js';
import { SmtpTransport } from '../../../src/platform/email/smtp-transport.js';
import { newSecret } from '../../../src/platform/auth/secrets.js';
import { platformJobs } from '../../../src/platform/jobs/platform-jobs.js';
import { loadConfig } from '../../../src/platform/config/config.js';
import { decodedBody, startLocalSmtp } from './local-smtp.js';

describe('one-time links in the email outbox', () => {
  let t: TestPlatform;
  before(async () => {
    t = await startTestPlatform();
  });
  after(() => t.close());

  const row = (id: string) => t.db.selectFrom('email_outbox').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

  it('masks platform tokens and token= link parameters, and nothing else', () => {
    const reset = newSecret('pr_');
    const invite = newSecret('inv_');
    const text = `Open https://x.test/reset-password?token=${reset}\nor send ${reset}.\nAccept: https://x.test/invite?a=1&token=${invite}\nOther: https://x.test/a?token=opaque-value&b=2\nGallery: https://x.test/s/abc, order pr_short`;
    const masked = maskSecrets(text);
    assert.ok(!masked.includes(reset) && !masked.includes(invite) && !masked.includes('opaque-value'), masked);
    assert.equal(
      masked,
      'Open https://x.test/reset-password?token=pr_[hidden]\nor send pr_[hidden].\nAccept: https://x.test/invite?a=1&token=inv_[hidden]\nOther: https://x.test/a?token=[hidden]&b=2\nGallery: https://x.test/s/abc, order pr_short',
    );
    assert.equal(maskSecrets(masked), masked, 'masking twice changes nothing');
  });

  it('an SMTP-delivered message keeps no usable link in its stored copy', async () => {
    const smtp = await startLocalSmtp();
    const mailer = new SmtpMailer(t.db, new SmtpTransport(smtp.url), 'Test <robot@tenantry.test>');
    try {
      const token = newSecret('pr_');
      const to = uniqueEmail('smtp-mask');
      const delivery = await mailer.send({ to, subject: 'Reset', text: `Open https://x.test/reset-password?token=${token}`, html: `<a href="https://x.test/reset-password?token=${token}">reset</a>` });
      assert.equal(delivery.status, 'sent');
      assert.match(decodedBody(smtp.received[0].raw), new RegExp(token), 'the recipient got the real link');
      const stored = await row(delivery.id);
      assert.equal(stored.status, 'sent');
      assert.equal(stored.text_body, 'Open https://x.test/reset-password?token=pr_[hidden]');
      assert.equal(stored.html_body, '<a href="https://x.test/reset-password?token=pr_[hidden]">reset</a>');
    } finally {
      await mailer.close();
      await smtp.close();
    }
  });

  it('a failed SMTP message keeps its body until a retry delivers it', async () => {
    const smtp = await startLocalSmtp({ rejectRecipients: true });
    const token = newSecret('ev_');
    const to = uniqueEmail('smtp-fail');
    const failing = new SmtpMailer(t.db, new SmtpTransport(smtp.url), 'Test <robot@tenantry.test>');
    const delivery = await failing.send({ to, subject: 'Verify', text: `verify ${token}` });
    await failing.close();
    await smtp.close();
    assert.equal(delivery.status, 'failed');
    assert.equal((await row(delivery.id)).text_body, `verify ${token}`, 'kept whole, to be sent again');

    const working = await startLocalSmtp();
    const retry = new SmtpMailer(t.db, new SmtpTransport(working.url), 'Test <robot@tenantry.test>');
    try {
      const result = await retry.retryFailed({ ids: [delivery.id] });
      assert.equal(result.sent, 1);
      assert.match(decodedBody(working.received[0].raw), new RegExp(token));
      assert.equal((await row(delivery.id)).text_body, 'verify ev_[hidden]');
    } finally {
      await retry.close();
      await working.close();
    }
  });

  it('the embedded outbox lists masked, reveals one message once, then keeps it masked', async () => {
    const u = await t.signup('reveal');
    const res = await t.request('POST', '/api/v1/auth/password-reset/request', { body: { email: u.email } });
    assert.ok(res.statusCode < 300, res.body);
    const token = await tokenFromEmail(t.db, u.email, 'pr_', /reset/i);

    const [listed] = await listOutbox(t.db, { to: u.email, limit: 10 });
    assert.equal(listed.status, 'stored');
    assert.equal(listed.revealed, false);
    assert.ok(!listed.text.includes(token), 'a listing never shows the token');
    assert.match(listed.text, /reset-password\?token=pr_\[hidden\]/);

    const revealed = await revealOutboxMessage(t.db, listed.id);
    assert.ok(revealed?.revealed);
    assert.ok(revealed.text.includes(token), 'revealed on purpose: the full link');
    const after = await row(listed.id);
    assert.equal(after.status, 'sent', 'revealing an embedded message delivers it');
    assert.ok(after.sent_at instanceof Date);
    assert.ok(!after.text_body.includes(token), 'its stored copy lost the token');
    const again = await revealOutboxMessage(t.db, listed.id);
    assert.ok(!again!.text.includes(token), 'a second reveal has nothing left to show');

    // The revealed link works: the operator passes it on and the user resets the password.
    const confirm = await t.request('POST', '/api/v1/auth/password-reset/confirm', { body: { token, password: 'a brand new password' } });
    assert.ok(confirm.statusCode < 300, confirm.body);

    assert.equal(await revealOutboxMessage(t.db, '00000000-0000-4000-8000-000000000000'), undefined);
    assert.equal(await revealOutboxMessage(t.db, 'not-a-uuid'), undefined);
    assert.deepEqual(await listOutbox(t.db, { id: 'not-a-uuid', limit: 10 }), []);
  });

  it('purges delivered and never-read messages after the retention, keeps the undelivered', async () => {
    const to = uniqueEmail('purge');
    const daysAgo = (d: number) => new Date(Date.now() - d * 86_400_000);
    const insert = (subject: string, status: 'sent' | 'stored' | 'failed' | 'queued', created: Date, sent: Date | null) =>
      t.db.insertInto('email_outbox').values({ to_address: to, subject, text_body: 'x', status, created_at: created, sent_at: sent }).execute();
    await insert('old sent', 'sent', daysAgo(40), daysAgo(39));
    await insert('sent recently, written long ago', 'sent', daysAgo(40), daysAgo(2));
    await insert('recent sent', 'sent', daysAgo(1), daysAgo(1));
    await insert('old stored', 'stored', daysAgo(40), null);
    await insert('recent stored', 'stored', daysAgo(1), null);
    await insert('old failed', 'failed', daysAgo(40), null);
    await insert('old queued', 'queued', daysAgo(40), null);

    const result = await purgeDeliveredEmail(t.db, 30);
    assert.ok(result.deleted >= 2);
    const left = (await t.db.selectFrom('email_outbox').select('subject').where('to_address', '=', to).execute()).map((r) => r.subject).sort();
    assert.deepEqual(left, ['old failed', 'old queued', 'recent sent', 'recent stored', 'sent recently, written long ago']);
    await purgeDeliveredEmail(t.db, 30);
    assert.equal((await t.db.selectFrom('email_outbox').select('id').where('to_address', '=', to).execute()).length, 5, 'running it again changes nothing');
  });

  it('runs the purge daily and bounds EMAIL_OUTBOX_RETENTION_DAYS', () => {
    const job = platformJobs.find((j) => j.name === 'email.purge-outbox');
    assert.ok(job?.schedule, 'a scheduled platform job');
    assert.equal(loadConfig({}).emailOutboxRetentionDays, 7);
    assert.equal(loadConfig({ EMAIL_OUTBOX_RETENTION_DAYS: '0' }).emailOutboxRetentionDays, 0);
    assert.throws(() => loadConfig({ EMAIL_OUTBOX_RETENTION_DAYS: '366' }), /EMAIL_OUTBOX_RETENTION_DAYS/);
    assert.throws(() => loadConfig({ EMAIL_OUTBOX_RETENTION_DAYS: '-1' }), /EMAIL_OUTBOX_RETENTION_DAYS/);
  });
});

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { startTestPlatform, uniqueEmail, type TestPlatform } from '../../support/platform.js';
import { SmtpMailer } from '../../../src/platform/email/smtp-mailer.js';
import { SmtpTransport, redactSmtpUrl } from '../../../src/platform/email/smtp-transport.js';
import { OutboxMailer } from '../../../src/platform/email/mailer.js';
import { createMailer } from '../../../src/platform/email/create-mailer.js';
import { startLocalSmtp } from './local-smtp.js';

const FROM = 'Tenantry Test <robot@tenantry.test>';

/** A port nothing listens on: bind one, note it, close it. */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

describe('SMTP mailer', () => {
  let t: TestPlatform;
  before(async () => {
    t = await startTestPlatform();
  });
  after(() => t.close());

  const outboxRow = (id: string) => t.db.selectFrom('email_outbox').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

  it('delivers to the SMTP server with auth, and records the message as sent', async () => {
    const smtp = await startLocalSmtp();
    const mailer = new SmtpMailer(t.db, new SmtpTransport(smtp.url), FROM);
    try {
      const to = uniqueEmail('smtp');
      const delivery = await mailer.send({ to, subject: 'Your gallery is ready', text: 'Open it here: https://example.test/s/abc' });
      assert.equal(delivery.status, 'sent');
      assert.equal(smtp.received.length, 1);
      const mail = smtp.received[0];
      assert.deepEqual(mail.to, [to]);
      assert.equal(mail.from, 'robot@tenantry.test');
      assert.equal(mail.user, 'mailer');
      assert.match(mail.raw, /^Subject: Your gallery is ready\r?$/m);
      assert.match(mail.raw, new RegExp(`^To: ${to.replace(/[.]/g, '\\.')}\\r?$`, 'm'));
      assert.match(mail.raw, /Open it here: https:\/\/example\.test\/s\/abc/);
      const row = await outboxRow(delivery.id);
      assert.equal(row.status, 'sent');
      assert.equal(row.attempts, 1);
      assert.equal(row.error, null);
      assert.ok(row.sent_at instanceof Date);
    } finally {
      await mailer.close();
      await smtp.close();
    }
  });

  it('sends the HTML part too when given', async () => {
    const smtp = await startLocalSmtp();
    const mailer = new SmtpMailer(t.db, new SmtpTransport(smtp.url), FROM);
    try {
      await mailer.send({ to: uniqueEmail('html'), subject: 'Both parts', text: 'plain body', html: '<p>html body</p>' });
      assert.match(smtp.received[0].raw, /multipart\/alternative/);
      assert.match(smtp.received[0].raw, /<p>html body<\/p>/);
    } finally {
      await mailer.close();
      await smtp.close();
    }
  });

  it('keeps a refused message in the outbox as failed with the reason, then retries it', async () => {
    const refusing = await startLocalSmtp({ rejectRecipients: true });
    const failing = new SmtpMailer(t.db, new SmtpTransport(refusing.url), FROM);
    const to = uniqueEmail('refused');
    let id: string;
    try {
      const delivery = await failing.send({ to, subject: 'Will bounce', text: 'first try' });
      assert.equal(delivery.status, 'failed');
      assert.match(delivery.error ?? '', /550|Mailbox unavailable/);
      assert.equal(refusing.received.length, 0);
      id = delivery.id;
      const row = await outboxRow(id);
      assert.equal(row.status, 'failed');
      assert.match(row.error ?? '', /Mailbox unavailable/);
      assert.equal(row.text_body, 'first try', 'the message itself is kept');
    } finally {
      await failing.close();
      await refusing.close();
    }

    const accepting = await startLocalSmtp();
    const mailer = new SmtpMailer(t.db, new SmtpTransport(accepting.url), FROM);
    try {
      const result = await mailer.retryFailed({ ids: [id] });
      assert.equal(result.attempted, 1);
      assert.equal(result.sent, 1);
      assert.deepEqual(accepting.received.map((m) => m.to), [[to]]);
      assert.match(accepting.received[0].raw, /first try/);
      const row = await outboxRow(id);
      assert.equal(row.status, 'sent');
      assert.equal(row.attempts, 2);
      assert.equal(row.error, null);
      // A sent message is not sent again.
      const again = await mailer.retryFailed({ ids: [id] });
      assert.equal(again.attempted, 0);
      assert.equal(accepting.received.length, 1);
    } finally {
      await mailer.close();
      await accepting.close();
    }
  });

  it('keeps the message when the server is unreachable or refuses the login', async () => {
    const port = await closedPort();
    const unreachable = new SmtpMailer(t.db, new SmtpTransport(`smtp://127.0.0.1:${port}`, { connectMs: 2000 }), FROM);
    const d1 = await unreachable.send({ to: uniqueEmail('down'), subject: 'Nobody home', text: 'x' });
    await unreachable.close();
    assert.equal(d1.status, 'failed');
    assert.match(d1.error ?? '', /ECONNREFUSED|connect/i);
    assert.equal((await outboxRow(d1.id)).status, 'failed');

    const smtp = await startLocalSmtp();
    const badLogin = new SmtpMailer(t.db, new SmtpTransport(`smtp://mailer:wrong@127.0.0.1:${smtp.port}`), FROM);
    try {
      const d2 = await badLogin.send({ to: uniqueEmail('auth'), subject: 'Bad login', text: 'x' });
      assert.equal(d2.status, 'failed');
      assert.match(d2.error ?? '', /Invalid username or password|535|auth/i);
      assert.equal(smtp.received.length, 0);
    } finally {
      await badLogin.close();
      await smtp.close();
    }
  });

  it('retry with an empty id list touches nothing; concurrent retries never send a message twice', async () => {
    const refusing = await startLocalSmtp({ rejectRecipients: true });
    const failing = new SmtpMailer(t.db, new SmtpTransport(refusing.url), FROM);
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) ids.push((await failing.send({ to: uniqueEmail(`race${i}`), subject: `race ${i}`, text: 'x' })).id);
    await failing.close();
    await refusing.close();

    const smtp = await startLocalSmtp();
    const a = new SmtpMailer(t.db, new SmtpTransport(smtp.url), FROM);
    const b = new SmtpMailer(t.db, new SmtpTransport(smtp.url), FROM);
    try {
      assert.equal((await a.retryFailed({ ids: [] })).attempted, 0);
      const [ra, rb] = await Promise.all([a.retryFailed({ ids }), b.retryFailed({ ids })]);
      assert.equal(ra.attempted + rb.attempted, 4);
      assert.equal(smtp.received.length, 4);
      assert.equal(new Set(smtp.received.map((m) => m.to[0])).size, 4);
    } finally {
      await a.close();
      await b.close();
      await smtp.close();
    }
  });

  it('chooses SMTP only when SMTP_URL is set, and never logs the password', () => {
    assert.ok(createMailer({ smtpUrl: undefined, emailFrom: FROM }, t.db) instanceof OutboxMailer);
    const smtp = createMailer({ smtpUrl: 'smtp://u:p@127.0.0.1:2525', emailFrom: FROM }, t.db);
    assert.ok(smtp instanceof SmtpMailer);
    smtp.close();
    assert.equal(redactSmtpUrl('smtp://user:hunter2@mail.example.com:587'), 'smtp://user:***@mail.example.com:587');
  });
});

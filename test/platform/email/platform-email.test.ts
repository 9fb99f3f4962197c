import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestPlatform, type TestPlatform } from '../../support/platform.js';
import { loadConfig } from '../../../src/platform/config/config.js';
import { decodedBody, startLocalSmtp } from './local-smtp.js';

describe('platform email delivery (SMTP_URL set)', () => {
  let t: TestPlatform;
  let smtp: Awaited<ReturnType<typeof startLocalSmtp>>;
  before(async () => {
    smtp = await startLocalSmtp();
    t = await startTestPlatform({ env: { SMTP_URL: smtp.url, EMAIL_FROM: 'Acme <hello@acme.test>' } });
  });
  after(async () => {
    await t.close();
    await smtp.close();
  });

  it('sends the password reset mail through SMTP and records it as sent', async () => {
    const u = await t.signup('reset');
    const res = await t.request('POST', '/api/v1/auth/password-reset/request', { body: { email: u.email } });
    assert.ok(res.statusCode < 300, res.body);
    const mail = smtp.received.find((m) => m.to.includes(u.email) && /^Subject: Reset your password\r?$/m.test(m.raw));
    assert.ok(mail, 'the SMTP server received the reset mail');
    assert.equal(mail.from, 'hello@acme.test');
    assert.match(decodedBody(mail.raw), /\/reset-password\?token=[A-Za-z0-9_-]{20,}/);
    const row = await t.db.selectFrom('email_outbox').selectAll().where('to_address', '=', u.email).where('subject', '=', 'Reset your password').executeTakeFirstOrThrow();
    assert.equal(row.status, 'sent');
  });

  it('rejects a malformed SMTP_URL at start, naming the variable', () => {
    assert.throws(() => loadConfig({ SMTP_URL: 'mail.example.com:25' }), /SMTP_URL: must be an smtp:\/\/ or smtps:\/\/ URL/);
  });
});

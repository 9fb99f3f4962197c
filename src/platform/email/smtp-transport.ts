import nodemailer from 'nodemailer';
import type { EmailEnvelope, EmailTransport } from './transport.js';

/**
 * SMTP delivery through nodemailer, configured by one URL (SMTP_URL):
 * smtp://user:pass@host:587 (STARTTLS when the server offers it) or smtps://…:465.
 * Timeouts are short because a send happens while an API request waits for it; a slow
 * server leaves the message in the outbox as failed, to be retried, instead of hanging.
 */
export class SmtpTransport implements EmailTransport {
  private readonly transporter: ReturnType<typeof nodemailer.createTransport>;

  constructor(url: string, timeouts: { connectMs?: number; socketMs?: number } = {}) {
    this.transporter = nodemailer.createTransport({
      url,
      connectionTimeout: timeouts.connectMs ?? 10_000,
      greetingTimeout: timeouts.connectMs ?? 10_000,
      socketTimeout: timeouts.socketMs ?? 30_000,
    });
  }

  async deliver(message: EmailEnvelope): Promise<void> {
    const info = await this.transporter.sendMail({
      from: message.from,
      to: message.to,
      subject: message.subject,
      text: message.text,
      ...(message.html ? { html: message.html } : {}),
    });
    // A server may accept the transaction yet refuse the only recipient; that is a failure too.
    if (info.rejected?.length && !info.accepted?.length) {
      throw new Error(`The SMTP server refused the recipient ${message.to}: ${info.response ?? 'no reason given'}`);
    }
  }

  close() {
    this.transporter.close();
  }
}

/** Show an SMTP URL in logs without its password. */
export function redactSmtpUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'smtp://(unparseable URL)';
  }
}

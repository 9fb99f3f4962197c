import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';

/** The raw message with quoted-printable soft breaks and escapes undone, for matching body text. */
export function decodedBody(raw: string): string {
  return raw.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

export interface ReceivedMail {
  from: string;
  to: string[];
  raw: string;
  user?: string;
}

/**
 * A real SMTP server on 127.0.0.1 for tests (the smtp-server package): requires AUTH
 * (plain text over the loopback, so no TLS certificate is needed), keeps what it receives,
 * and can be told to refuse recipients the way a real server does (550).
 */
export async function startLocalSmtp(options: { user?: string; pass?: string; rejectRecipients?: boolean } = {}) {
  const user = options.user ?? 'mailer';
  const pass = options.pass ?? 's3cret-pass';
  const received: ReceivedMail[] = [];
  let rejecting = Boolean(options.rejectRecipients);
  const serverOptions: SMTPServerOptions = {
    secure: false,
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    authOptional: false,
    logger: false,
    onAuth(auth, _session, callback) {
      if (auth.username === user && auth.password === pass) return callback(null, { user: auth.username });
      return callback(new Error('Invalid username or password'));
    },
    onRcptTo(address, _session, callback) {
      if (rejecting) {
        const err = new Error(`Mailbox unavailable: ${address.address}`) as Error & { responseCode: number };
        err.responseCode = 550;
        return callback(err);
      }
      return callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
          user: session.user as string | undefined,
        });
        callback();
      });
    },
  };
  const server = new SMTPServer(serverOptions);
  server.listen(0, '127.0.0.1');
  await once(server.server, 'listening');
  const port = (server.server.address() as AddressInfo).port;
  return {
    port,
    url: `smtp://${user}:${pass}@127.0.0.1:${port}`,
    received,
    /** Refuse recipients (550) from now on, or accept them again. */
    setRejecting: (value: boolean) => {
      rejecting = value;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

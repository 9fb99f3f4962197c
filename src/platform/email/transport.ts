/**
 * The wire between the outbox and a mail server. SmtpTransport is the real one; tests and
 * future providers (an HTTP mail API) implement the same one method.
 */
export interface EmailEnvelope {
  from: string;
  to: string;
  subject: string;
  text: string;
  html?: string;
}

export interface EmailTransport {
  /** Hand the message to the server; throws with the server's reason when it is refused. */
  deliver(message: EmailEnvelope): Promise<void>;
  close(): Promise<void> | void;
}

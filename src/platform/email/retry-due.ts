import type { PlatformContext } from '../context.js';
import { SmtpMailer } from './smtp-mailer.js';

/** Messages one scheduled run sends at most; the rest wait for the next run, five minutes on. */
const BATCH = 200;

export interface DueRetryResult {
  attempted: number;
  sent: number;
  failed: number;
  /** Messages that failed their last allowed attempt: they stay failed for an operator. */
  exhausted: number;
}

/**
 * The scheduled retry of failed email (job email.retry-failed): each message whose backoff has
 * run out (EMAIL_RETRY_BASE_SECONDS doubled per attempt) is sent again, until it has been tried
 * EMAIL_RETRY_MAX_ATTEMPTS times. Without SMTP_URL there is no server to retry against: the
 * embedded outbox is itself the delivery, so there is nothing to do.
 */
export async function retryDueEmail(ctx: Pick<PlatformContext, 'mailer' | 'config'>): Promise<DueRetryResult> {
  if (!(ctx.mailer instanceof SmtpMailer)) return { attempted: 0, sent: 0, failed: 0, exhausted: 0 };
  const { attempted, sent, failed, exhausted } = await ctx.mailer.retryFailed({
    limit: BATCH,
    due: { maxAttempts: ctx.config.emailRetryMaxAttempts, baseSeconds: ctx.config.emailRetryBaseSeconds },
  });
  return { attempted, sent, failed, exhausted };
}

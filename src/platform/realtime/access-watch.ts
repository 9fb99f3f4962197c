import type { FastifyBaseLogger } from 'fastify';
import type { Authenticator } from '../auth/authenticate.js';
import type { Principal } from '../auth/principal.js';
import { type AppError, unauthorized } from '../errors.js';

/** setTimeout's limit (about 24.8 days); a later expiry is caught by the periodic re-check. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * A stream is authorised when it opens, but lives for hours: re-check its principal every
 * `recheckSeconds` (removed member, disabled account, revoked key, suspended org) and at the
 * credential's expiry, and call `onLost` once with the error the caller would get now.
 * Returns the function that stops watching.
 */
export function watchAccess(options: {
  principal: Principal;
  authenticator: Authenticator;
  recheckSeconds: number;
  log: FastifyBaseLogger;
  onLost: (reason: AppError) => void;
}): () => void {
  const { principal, authenticator, log } = options;
  let stopped = false;
  const lose = (reason: AppError) => {
    if (stopped) return;
    stop();
    options.onLost(reason);
  };
  let checking = false;
  const recheck = setInterval(async () => {
    if (checking || stopped) return;
    checking = true;
    try {
      const loss = await authenticator.accessLoss(principal);
      if (loss) lose(loss);
    } catch (err) {
      // A database hiccup is not a revocation: keep the stream and try again next time.
      log.warn({ err }, 'realtime access re-check failed');
    } finally {
      checking = false;
    }
  }, options.recheckSeconds * 1000);
  recheck.unref();
  const untilExpiry = principal.expiresAt === undefined ? undefined : principal.expiresAt - Date.now();
  const expiry = untilExpiry !== undefined && untilExpiry < MAX_TIMER_MS
    ? setTimeout(() => lose(unauthorized('Your session expired: refresh your access token, then reconnect', 'TOKEN_EXPIRED')), Math.max(0, untilExpiry))
    : undefined;
  expiry?.unref();
  function stop() {
    stopped = true;
    clearInterval(recheck);
    if (expiry) clearTimeout(expiry);
  }
  return stop;
}

/** WebSocket close codes for a lost access (4000-4999 are the application's): 4001 like 401, 4003 like 403. */
export function closeCodeFor(reason: AppError): number {
  return reason.status === 403 ? 4003 : 4001;
}

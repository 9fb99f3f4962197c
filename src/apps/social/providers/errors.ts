import { AppError } from '../../../platform/errors.js';
import type { Network } from './provider.js';

/**
 * The four ways a network call fails, each with what the caller should do:
 * - rate_limited: wait `retryAfterSeconds` (from the network's headers) and try again;
 * - auth_revoked: the token is invalid, expired or revoked: the account needs a reconnect;
 * - invalid_request: the network refused the content or request: trying again gives the same answer;
 * - unavailable: 5xx, timeouts, lost connections: try again later.
 * It is an AppError so that a route that reaches a network (the OAuth callback) answers with the
 * envelope, and `retryable` tells the job runner whether to spend another attempt.
 */
export type ProviderErrorKind = 'rate_limited' | 'auth_revoked' | 'invalid_request' | 'unavailable';

const HTTP: Record<ProviderErrorKind, { status: number; code: string }> = {
  rate_limited: { status: 503, code: 'SOCIAL_RATE_LIMITED' },
  auth_revoked: { status: 409, code: 'SOCIAL_RECONNECT_NEEDED' },
  invalid_request: { status: 422, code: 'SOCIAL_REQUEST_REFUSED' },
  unavailable: { status: 502, code: 'SOCIAL_UNAVAILABLE' },
};

export class ProviderError extends AppError {
  constructor(
    public readonly network: Network,
    public readonly kind: ProviderErrorKind,
    message: string,
    extra: { retryAfterSeconds?: number; networkStatus?: number; networkMessage?: string; cause?: unknown } = {},
  ) {
    const { status, code } = HTTP[kind];
    const headers = extra.retryAfterSeconds === undefined ? undefined : { 'retry-after': String(extra.retryAfterSeconds) };
    super(status, code, message, { network, kind, retryAfterSeconds: extra.retryAfterSeconds, networkStatus: extra.networkStatus }, headers, {
      retryable: kind === 'rate_limited' || kind === 'unavailable',
      cause: extra.cause,
    });
    this.name = 'ProviderError';
    this.retryAfterSeconds = extra.retryAfterSeconds;
    this.networkStatus = extra.networkStatus;
    this.networkMessage = extra.networkMessage;
  }
  readonly retryAfterSeconds?: number;
  readonly networkStatus?: number;
  readonly networkMessage?: string;
}

export function isProviderError(err: unknown, kind?: ProviderErrorKind): err is ProviderError {
  return err instanceof ProviderError && (kind === undefined || err.kind === kind);
}

/**
 * Errors the application raises on purpose, wherever it runs: a route, a service, a job, the
 * database layer. The HTTP error handler turns them into the envelope
 * {success:false, error, code, details?, requestId}; anything else becomes a logged 500 with a
 * generic message. Raise them through the factories below, each with a code a client can
 * switch on and a message that says what to do next.
 */
export class AppError extends Error {
  /**
   * Whether running the same work again could succeed. A job whose error is not retryable
   * fails at once instead of spending its remaining attempts: the input is wrong, and trying
   * again gives the same answer. Client errors (4xx) are not retryable unless said otherwise.
   */
  readonly retryable: boolean;

  constructor(
    public readonly status: number,
    public readonly code: string,
    message: string,
    public readonly details?: unknown,
    public readonly headers?: Record<string, string>,
    options: { retryable?: boolean; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.retryable = options.retryable ?? status >= 500;
  }
}

/**
 * Whether a job that failed with `err` should be tried again. Errors say so themselves with a
 * `retryable` property (AppError and the apps' own errors); an error that does not say is a
 * crash, a timeout or a lost connection, which a retry may well cure.
 */
export function isRetryable(err: unknown): boolean {
  const flag = (err as { retryable?: unknown } | null)?.retryable;
  return typeof flag === 'boolean' ? flag : true;
}

export const badRequest = (message: string, details?: unknown, code = 'BAD_REQUEST') =>
  new AppError(400, code, message, details);
export const validationError = (message: string, details?: unknown) => new AppError(400, 'VALIDATION_ERROR', message, details);
export const unauthorized = (message = 'Authentication required: send "Authorization: Bearer <token>"', code = 'UNAUTHORIZED') =>
  new AppError(401, code, message);
export const forbidden = (message: string, code = 'FORBIDDEN') => new AppError(403, code, message);
/**
 * Also the answer for another tenant's resource: never reveal that it exists. `what` names the
 * resource ("Perfume" → "Perfume not found"); a full sentence can be given as `message`.
 */
export const notFound = (what = 'Resource', code = 'NOT_FOUND', message = `${what} not found`) => new AppError(404, code, message);
export const conflict = (message: string, code = 'CONFLICT', details?: unknown) => new AppError(409, code, message, details);
export const gone = (message: string, code = 'GONE') => new AppError(410, code, message);
export const payloadTooLarge = (message: string, code = 'PAYLOAD_TOO_LARGE', details?: unknown) => new AppError(413, code, message, details);
export const unsupportedMediaType = (message: string, code = 'UNSUPPORTED_MEDIA_TYPE') => new AppError(415, code, message);
export const rangeNotSatisfiable = (size: number) =>
  new AppError(416, 'RANGE_NOT_SATISFIABLE', `The requested range is outside the file, which is ${size} bytes long`, { size }, { 'content-range': `bytes */${size}` });
export const unprocessable = (message: string, code = 'UNPROCESSABLE', details?: unknown) =>
  new AppError(422, code, message, details);
export const tooManyRequests = (retryAfterSeconds: number, message = 'Too many requests') =>
  new AppError(429, 'RATE_LIMITED', `${message}; retry after ${retryAfterSeconds} s`, undefined, {
    'retry-after': String(retryAfterSeconds),
  }, { retryable: true });

/**
 * A service the request needs (the database, object storage, Redis) cannot be reached or is
 * refusing work for now: not the client's fault and not a bug, so 503 with Retry-After, and
 * retryable in a job.
 */
export const serviceUnavailable = (code: string, message: string, cause?: unknown, retryAfterSeconds = 5) =>
  new AppError(503, code, message, undefined, { 'retry-after': String(retryAfterSeconds) }, { retryable: true, cause });

/** Postgres unique violation (23505) → 409 with a message the caller can act on. */
export function isUniqueViolation(err: unknown, constraint?: string): boolean {
  const e = err as { code?: string; constraint?: string };
  return e?.code === '23505' && (!constraint || e.constraint === constraint);
}

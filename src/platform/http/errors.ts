/**
 * Errors the application raises on purpose. The HTTP error handler turns them into the
 * envelope {success:false, error, code, details?, requestId}; anything else becomes a
 * logged 500 with a generic message.
 */
export class AppError extends Error {
  constructor(
    public readonly status: number,
    public readonly code: string,
    message: string,
    public readonly details?: unknown,
    public readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const badRequest = (message: string, details?: unknown, code = 'BAD_REQUEST') =>
  new AppError(400, code, message, details);
export const unauthorized = (message = 'Authentication required: send "Authorization: Bearer <token>"', code = 'UNAUTHORIZED') =>
  new AppError(401, code, message);
export const forbidden = (message: string, code = 'FORBIDDEN') => new AppError(403, code, message);
/** Also the answer for another tenant's resource: never reveal that it exists. */
export const notFound = (what = 'Resource') => new AppError(404, 'NOT_FOUND', `${what} not found`);
export const conflict = (message: string, code = 'CONFLICT', details?: unknown) => new AppError(409, code, message, details);
export const payloadTooLarge = (message: string, code = 'PAYLOAD_TOO_LARGE') => new AppError(413, code, message);
export const unsupportedMediaType = (message: string, code = 'UNSUPPORTED_MEDIA_TYPE') => new AppError(415, code, message);
export const unprocessable = (message: string, code = 'UNPROCESSABLE', details?: unknown) =>
  new AppError(422, code, message, details);
export const tooManyRequests = (retryAfterSeconds: number, message = 'Too many requests') =>
  new AppError(429, 'RATE_LIMITED', `${message}; retry after ${retryAfterSeconds} s`, undefined, {
    'retry-after': String(retryAfterSeconds),
  });

/** Postgres unique violation (23505) → 409 with a message the caller can act on. */
export function isUniqueViolation(err: unknown, constraint?: string): boolean {
  const e = err as { code?: string; constraint?: string };
  return e?.code === '23505' && (!constraint || e.constraint === constraint);
}

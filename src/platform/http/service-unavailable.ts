import { AppError, serviceUnavailable } from '../errors.js';

/** SQLSTATEs of a database that cannot serve now: connection exceptions, shutdowns, too many connections. */
const DATABASE_DOWN_STATES = /^(08...|57P0[123]|53300)$/;
/** node-postgres's own words for a connection it lost or could not open in time. */
const DATABASE_DOWN_MESSAGES = /^(Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error)/;
/** A full filesystem (ENOSPC) or a used-up disk quota (EDQUOT): the server's disk, not the org's storage quota. */
const DISK_FULL_CODES = new Set(['ENOSPC', 'EDQUOT']);
/** Sockets that could not reach, or lost, the other side. */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

interface ErrorFields {
  code?: unknown;
  message?: unknown;
  cause?: unknown;
  $metadata?: { httpStatusCode?: number };
  $fault?: string;
  name?: string;
}

/**
 * An error that says a service behind the request is unreachable (PostgreSQL or its pooler
 * restarting, S3 answering 5xx or not at all after the SDK's retries, a lost socket), as a 503
 * the client can retry after, or that the server's disk is full, as a 507; undefined for
 * anything else, which stays a logged 500. Looks through `cause` chains, since drivers and our
 * own code wrap what the socket or the filesystem said.
 */
export function asServiceUnavailable(err: unknown): AppError | undefined {
  for (let e = err as ErrorFields | undefined, depth = 0; e && typeof e === 'object' && depth < 4; e = e.cause as ErrorFields | undefined, depth++) {
    if (e.$metadata) {
      // The AWS SDK marks every error it returns with $metadata; $fault says whose fault it is.
      const status = e.$metadata.httpStatusCode;
      if (e.$fault === 'server' || status === undefined || status >= 500) {
        return serviceUnavailable('STORAGE_UNAVAILABLE', `Object storage is not answering (${status ?? 'no response'}${e.name ? ` ${e.name}` : ''}); try again shortly`, err);
      }
      return undefined;
    }
    const code = typeof e.code === 'string' ? e.code : '';
    const message = typeof e.message === 'string' ? e.message : '';
    if (DATABASE_DOWN_STATES.test(code) || DATABASE_DOWN_MESSAGES.test(message)) {
      return serviceUnavailable('DATABASE_UNAVAILABLE', 'The database is not answering for the moment; try again shortly', err);
    }
    if (DISK_FULL_CODES.has(code)) {
      // 507 Insufficient Storage: the user cannot fix it, an operator can; nothing was kept
      // (writes go to a temporary file that is removed on failure), so sending again is safe.
      return new AppError(507, 'STORAGE_FULL', "The server's disk is full, so nothing was stored: ask the operator to free space, then send it again", undefined, { 'retry-after': '60' }, { retryable: true, cause: err });
    }
    if (NETWORK_CODES.has(code)) {
      return serviceUnavailable('SERVICE_UNAVAILABLE', 'A service this request needs (the database, object storage or Redis) cannot be reached; try again shortly', err);
    }
  }
  return undefined;
}

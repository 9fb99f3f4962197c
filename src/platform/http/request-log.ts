import type { FastifyRequest } from 'fastify';

/** Shown of a masked secret: enough to tell links apart (like a share link's token_prefix), far too little to use. */
const SHOWN = 6;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Long base64url runs are tokens (share tokens are 43 characters, tickets and JWTs longer). */
const SECRET_LIKE = /^[A-Za-z0-9_-]{32,}$/;
/** Path segments followed by a credential: /s/<token>, /api/s/<token>, /scan/<token>. */
const TOKEN_BEFORE = new Set(['s', 'scan']);

/**
 * The path as logged: no query string (signed-URL signatures, realtime tickets and any
 * token a client put there) and path segments that carry a secret masked, so access logs
 * shipped to a log service never hold a working credential.
 */
export function loggablePath(url: string): string {
  const path = url.split(/[?#]/, 1)[0];
  const segments = path.split('/');
  return segments
    .map((segment, i) => {
      if (!segment) return segment;
      const decoded = safeDecode(segment);
      const afterTokenMarker = i > 0 && TOKEN_BEFORE.has(segments[i - 1]);
      if (afterTokenMarker || (SECRET_LIKE.test(decoded) && !UUID.test(decoded))) return `${decoded.slice(0, SHOWN)}…`;
      return segment;
    })
    .join('/');
}

/** pino serializer for `req` (replaces Fastify's, which logs the full URL). */
export function requestLogSerializer(request: FastifyRequest) {
  return {
    method: request.method,
    url: loggablePath(request.url),
    host: request.host,
    remoteAddress: request.ip,
    remotePort: request.socket?.remotePort,
  };
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

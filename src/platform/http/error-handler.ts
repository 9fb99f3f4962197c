import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { AppError } from '../errors.js';
import { describeValidationIssue } from '../validation-messages.js';
import { trackRouteMethods } from './route-methods.js';
import { asServiceUnavailable } from './service-unavailable.js';

/** Fastify's own error codes that are the client's fault, with the status and code we answer. */
const FASTIFY_CLIENT_ERRORS: Record<string, [number, string, string?]> = {
  FST_ERR_CTP_INVALID_JSON_BODY: [400, 'INVALID_JSON', 'Request body is not valid JSON'],
  FST_ERR_CTP_EMPTY_JSON_BODY: [400, 'INVALID_JSON', 'Request body is empty but content-type is application/json'],
  FST_ERR_CTP_BODY_TOO_LARGE: [413, 'PAYLOAD_TOO_LARGE', 'Request body is too large'],
  FST_ERR_CTP_INVALID_MEDIA_TYPE: [415, 'UNSUPPORTED_MEDIA_TYPE', 'Unsupported content type: send application/json'],
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: [400, 'BAD_REQUEST', 'Content-Length does not match the body'],
  FST_ERR_CTP_INVALID_TYPE: [400, 'BAD_REQUEST'],
  FST_ERR_BAD_URL: [400, 'BAD_REQUEST', 'Malformed URL'],
  FST_ERR_ASYNC_CONSTRAINT: [400, 'BAD_REQUEST'],
};

/**
 * Every error leaves as the envelope {success:false, error, code, details?, requestId}.
 * Client mistakes keep their 4xx; a service behind the request that cannot be reached
 * (database, object storage) is a 503 to retry (service-unavailable.ts); anything else
 * unexpected is logged and answered with a generic 500 that carries the request id for support. Installed before any route, so that
 * an unknown path (404) can be told from a known path with another method (405 with Allow).
 */
/** Answers an unmatched request with a page of the web app when it is one (web-app.ts); false otherwise. */
export type PageFallback = (request: FastifyRequest, reply: FastifyReply) => boolean;

export function installErrorHandler(app: FastifyInstance, options: { maxParamLength?: number; pageFallback?: PageFallback } = {}) {
  app.setErrorHandler((err: FastifyError, request, reply) => {
    const requestId = String(request.id);
    if (err instanceof AppError) {
      if (err.headers) reply.headers(err.headers);
      return reply.status(err.status).send({ success: false, error: err.message, code: err.code, details: err.details, requestId });
    }
    if (hasZodFastifySchemaValidationErrors(err)) {
      const where = err.validationContext ?? 'request';
      const details = err.validation.map((v) => ({
        in: where,
        path: v.instancePath.replace(/^\//, '').replace(/\//g, '.'),
        message: v.message,
      }));
      const first = details[0]!;
      const message = describeValidationIssue(where, first.path, first.message ?? 'is not valid');
      return reply.status(400).send({ success: false, error: message, code: 'VALIDATION_ERROR', details, requestId });
    }
    if (isResponseSerializationError(err)) {
      request.log.error({ err, issues: err.cause.issues }, 'response did not match its schema');
      return reply.status(500).send({ success: false, error: 'Internal server error', code: 'INTERNAL', requestId });
    }
    const known = err.code ? FASTIFY_CLIENT_ERRORS[err.code] : undefined;
    if (known) {
      return reply.status(known[0]).send({ success: false, error: known[2] ?? err.message, code: known[1], requestId });
    }
    // busboy throws plain Errors for a multipart body it cannot parse (no boundary, broken part headers).
    if (!err.statusCode && /^(Multipart: Boundary not found|Boundary required|The needle cannot|Malformed part header|Unexpected end of (form|multipart data))|terminated early due to unexpected end of multipart data$/.test(err.message ?? '')) {
      return reply.status(400).send({ success: false, error: `The multipart/form-data body is malformed (${err.message}): send a form with a boundary, as browsers and HTTP clients do`, code: 'INVALID_MULTIPART', requestId });
    }
    // PostgreSQL text cannot hold NUL: a client string with \u0000 that reaches a query is the client's mistake.
    if ((err as { code?: string }).code === '22021' && /0x00/.test(err.message ?? '')) {
      return reply.status(400).send({ success: false, error: 'Text values may not contain NUL (\\u0000) characters: remove them and send the request again', code: 'INVALID_TEXT', requestId });
    }
    if (err.statusCode === 429) {
      return reply.status(429).send({ success: false, error: err.message, code: 'RATE_LIMITED', requestId });
    }
    if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
      return reply.status(err.statusCode).send({ success: false, error: err.message, code: err.code ?? 'BAD_REQUEST', requestId });
    }
    const unavailable = asServiceUnavailable(err);
    if (unavailable) {
      request.log.warn({ err }, unavailable.message);
      return reply.status(unavailable.status).headers(unavailable.headers!).send({ success: false, error: unavailable.message, code: unavailable.code, requestId });
    }
    request.log.error({ err }, 'unhandled error');
    return reply.status(500).send({ success: false, error: 'Internal server error: the request id identifies this failure in the logs', code: 'INTERNAL', requestId });
  });

  const allowedMethods = trackRouteMethods(app, { maxParamLength: options.maxParamLength });
  app.setNotFoundHandler((request, reply) => {
    if (options.pageFallback?.(request, reply)) return reply;
    const path = request.url.split('?')[0]!;
    const requestId = String(request.id);
    const allowed = allowedMethods(path);
    // A route that exists for this very method sent the caller here itself (a static file that is
    // not there): that is a plain "not found", not a wrong method.
    if (allowed.length > 0 && !allowed.includes(request.method)) {
      return reply
        .status(405)
        .header('allow', allowed.join(', '))
        .send({
          success: false,
          error: `${path} does not accept ${request.method}: use ${allowed.join(', ')} (the API is described at /docs)`,
          code: 'METHOD_NOT_ALLOWED',
          details: { allow: allowed },
          requestId,
        });
    }
    return reply.status(404).send({
      success: false,
      error: `There is no route ${request.method} ${path}: check the path against the API description at /docs`,
      code: 'ROUTE_NOT_FOUND',
      requestId,
    });
  });
}

import type { Readable } from 'node:stream';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { RequestMeta } from '../audit/audit.service.js';
import { validationError } from '../errors.js';
import { describeValidationIssue } from '../validation-messages.js';

/** Shared boundary schemas and helpers used by every route file. */

export const uuid = z.uuid({ message: 'must be a UUID' });
export const idParams = z.strictObject({ id: uuid });

/** Paging lives in db/page.ts; these names stay importable from here for route files. */
export { pageQuery, pageInfo } from '../db/page.js';

export const errorEnvelope = z.object({
  success: z.literal(false),
  error: z.string(),
  code: z.string(),
  details: z.unknown().optional(),
  requestId: z.string(),
});

export const email = z.email({ message: 'must be an email address' }).max(254);
export const password = z.string().min(8, 'must be at least 8 characters').max(256);
export const role = z.enum(['owner', 'admin', 'editor', 'member', 'viewer']);

export function requestMeta(request: FastifyRequest): RequestMeta {
  return { ip: request.ip, userAgent: request.headers['user-agent'] ?? null, requestId: request.id };
}

/**
 * Validate data that did not come through a route schema (multipart fields, CLI input) and
 * fail the same way a route would: 400 VALIDATION_ERROR with the issues as details.
 */
export function parseInput<T>(schema: z.ZodType<T>, data: unknown, where = 'body'): T {
  const result = schema.safeParse(data);
  if (result.success) return result.data;
  const details = result.error.issues.map((i) => ({ in: where, path: i.path.join('.'), message: i.message }));
  const first = details[0]!;
  throw validationError(describeValidationIssue(where, first.path, first.message), details);
}

/**
 * A 204 answer, for the OpenAPI description: no body. (fastify-type-provider-zod documents an
 * output `undefined` as type null, which @fastify/swagger turns into a response without content.)
 */
export function noContent(description: string) {
  return z.undefined().describe(description);
}

/**
 * An answer that is not JSON (file bytes, an image, a page, an event stream), for the OpenAPI
 * description: its content types, so the generated client does not expect JSON. The handler
 * sends a Buffer, a stream or a string with its own content type, which no serializer touches.
 */
export function nonJsonResponse(description: string, contentTypes: string[]) {
  // Typed as what handlers send; described as bytes (zod has no JSON schema for a Buffer or a stream).
  const bytes = z.custom<string | Buffer | Readable>().meta({ type: 'string', format: 'binary' });
  return { description, content: Object.fromEntries(contentTypes.map((type) => [type, { schema: bytes }])) };
}

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

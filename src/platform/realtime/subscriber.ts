import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { requirePrincipal } from '../auth/authenticate.js';
import type { Principal } from '../auth/principal.js';
import { forbidden } from '../errors.js';
import { TOPIC_PATTERN } from './event-bus.js';

/** Topics one connection may follow at once: bounds the work a single client can cause. */
export const MAX_TOPICS_PER_CONNECTION = 50;
/** A client that lets this much output pile up is dropped; it reconnects and re-reads state. */
export const MAX_BUFFERED_BYTES = 1024 * 1024;

const ONE = TOPIC_PATTERN.source.slice(1, -1);
export const topicSchema = z.string().regex(TOPIC_PATTERN, 'topics use 1-200 letters, digits and : . _ - (e.g. "job:<id>")');
export const topicListParam = z
  .string()
  .regex(
    new RegExp(`^${ONE}(,${ONE}){0,${MAX_TOPICS_PER_CONNECTION - 1}}$`),
    `a comma-separated list of 1-${MAX_TOPICS_PER_CONNECTION} topics of letters, digits and : . _ - (e.g. "job:<id>,jobs")`,
  );

/** A realtime ticket (POST /api/v1/realtime/ticket): a short JWT, spent when the stream opens. */
export const ticketParam = z.string().max(2048).optional().describe('A ticket from POST /api/v1/realtime/ticket (single use, 30 s)');

export function splitTopics(list: string | undefined): string[] {
  return list ? [...new Set(list.split(','))] : [];
}

/**
 * Realtime is for members of the org (user sessions and API keys). Share links and guest
 * sessions are scoped to one resource and must not follow the org's event stream.
 */
export function requireSubscriber(request: FastifyRequest): Principal {
  const p = requirePrincipal(request, 'viewer');
  if (p.kind !== 'user' && p.kind !== 'api_key') throw forbidden('Realtime events need a user session or an API key', 'REALTIME_FORBIDDEN');
  return p;
}

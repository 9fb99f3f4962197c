import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { TICKET_TTL_SECONDS } from '../auth/tokens.js';
import { requireSubscriber } from './subscriber.js';

/**
 * POST /realtime/ticket — what a browser puts in the URL of an EventSource (or offers as a
 * WebSocket subprotocol) instead of its access token: bound to the caller, valid for
 * 30 seconds and spent by the first connection, so one read from a log opens nothing.
 */
export async function ticketRoutes(root: FastifyInstance) {
  const app = root.withTypeProvider<ZodTypeProvider>();
  app.post('/realtime/ticket', {
    schema: {
      tags: ['realtime'],
      summary: 'A single-use, 30-second ticket to open one SSE or WebSocket connection',
      description: 'GET /api/v1/events?topics=…&ticket=<ticket>, or new WebSocket(url, ["tenantry.v1", "ticket.<ticket>"]). The stream still closes when the session it came from expires.',
      response: { 201: z.object({ ticket: z.string(), expires_in: z.number().describe('Seconds the ticket stays usable') }) },
    },
  }, async (request, reply) => {
    const p = requireSubscriber(request);
    const ticket = await app.ctx.tokens.signTicket({
      kind: p.kind === 'api_key' ? 'api_key' : 'user',
      orgId: p.orgId,
      userId: p.userId ?? undefined,
      apiKeyId: p.apiKeyId,
      sessionExp: p.expiresAt === undefined ? undefined : Math.floor(p.expiresAt / 1000),
    });
    return reply.status(201).send({ ticket, expires_in: TICKET_TTL_SECONDS });
  });
}

import type { FastifyInstance } from 'fastify';
import { ConnectionLimits } from './connection-limits.js';
import { sseRoutes } from './sse.routes.js';
import { websocketRoutes } from './websocket.routes.js';
import { ticketRoutes } from './ticket.routes.js';

/** The realtime endpoints; SSE and WebSocket share one set of connection caps. */
export async function realtimeRoutes(app: FastifyInstance) {
  const limits = new ConnectionLimits(app.ctx.config.realtime.maxConnections);
  await app.register(ticketRoutes);
  await app.register(sseRoutes, { limits });
  await app.register(websocketRoutes, { limits });
}

import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { pendingMigrations } from '../db/migrate.js';
import { errorEnvelope } from './schemas.js';

export async function healthRoutes(app: FastifyInstance) {
  app.get('/healthz', { schema: { hide: true }, config: { skipRateLimit: true } }, async () => ({ status: 'ok' }));

  /** Ready when the database answers and every migration on disk is applied. */
  app.get(
    '/readyz',
    {
      schema: { hide: true, response: { 200: z.object({ status: z.literal('ready'), database: z.string() }), 503: errorEnvelope } },
      config: { skipRateLimit: true },
    },
    async (_req, reply) => {
      const { database } = app.ctx;
      try {
        await database.pool.query('select 1');
        const pending = await pendingMigrations(database.pool, app.migrationSources);
        if (pending.length) {
          return reply.status(503).send({ success: false, error: `Migrations not applied: ${pending.join(', ')}: run "tenantry migrate"`, code: 'NOT_READY', requestId: String(_req.id) });
        }
      } catch (err) {
        return reply.status(503).send({ success: false, error: `Database unreachable: ${(err as Error).message}`, code: 'NOT_READY', requestId: String(_req.id) });
      }
      return { status: 'ready' as const, database: database.kind };
    },
  );
}

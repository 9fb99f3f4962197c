import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { pendingMigrations } from '../db/migrate.js';
import { errorEnvelope } from './schemas.js';

/**
 * Liveness and readiness for load balancers and orchestrators. Both are public, so they do no
 * authentication (a `Bearer tnt_…` header would otherwise cost an api_keys query each time), stay
 * under the per-IP limit (/healthz answers even when that limit cannot be checked: see
 * livenessProbe), and never describe the database or the migrations to the caller: the
 * reason for "not ready" goes to the server log.
 */
export async function healthRoutes(app: FastifyInstance) {
  app.get('/healthz', { schema: { hide: true }, config: { skipAuth: true, livenessProbe: true } }, async () => ({ status: 'ok' }));

  // Migrations on disk do not change while the process runs: once every one is applied, later
  // probes only check that the database answers, instead of reading the migration files again.
  let migrationsApplied = false;

  /** Ready when the database answers and every migration on disk is applied. */
  app.get(
    '/readyz',
    {
      schema: { hide: true, response: { 200: z.object({ status: z.literal('ready') }), 503: errorEnvelope } },
      config: { skipAuth: true },
    },
    async (request, reply) => {
      const { database } = app.ctx;
      const notReady = () =>
        reply.status(503).send({ success: false, error: 'Not ready yet: the server log says why', code: 'NOT_READY', requestId: String(request.id) });
      try {
        await database.pool.query('select 1');
        if (!migrationsApplied) {
          const pending = await pendingMigrations(database.pool, app.migrationSources);
          if (pending.length) {
            request.log.warn({ pending }, 'not ready: migrations not applied; run "tenantry migrate"');
            return notReady();
          }
          migrationsApplied = true;
        }
      } catch (err) {
        request.log.error({ err }, 'not ready: the database does not answer');
        return notReady();
      }
      return { status: 'ready' as const };
    },
  );
}

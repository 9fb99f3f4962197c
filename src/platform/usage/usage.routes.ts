import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requirePrincipal } from '../auth/authenticate.js';
import { usageDaily, usageReport } from './usage.service.js';
import { dailyUsageView, seriesQuery } from './usage-series.js';

const usageView = z.object({
  from: z.date(),
  to: z.date(),
  storage: z.object({ storage_used_bytes: z.number(), storage_limit_bytes: z.number() }),
  actions: z.array(z.object({ action: z.string(), events: z.number().int(), bytes: z.number() })),
});

export async function usageRoutes(root: FastifyInstance) {
  const app = root.withTypeProvider<ZodTypeProvider>();

  app.get('/', {
    schema: {
      tags: ['usage'],
      description: 'Storage and per-action usage of the org over [from, to); by default the last 30 days.',
      querystring: z.strictObject({ from: z.iso.datetime({ offset: true }).optional(), to: z.iso.datetime({ offset: true }).optional() }),
      response: { 200: usageView },
    },
  }, async (request) => usageReport(app.ctx.database.db, requirePrincipal(request, 'admin'), request.query));

  app.get('/daily', {
    schema: {
      tags: ['usage'],
      description: 'The org\'s metered actions (events and bytes) per UTC day and action, its storage used per UTC day (daily snapshots; today live) and its authenticated API requests per UTC day, over [from, to); by default the last 30 days, at most 366. Days without data are absent.',
      querystring: seriesQuery,
      response: { 200: dailyUsageView },
    },
  }, async (request) => usageDaily(app.ctx.database.db, requirePrincipal(request, 'admin'), request.query));
}

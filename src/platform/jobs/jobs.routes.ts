import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requirePrincipal } from '../auth/authenticate.js';
import { notFound } from '../errors.js';
import { idParams } from '../http/schemas.js';
import { pageQuery, pageSchema } from '../db/page.js';

const jobState = z.enum(['queued', 'active', 'retry', 'completed', 'failed', 'cancelled']);
const jobView = z.object({
  id: z.string(),
  name: z.string(),
  state: jobState,
  progress: z.number().int().min(0).max(100),
  stage: z.string().nullable(),
  attempts: z.number().int(),
  max_attempts: z.number().int(),
  error: z.string().nullable(),
  result: z.unknown(),
  created_at: z.date(),
  started_at: z.date().nullable(),
  finished_at: z.date().nullable(),
  updated_at: z.date(),
});

/** Status and progress of the org's background jobs. Live updates: topic `job:<id>` (or `jobs`) on /events or /ws. */
export async function jobsRoutes(root: FastifyInstance) {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const jobs = app.ctx.jobs;
  const tags = ['jobs'];

  app.get('/:id', { schema: { tags, summary: 'A job\'s state and progress', params: idParams, response: { 200: jobView } } }, async (request) => {
    const p = requirePrincipal(request, 'viewer');
    const job = await jobs.get(p.orgId, request.params.id);
    if (!job) throw notFound('Job');
    return job;
  });

  app.get('/', {
    schema: {
      tags,
      summary: 'The org\'s jobs, newest first',
      querystring: pageQuery.extend({ state: jobState.optional(), name: z.string().max(100).optional() }),
      response: { 200: pageSchema(jobView) },
    },
  }, async (request) => {
    const p = requirePrincipal(request, 'viewer');
    return jobs.list(p.orgId, request.query);
  });
}

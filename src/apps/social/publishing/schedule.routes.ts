import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { idParams, requestMeta } from '../../../platform/http/schemas.js';
import { ok, wrap } from '../http/envelope.js';
import { requireWorkspace } from '../http/social-principal.js';
import { postView } from '../posts/post.schema.js';
import { ScheduleService } from './schedule.service.js';

const scheduleBody = z.strictObject({
  scheduled_at: z.string().min(16).max(40).describe('A wall-clock time in `timezone` (2026-12-01T09:00) or an instant with an offset'),
  timezone: z.string().min(1).max(64).optional().describe('IANA zone the time is in; default UTC'),
});

/** Scheduling and publishing (editors): each target is its own durable job. */
export async function scheduleRoutes(root: FastifyInstance) {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const schedule = new ScheduleService(app.ctx);
  const tags = ['social: publishing'];

  app.post('/posts/:id/schedule', {
    schema: { tags, description: 'Schedule (or reschedule) the post; a time in the past is refused. Workspaces that require approval schedule approved posts only.', params: idParams, body: scheduleBody, response: { 200: ok(postView) } },
  }, async (request) => wrap(await schedule.schedule(requireWorkspace(request, 'editor'), requestMeta(request), request.params.id, request.body), 'Scheduled'));

  app.post('/posts/:id/publish', {
    schema: { tags, description: 'Publish now to every target not yet published.', params: idParams, response: { 200: ok(postView) } },
  }, async (request) => wrap(await schedule.schedule(requireWorkspace(request, 'editor'), requestMeta(request), request.params.id, {}), 'Publishing'));

  app.post('/posts/:id/cancel', {
    schema: { tags, description: 'Cancel a scheduled post (its jobs then do nothing).', params: idParams, response: { 200: ok(postView) } },
  }, async (request) => wrap(await schedule.cancel(requireWorkspace(request, 'editor'), requestMeta(request), request.params.id), 'Cancelled'));
}

import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { cursorPageSchema, cursorQuery } from '../../../platform/db/cursor.js';
import { uuid } from '../../../platform/http/schemas.js';
import { ok, wrap } from '../http/envelope.js';
import { requireWorkspace } from '../http/social-principal.js';
import { ActivityService } from './activity.service.js';

const activityView = z.object({
  id: z.string(),
  user_id: z.string().nullable(),
  action: z.string(),
  entity_type: z.string(),
  entity_id: z.string().nullable(),
  ip: z.string().nullable(),
  user_agent: z.string().nullable(),
  request_id: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
  created_at: z.date(),
});

const isoDate = z.iso.datetime({ offset: true });

export async function activityRoutes(root: FastifyInstance) {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const activity = new ActivityService(app.ctx);
  const tags = ['social: activity'];

  app.get('/activity', {
    schema: {
      tags,
      description: 'The workspace\'s activity log (every change, with user, IP, user agent and request id), newest first. Workspace admins only.',
      querystring: cursorQuery.extend({
        user_id: uuid.optional(),
        action: z.string().max(100).optional(),
        entity_type: z.enum(['post', 'campaign', 'media', 'approval', 'settings', 'account', 'import', 'ab_test']).optional(),
        entity_id: uuid.optional(),
        from: isoDate.optional(),
        to: isoDate.optional(),
      }),
      response: { 200: ok(cursorPageSchema(activityView)) },
    },
  }, async (request) => wrap(await activity.list(requireWorkspace(request, 'admin'), request.query)));
}

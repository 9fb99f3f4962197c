import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requirePrincipal } from '../auth/authenticate.js';
import { uuid } from '../http/schemas.js';
import { cursorPageSchema, cursorQuery } from '../db/cursor.js';
import { listAuditLog } from './audit-log.js';

const auditEntry = z.object({
  id: z.string(),
  actor_type: z.enum(['user', 'api_key', 'system', 'superadmin']),
  actor_user_id: z.string().nullable(),
  actor_api_key_id: z.string().nullable(),
  action: z.string(),
  target_type: z.string().nullable(),
  target_id: z.string().nullable(),
  ip: z.string().nullable(),
  user_agent: z.string().nullable(),
  request_id: z.string().nullable(),
  metadata: z.record(z.string(), z.unknown()),
  created_at: z.date(),
});

export async function auditRoutes(root: FastifyInstance) {
  const app = root.withTypeProvider<ZodTypeProvider>();

  app.get('/', {
    schema: {
      tags: ['audit'],
      description: 'The org\'s audit log, newest first, in cursor pages (`next_cursor` → `?cursor=`). `action` takes an exact action or a family such as `member.*`.',
      querystring: cursorQuery.extend({
        action: z.string().max(100).optional(),
        actor_user_id: uuid.optional(),
        target_type: z.string().max(50).optional(),
        target_id: z.string().max(100).optional(),
        from: z.iso.datetime({ offset: true }).optional(),
        to: z.iso.datetime({ offset: true }).optional(),
        limit: z.coerce.number().int().min(1).max(100).default(50),
      }),
      response: { 200: cursorPageSchema(auditEntry) },
    },
  }, async (request) => listAuditLog(app.ctx.database.db, requirePrincipal(request, 'admin'), request.query));
}

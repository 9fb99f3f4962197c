import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { sql } from 'kysely';
import { z } from 'zod';
import { withTenant } from '../db/tenant.js';
import { requirePrincipal } from '../auth/authenticate.js';
import { badRequest } from '../errors.js';
import { uuid } from '../http/schemas.js';

/**
 * Cursor = the (created_at, id) of the last row seen, so pages stay stable while rows are appended.
 * The timestamp keeps Postgres' microseconds (a JS Date would cut them to milliseconds, and
 * rows written in the same millisecond or transaction would then fall between two pages).
 */
const CURSOR_AT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;
function encodeCursor(row: { cursor_at: string; id: string }) {
  return Buffer.from(`${row.cursor_at}|${row.id}`).toString('base64url');
}
function decodeCursor(cursor: string): { at: string; id: string } {
  const [at, id] = Buffer.from(cursor, 'base64url').toString().split('|');
  if (!at || !CURSOR_AT.test(at) || Number.isNaN(Date.parse(at)) || !id || !z.uuid().safeParse(id).success) {
    throw badRequest('Invalid cursor: pass next_cursor from the previous page', undefined, 'INVALID_CURSOR');
  }
  return { at, id };
}

export async function auditRoutes(root: FastifyInstance) {
  const app = root.withTypeProvider<ZodTypeProvider>();

  app.get('/', {
    schema: {
      tags: ['audit'],
      querystring: z.strictObject({
        action: z.string().max(100).optional(),
        actor_user_id: uuid.optional(),
        target_type: z.string().max(50).optional(),
        target_id: z.string().max(100).optional(),
        from: z.iso.datetime({ offset: true }).optional(),
        to: z.iso.datetime({ offset: true }).optional(),
        limit: z.coerce.number().int().min(1).max(100).default(50),
        cursor: z.string().max(200).optional(),
      }),
    },
  }, async (request) => {
    const p = requirePrincipal(request, 'admin');
    const q = request.query;
    const after = q.cursor ? decodeCursor(q.cursor) : null;
    const rows = await withTenant(app.ctx.database.db, { orgId: p.orgId, userId: p.userId }, (tx) => {
      let query = tx
        .selectFrom('audit_log')
        .select(['id', 'actor_type', 'actor_user_id', 'actor_api_key_id', 'action', 'target_type', 'target_id', 'ip', 'user_agent', 'request_id', 'metadata', 'created_at'])
        .select(sql<string>`to_char(created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`.as('cursor_at'))
        .where('org_id', '=', p.orgId);
      if (q.action) query = q.action.endsWith('.*') ? query.where('action', 'like', `${q.action.slice(0, -1)}%`) : query.where('action', '=', q.action);
      if (q.actor_user_id) query = query.where('actor_user_id', '=', q.actor_user_id);
      if (q.target_type) query = query.where('target_type', '=', q.target_type);
      if (q.target_id) query = query.where('target_id', '=', q.target_id);
      if (q.from) query = query.where('created_at', '>=', new Date(q.from));
      if (q.to) query = query.where('created_at', '<', new Date(q.to));
      if (after) {
        const at = sql<Date>`${after.at}::timestamptz`;
        query = query.where((eb) => eb.or([eb('created_at', '<', at), eb.and([eb('created_at', '=', at), eb('id', '<', after.id)])]));
      }
      return query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(q.limit + 1).execute();
    });
    const page = rows.slice(0, q.limit);
    const last = page.at(-1);
    const items = page.map(({ cursor_at: _cursorAt, ...item }) => item);
    return { items, next_cursor: rows.length > q.limit && last ? encodeCursor(last) : null };
  });
}

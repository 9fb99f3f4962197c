import type { PlatformContext } from '../../../platform/context.js';
import type { Principal } from '../../../platform/auth/principal.js';
import { fetchCursorPage, type CursorRequest } from '../../../platform/db/cursor.js';
import { socialDb } from '../db.js';

export interface ActivityQuery extends CursorRequest {
  user_id?: string;
  action?: string;
  entity_type?: string;
  entity_id?: string;
  from?: string;
  to?: string;
}

/** The workspace's activity log, newest first, a cursor page at a time. */
export class ActivityService {
  constructor(private readonly ctx: PlatformContext) {}

  list(p: Principal, q: ActivityQuery) {
    return socialDb.withTenant(this.ctx, p, async (tx) => {
      let query = tx
        .selectFrom('social_activity_logs as a')
        .select(['a.id', 'a.user_id', 'a.action', 'a.entity_type', 'a.entity_id', 'a.ip', 'a.user_agent', 'a.request_id', 'a.details', 'a.created_at'])
        .where('a.org_id', '=', p.orgId);
      if (q.user_id) query = query.where('a.user_id', '=', q.user_id);
      if (q.action) query = query.where('a.action', '=', q.action);
      if (q.entity_type) query = query.where('a.entity_type', '=', q.entity_type);
      if (q.entity_id) query = query.where('a.entity_id', '=', q.entity_id);
      if (q.from) query = query.where('a.created_at', '>=', new Date(q.from));
      if (q.to) query = query.where('a.created_at', '<', new Date(q.to));
      return fetchCursorPage(query, { time: 'a.created_at', id: 'a.id' }, q);
    });
  }
}

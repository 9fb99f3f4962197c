import type { Kysely } from 'kysely';
import type { PlatformTables } from '../db/schema.js';
import type { Principal } from '../auth/principal.js';
import { readAsTenant } from '../db/tenant-read.js';
import { fetchCursorPage, type CursorRequest } from '../db/cursor.js';

export interface AuditFilter extends CursorRequest {
  /** An exact action, or a family ending in ".*" ("member.*"). */
  action?: string;
  actor_user_id?: string;
  target_type?: string;
  target_id?: string;
  from?: string;
  to?: string;
}

const AUDIT_FIELDS = ['id', 'actor_type', 'actor_user_id', 'actor_api_key_id', 'action', 'target_type', 'target_id', 'ip', 'user_agent', 'request_id', 'metadata', 'created_at'] as const;

/**
 * Reading the org's audit log, newest first, in cursor pages (recording is audit.service.ts):
 * one statement, so one round trip (readAsTenant).
 */
export function listAuditLog(db: Kysely<PlatformTables>, p: Principal, filter: AuditFilter) {
  let query = db.selectFrom('audit_log').select(AUDIT_FIELDS).where('org_id', '=', p.orgId);
  if (filter.action) query = filter.action.endsWith('.*') ? query.where('action', 'like', `${filter.action.slice(0, -1)}%`) : query.where('action', '=', filter.action);
  if (filter.actor_user_id) query = query.where('actor_user_id', '=', filter.actor_user_id);
  if (filter.target_type) query = query.where('target_type', '=', filter.target_type);
  if (filter.target_id) query = query.where('target_id', '=', filter.target_id);
  if (filter.from) query = query.where('created_at', '>=', new Date(filter.from));
  if (filter.to) query = query.where('created_at', '<', new Date(filter.to));
  return fetchCursorPage(query, { time: 'created_at', id: 'id' }, filter, (page) => readAsTenant(db, p, page));
}


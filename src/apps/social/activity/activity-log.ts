import type { Transaction } from 'kysely';
import type { Principal } from '../../../platform/auth/principal.js';
import type { RequestMeta } from '../../../platform/audit/audit.service.js';
import type { SocialTables } from '../schema.js';

export interface ActivityEntry {
  action: string;
  entityType: 'post' | 'campaign' | 'media' | 'approval' | 'settings' | 'account' | 'import' | 'ab_test';
  entityId?: string | null;
  details?: Record<string, unknown>;
}

/**
 * Append one line to the workspace's activity log inside the mutation's own transaction, so
 * the change and its record commit together or not at all. Who, from where, with which
 * request id: the seed's audit trail.
 */
export async function logActivity(tx: Transaction<SocialTables>, p: Pick<Principal, 'orgId' | 'userId'>, meta: RequestMeta, entry: ActivityEntry): Promise<void> {
  await tx
    .insertInto('social_activity_logs')
    .values({
      org_id: p.orgId,
      user_id: p.userId,
      action: entry.action,
      entity_type: entry.entityType,
      entity_id: entry.entityId ?? null,
      ip: meta.ip?.slice(0, 45) ?? null,
      user_agent: meta.userAgent?.slice(0, 500) ?? null,
      request_id: meta.requestId?.slice(0, 100) ?? null,
      details: JSON.stringify(entry.details ?? {}),
    })
    .execute();
}

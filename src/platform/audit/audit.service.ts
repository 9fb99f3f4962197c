import type { PlatformTables } from '../db/schema.js';
import { platformView, type Executor } from '../db/executor.js';
import type { Principal } from '../auth/principal.js';

/** Where a request came from; recorded with every audited action. */
export interface RequestMeta {
  ip?: string | null;
  userAgent?: string | null;
  requestId?: string | null;
}

export interface AuditEntry {
  orgId: string;
  action: string;
  targetType?: string;
  targetId?: string;
  metadata?: Record<string, unknown>;
}

/** Any Kysely handle whose database includes the platform tables (apps extend them). */

/**
 * Appends to audit_log inside the caller's transaction, so the record and the change
 * commit together (or not at all). The table is insert-only for the application role.
 */
export async function recordAudit<DB extends PlatformTables>(
  db: Executor<DB>,
  actor: Pick<Principal, 'kind' | 'userId' | 'apiKeyId' | 'isSuperadmin'> | 'system',
  entry: AuditEntry,
  meta: RequestMeta = {},
  asSuperadmin = false,
): Promise<void> {
  const tx = platformView(db);
  const actorType = actor === 'system' ? 'system' : asSuperadmin ? 'superadmin' : actor.kind === 'api_key' ? 'api_key' : 'user';
  await tx
    .insertInto('audit_log')
    .values({
      org_id: entry.orgId,
      actor_type: actorType,
      actor_user_id: actor === 'system' ? null : actor.userId,
      actor_api_key_id: actor === 'system' ? null : (actor.apiKeyId ?? null),
      action: entry.action,
      target_type: entry.targetType ?? null,
      target_id: entry.targetId ?? null,
      ip: meta.ip ?? null,
      user_agent: meta.userAgent?.slice(0, 500) ?? null,
      request_id: meta.requestId ?? null,
      metadata: JSON.stringify(entry.metadata ?? {}),
    })
    .execute();
}

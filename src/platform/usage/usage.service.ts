import { sql } from 'kysely';
import type { PlatformTables } from '../db/schema.js';
import { platformView, type Executor } from '../db/executor.js';


/** Metered actions (uploads, renders, AI calls…), recorded in the caller's transaction. */
export async function recordUsage<DB extends PlatformTables>(
  db: Executor<DB>,
  event: { orgId: string; userId?: string | null; action: string; bytes?: number; metadata?: Record<string, unknown> },
) {
  const tx = platformView(db);
  await tx
    .insertInto('usage_events')
    .values({ org_id: event.orgId, user_id: event.userId ?? null, action: event.action, bytes: event.bytes ?? 0, metadata: JSON.stringify(event.metadata ?? {}) })
    .execute();
}

/** Per-action totals for one org over a period. */
export async function usageSummary(tx: Executor<PlatformTables>, orgId: string, from: Date, to: Date) {
  return tx
    .selectFrom('usage_events')
    .select(['action', sql<number>`count(*)::int`.as('events'), sql<number>`coalesce(sum(bytes), 0)::bigint`.as('bytes')])
    .where('org_id', '=', orgId)
    .where('created_at', '>=', from)
    .where('created_at', '<', to)
    .groupBy('action')
    .orderBy('action')
    .execute();
}

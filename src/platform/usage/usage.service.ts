import { sql, type Kysely } from 'kysely';
import type { PlatformTables } from '../db/schema.js';
import { platformView, type Executor } from '../db/executor.js';
import { withTenant } from '../db/tenant.js';
import type { Principal } from '../auth/principal.js';
import { badRequest } from '../errors.js';
import { dailyUsage, seriesPeriod } from './usage-series.js';
import { requestSeries, storageSeries } from './daily-totals.js';


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

const DEFAULT_REPORT_DAYS = 30;

/**
 * The org's storage and per-action usage over [from, to) (by default the 30 days before now),
 * for GET /api/v1/usage.
 */
export async function usageReport(db: Kysely<PlatformTables>, p: Principal, period: { from?: string; to?: string }) {
  const to = period.to ? new Date(period.to) : new Date();
  const from = period.from ? new Date(period.from) : new Date(to.getTime() - DEFAULT_REPORT_DAYS * 86_400_000);
  if (from >= to) throw badRequest('"from" must be before "to"', undefined, 'INVALID_RANGE');
  return withTenant(db, p, async (tx) => {
    const storage = await tx.selectFrom('orgs').select(['storage_used_bytes', 'storage_limit_bytes']).where('id', '=', p.orgId).executeTakeFirstOrThrow();
    return { from, to, storage, actions: await usageSummary(tx, p.orgId, from, to) };
  });
}

/** The org's metered actions, storage and requests per UTC day over [from, to), for GET /api/v1/usage/daily. */
export async function usageDaily(db: Kysely<PlatformTables>, p: Principal, period: { from?: string; to?: string }) {
  const { from, to } = seriesPeriod(period);
  return withTenant(db, p, async (tx) => ({
    from,
    to,
    days: await dailyUsage(tx, p.orgId, from, to),
    storage_days: await storageSeries(tx, p.orgId, from, to),
    request_days: await requestSeries(tx, p.orgId, from, to),
  }));
}

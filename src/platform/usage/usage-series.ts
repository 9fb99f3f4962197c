import { sql } from 'kysely';
import { z } from 'zod';
import type { PlatformTables } from '../db/schema.js';
import type { Executor } from '../db/executor.js';
import { platformView } from '../db/executor.js';
import { badRequest } from '../errors.js';
import { requestDay, storageDay } from './daily-totals.js';

/**
 * Metered actions per UTC day and action, for the usage charts (an org's usage page, the
 * superadmin portal). Days without events are absent: the client draws them as zero.
 */

export const DEFAULT_SERIES_DAYS = 30;
/** A year and a day: enough for a yearly chart, small enough to stay one cheap grouped query. */
export const MAX_SERIES_DAYS = 366;

export const seriesQuery = z.strictObject({
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
});

export const dailyUsageRow = z.object({ day: z.string(), action: z.string(), events: z.number().int(), bytes: z.number() });
/** The daily series of a period: metered actions, storage used (today live) and API requests. */
export const dailySeries = {
  days: z.array(dailyUsageRow).describe('Metered actions per UTC day and action'),
  storage_days: z.array(storageDay).describe('Storage used per UTC day (the daily snapshot; today from the live value)'),
  request_days: z.array(requestDay).describe('Authenticated API requests per UTC day (counted in memory, written every REQUEST_COUNT_FLUSH_SECONDS)'),
};
export const dailyUsageView = z.object({ from: z.date(), to: z.date(), ...dailySeries });

export interface DailyUsageRow {
  /** YYYY-MM-DD, UTC. */
  day: string;
  action: string;
  events: number;
  bytes: number;
}

/** The period [from, to) a request asks for: by default the 30 days before now; at most 366 days. */
export function seriesPeriod(period: { from?: string; to?: string }): { from: Date; to: Date } {
  const to = period.to ? new Date(period.to) : new Date();
  const from = period.from ? new Date(period.from) : new Date(to.getTime() - DEFAULT_SERIES_DAYS * 86_400_000);
  if (from >= to) throw badRequest('"from" must be before "to"', undefined, 'INVALID_RANGE');
  if (to.getTime() - from.getTime() > MAX_SERIES_DAYS * 86_400_000) {
    throw badRequest(`The period is longer than ${MAX_SERIES_DAYS} days: choose a later "from" or an earlier "to"`, undefined, 'INVALID_RANGE');
  }
  return { from, to };
}

/** Events and bytes per UTC day and action over [from, to), of one org or (orgId null, superadmins only) of all. */
export async function dailyUsage(db: Executor<PlatformTables>, orgId: string | null, from: Date, to: Date): Promise<DailyUsageRow[]> {
  const day = sql<string>`to_char(date_trunc('day', created_at at time zone 'UTC'), 'YYYY-MM-DD')`;
  let query = platformView(db)
    .selectFrom('usage_events')
    .select([day.as('day'), 'action', sql<number>`count(*)::int`.as('events'), sql<number>`coalesce(sum(bytes), 0)::bigint`.as('bytes')])
    .where('created_at', '>=', from)
    .where('created_at', '<', to);
  if (orgId) query = query.where('org_id', '=', orgId);
  const rows = await query.groupBy([day, 'action']).orderBy(day).orderBy('action').execute();
  // int8 may arrive as a string depending on the driver; the API promises numbers.
  return rows.map((r) => ({ day: r.day, action: r.action, events: Number(r.events), bytes: Number(r.bytes) }));
}

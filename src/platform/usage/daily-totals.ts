import { sql } from 'kysely';
import { z } from 'zod';
import type { PlatformTables } from '../db/schema.js';
import { platformView, type Executor } from '../db/executor.js';
import { utcDay } from './storage-snapshot.js';

/**
 * The "over time" series that are not metered actions: storage used per UTC day (from the
 * snapshot job, today's point from the live value) and authenticated API requests per UTC day
 * (from the request counter's flushes, so up to REQUEST_COUNT_FLUSH_SECONDS behind). Of one
 * org, or summed over every org (orgId null, superadmins only). Days without a row are absent.
 */

export const storageDay = z.object({ day: z.string(), storage_used_bytes: z.number() });
export const requestDay = z.object({ day: z.string(), requests: z.number().int() });

export type StorageDay = z.infer<typeof storageDay>;
export type RequestDay = z.infer<typeof requestDay>;

/** The UTC days [first, last] that [from, to) touches. */
function dayRange(from: Date, to: Date): { first: string; last: string } {
  return { first: utcDay(from), last: utcDay(new Date(to.getTime() - 1)) };
}

const dayText = sql<string>`to_char(day, 'YYYY-MM-DD')`;

export async function storageSeries(db: Executor<PlatformTables>, orgId: string | null, from: Date, to: Date, now = new Date()): Promise<StorageDay[]> {
  const { first, last } = dayRange(from, to);
  let query = platformView(db)
    .selectFrom('storage_daily')
    .select([dayText.as('day'), sql<number>`sum(storage_used_bytes)::bigint`.as('storage_used_bytes')])
    .where('day', '>=', first)
    .where('day', '<=', last);
  if (orgId) query = query.where('org_id', '=', orgId);
  const rows = (await query.groupBy('day').orderBy('day').execute()).map((r) => ({ day: r.day, storage_used_bytes: Number(r.storage_used_bytes) }));
  // Today's snapshot may be an hour old: the live value is the truth for today.
  const today = utcDay(now);
  if (today < first || today > last) return rows;
  let live = platformView(db).selectFrom('orgs').select(sql<number>`coalesce(sum(storage_used_bytes), 0)::bigint`.as('bytes'));
  if (orgId) live = live.where('id', '=', orgId);
  const bytes = Number((await live.executeTakeFirstOrThrow()).bytes);
  return [...rows.filter((r) => r.day !== today), { day: today, storage_used_bytes: bytes }];
}

export async function requestSeries(db: Executor<PlatformTables>, orgId: string | null, from: Date, to: Date): Promise<RequestDay[]> {
  const { first, last } = dayRange(from, to);
  let query = platformView(db)
    .selectFrom('request_daily')
    .select([dayText.as('day'), sql<number>`sum(requests)::bigint`.as('requests')])
    .where('day', '>=', first)
    .where('day', '<=', last);
  if (orgId) query = query.where('org_id', '=', orgId);
  const rows = await query.groupBy('day').orderBy('day').execute();
  // int8 may arrive as a string depending on the driver; the API promises numbers.
  return rows.map((r) => ({ day: r.day, requests: Number(r.requests) }));
}

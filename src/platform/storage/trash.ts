import { sql, type Kysely, type Transaction } from 'kysely';
import type { PlatformContext } from '../context.js';
import type { PlatformTables } from '../db/schema.js';
import { sweepObjects } from './removal.js';
import { releaseStaleUploads } from './uploads.js';

type Tx = Transaction<PlatformTables> | Kysely<PlatformTables>;

/** orgs.settings.trash_retention_days overrides the platform default (TRASH_RETENTION_DAYS). */
export async function retentionDaysFor(tx: Tx, orgId: string, fallbackDays: number): Promise<number> {
  const org = await tx.selectFrom('orgs').select('settings').where('id', '=', orgId).executeTakeFirst();
  const v = (org?.settings as Record<string, unknown> | undefined)?.trash_retention_days;
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : fallbackDays;
}

/**
 * Delete for good every trashed object whose org's retention has passed, freeing quota;
 * also releases uploads abandoned by a crashed process. For the scheduled storage job:
 * idempotent, safe to run concurrently (rows are removed at most once), bounded batches.
 * Candidates are found across tenants; each org's deletion runs in its own tenant transaction.
 */
export async function purgeExpiredTrash(ctx: PlatformContext, now = new Date()): Promise<{ objects: number; bytes: number; staleUploads: number }> {
  const fallback = ctx.config.storage.trashRetentionDays;
  const { objects, bytes } = await sweepObjects(
    ctx,
    (tx, limit) =>
      tx
        .selectFrom('storage_objects as s')
        .innerJoin('orgs as o', 'o.id', 's.org_id')
        .select(['s.id', 's.org_id'])
        .where('s.status', '=', 'active')
        .where('s.trashed_at', 'is not', null)
        .where(
          sql<boolean>`s.trashed_at + make_interval(days => (case when jsonb_typeof(o.settings->'trash_retention_days') = 'number'
            then greatest(0, (o.settings->>'trash_retention_days')::numeric)::int else ${fallback}::int end)) < ${now}`,
        )
        .orderBy('s.trashed_at')
        .limit(limit)
        .execute(),
    'storage.trash.purged',
  );
  const staleUploads = await releaseStaleUploads(ctx, { now });
  return { objects, bytes, staleUploads };
}

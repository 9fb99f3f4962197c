import type { Kysely, Transaction } from 'kysely';
import type { PlatformContext } from '../context.js';
import type { PlatformTables } from '../db/schema.js';
import { sweepObjects } from './removal.js';
import { releaseStaleUploads } from './uploads.js';
import { trashRetentionDays } from '../tenancy/org-settings.js';

type Tx = Transaction<PlatformTables> | Kysely<PlatformTables>;

const DAY_MS = 86_400_000;

/** orgs.settings.trash_retention_days overrides the platform default (TRASH_RETENTION_DAYS); clamped to its bounds. */
export async function retentionDaysFor(tx: Tx, orgId: string, fallbackDays: number): Promise<number> {
  const org = await tx.selectFrom('orgs').select('settings').where('id', '=', orgId).executeTakeFirst();
  return trashRetentionDays(org?.settings, fallbackDays);
}

/**
 * Delete for good every trashed object whose org's retention has passed, freeing quota;
 * also releases uploads abandoned by a crashed process. For the scheduled storage job:
 * idempotent, safe to run concurrently (rows are removed at most once), bounded batches.
 * Each org's share runs in its own tenant transaction, its retention read and clamped there
 * (no arithmetic on a setting in SQL), so one org's bad settings cannot stop the others.
 */
export async function purgeExpiredTrash(
  ctx: PlatformContext,
  now = new Date(),
): Promise<{ objects: number; bytes: number; failedOrgs: number; staleUploads: number }> {
  const fallback = ctx.config.storage.trashRetentionDays;
  const purged = await sweepObjects(ctx, {
    name: 'storage.purge-trash',
    auditAction: 'storage.trash.purged',
    findOrgs: async (tx) =>
      (await tx.selectFrom('storage_objects').select('org_id').distinct().where('status', '=', 'active').where('trashed_at', 'is not', null).execute()).map((r) => r.org_id),
    findDue: async (tx, orgId, limit) => {
      const cutoff = new Date(now.getTime() - (await retentionDaysFor(tx, orgId, fallback)) * DAY_MS);
      const rows = await tx
        .selectFrom('storage_objects')
        .select('id')
        .where('org_id', '=', orgId)
        .where('status', '=', 'active')
        .where('trashed_at', '<', cutoff)
        .orderBy('trashed_at')
        .limit(limit)
        .execute();
      return rows.map((r) => r.id);
    },
  });
  // Reservations are released whatever happened to the purge. On the wall clock, never `now`:
  // an upload is stale when its process has been silent a day, and a purge run ahead of time
  // (retention is tested that way) must not take every live upload in the database for dead.
  const staleUploads = await releaseStaleUploads(ctx);
  return { ...purged, staleUploads };
}

import { z } from 'zod';
import type { PlatformContext } from '../../../platform/context.js';
import { defineJob } from '../../../platform/jobs/define-job.js';
import { forEachOrg } from '../../../platform/jobs/for-each-org.js';
import { recordAudit } from '../../../platform/audit/audit.service.js';
import { deleteStoredBytes } from '../../../platform/storage/removal.js';
import { auraDb } from '../db.js';
import { movePhotoToTrash, purgePhotos } from './photo-trash.js';
import { DAY_MS, EVENT_TEMP_DAYS, retentionDays } from './retention-settings.js';

/** Photos handled per org and run; an org with more is finished by the next runs. */
export const SWEEP_BATCH = 500;

export interface RetentionSweepResult {
  purgedPhotos: number;
  freedBytes: number;
  expiredTempPhotos: number;
  /** Photos whose files could not be moved (bytes missing): logged, left in place, tried again next run. */
  skippedPhotos: number;
  failedOrgs: number;
}

/**
 * Issue #11 item 7, org by org (forEachOrg, each org in its own tenant transaction):
 *   - trash older than the org's retention (aura_settings, default 30 days) is deleted for good;
 *   - event_temp photos older than 30 days that no admin kept move to trash.
 * One photo whose files cannot be copied (bytes gone from storage) is logged and skipped, the
 * rest of its org goes on; an org whose share fails in the database is logged and skipped
 * whole by forEachOrg. Old bytes are deleted only after the org's transaction committed.
 */
export async function sweepAuraRetention(ctx: PlatformContext, now = new Date()): Promise<RetentionSweepResult> {
  const tempCutoff = new Date(now.getTime() - EVENT_TEMP_DAYS * DAY_MS);
  const orgIds = await auraDb.withSystem(ctx, async (tx) =>
    (
      await tx
        .selectFrom('aura_photos')
        .select('org_id')
        .distinct()
        .where((eb) => eb.or([eb('trashed_at', 'is not', null), eb.and([eb('source_type', '=', 'event_temp'), eb('trashed_at', 'is', null), eb('kept_permanently', '=', false), eb('created_at', '<', tempCutoff)])]))
        .execute()
    ).map((r) => r.org_id),
  );
  const report = await forEachOrg(ctx, {
    name: 'aura.retention',
    db: auraDb.db(ctx),
    orgIds,
    run: async (tx, orgId) => {
      const cutoff = new Date(now.getTime() - (await retentionDays(tx, orgId)) * DAY_MS);
      const due = await tx.selectFrom('aura_photos').select('id').where('org_id', '=', orgId).where('trashed_at', '<', cutoff).orderBy('trashed_at').limit(SWEEP_BATCH).execute();
      const purged = await purgePhotos(tx, orgId, due.map((d) => d.id));

      const expiring = await tx
        .selectFrom('aura_photos')
        .select(['id', 'full_path', 'full_key', 'thumb_key'])
        .where('org_id', '=', orgId)
        .where('source_type', '=', 'event_temp')
        .where('trashed_at', 'is', null)
        .where('kept_permanently', '=', false)
        .where('created_at', '<', tempCutoff)
        .orderBy('created_at')
        .limit(SWEEP_BATCH)
        .execute();
      const oldKeys: string[] = [];
      let moved = 0;
      let skipped = 0;
      for (const photo of expiring) {
        try {
          // A failed copy throws before any SQL of this photo ran, so the transaction goes on.
          oldKeys.push(...(await movePhotoToTrash(ctx, tx, orgId, photo, null, now)));
          moved++;
        } catch (err) {
          skipped++;
          ctx.log.error({ err, orgId, photoId: photo.id, sweep: 'aura.retention' }, 'could not move an expired event_temp photo to trash (are its files missing?); skipped');
        }
      }
      if (purged.photos || moved) {
        await recordAudit(tx, 'system', { orgId, action: 'aura.retention.swept', targetType: 'aura_photo', metadata: { purged_photos: purged.photos, freed_bytes: purged.bytes, expired_temp_photos: moved, skipped_photos: skipped } });
      }
      return { purged, moved, skipped, deleteKeys: [...purged.storageKeys, ...oldKeys] };
    },
    afterCommit: (r) => deleteStoredBytes(ctx, r.deleteKeys),
  });
  const result: RetentionSweepResult = { purgedPhotos: 0, freedBytes: 0, expiredTempPhotos: 0, skippedPhotos: 0, failedOrgs: report.failed.length };
  for (const { result: r } of report.done) {
    result.purgedPhotos += r.purged.photos;
    result.freedBytes += r.purged.bytes;
    result.expiredTempPhotos += r.moved;
    result.skippedPhotos += r.skipped;
  }
  return result;
}

export const auraRetentionJob = defineJob({
  name: 'aura.retention',
  scope: 'system',
  schema: z.object({}),
  schedule: '37 3 * * *',
  expireInSeconds: 3600,
  retryLimit: 3,
  retryDelaySeconds: 60,
  handler: async (ctx) => sweepAuraRetention(ctx),
});

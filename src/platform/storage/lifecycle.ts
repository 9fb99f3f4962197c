import type { PlatformContext } from '../context.js';
import { withSystem, withTenant } from '../db/tenant.js';
import { recordAudit } from '../audit/audit.service.js';
import { deleteStoredBytes, removeObjects } from './removal.js';

const BATCH = 500;

/**
 * Delete for good every object whose lifecycle rule has expired it (expires_at set at upload
 * from the matching rule), trashed or not, freeing quota. For the scheduled storage job;
 * idempotent and safe to run concurrently.
 */
export async function applyLifecycle(ctx: PlatformContext, now = new Date()): Promise<{ objects: number; bytes: number }> {
  let objects = 0;
  let bytes = 0;
  for (;;) {
    const due = await withSystem(ctx.database.db, (tx) =>
      tx
        .selectFrom('storage_objects')
        .select(['id', 'org_id'])
        .where('status', '=', 'active')
        .where('expires_at', '<=', now)
        .orderBy('expires_at')
        .limit(BATCH)
        .execute(),
    );
    if (due.length === 0) break;
    const byOrg = new Map<string, string[]>();
    for (const r of due) byOrg.set(r.org_id, [...(byOrg.get(r.org_id) ?? []), r.id]);
    for (const [orgId, ids] of byOrg) {
      const removal = await withTenant(ctx.database.db, { orgId }, async (tx) => {
        const removed = await removeObjects(tx, orgId, ids);
        if (removed.ids.length) {
          await recordAudit(tx, 'system', { orgId, action: 'storage.lifecycle.expired', targetType: 'storage_object', metadata: { objects: removed.ids.length, bytes: removed.bytes } });
        }
        return removed;
      });
      await deleteStoredBytes(ctx, removal.storageKeys);
      objects += removal.ids.length;
      bytes += removal.bytes;
    }
    if (due.length < BATCH) break;
  }
  return { objects, bytes };
}

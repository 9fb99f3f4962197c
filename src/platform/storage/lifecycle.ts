import type { PlatformContext } from '../context.js';
import { sweepObjects, type SweepResult } from './removal.js';

/**
 * Delete for good every object whose lifecycle rule has expired it (expires_at set at upload
 * from the matching rule), trashed or not, freeing quota. For the scheduled storage job;
 * idempotent, safe to run concurrently, each org on its own (sweepObjects).
 */
export async function applyLifecycle(ctx: PlatformContext, now = new Date()): Promise<SweepResult> {
  return sweepObjects(ctx, {
    name: 'storage.lifecycle',
    auditAction: 'storage.lifecycle.expired',
    findOrgs: async (tx) =>
      (await tx.selectFrom('storage_objects').select('org_id').distinct().where('status', '=', 'active').where('expires_at', '<=', now).execute()).map((r) => r.org_id),
    findDue: async (tx, orgId, limit) => {
      const rows = await tx
        .selectFrom('storage_objects')
        .select('id')
        .where('org_id', '=', orgId)
        .where('status', '=', 'active')
        .where('expires_at', '<=', now)
        .orderBy('expires_at')
        .limit(limit)
        .execute();
      return rows.map((r) => r.id);
    },
  });
}

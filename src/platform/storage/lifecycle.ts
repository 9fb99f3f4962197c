import type { PlatformContext } from '../context.js';
import { sweepObjects } from './removal.js';

/**
 * Delete for good every object whose lifecycle rule has expired it (expires_at set at upload
 * from the matching rule), trashed or not, freeing quota. For the scheduled storage job;
 * idempotent and safe to run concurrently.
 */
export async function applyLifecycle(ctx: PlatformContext, now = new Date()): Promise<{ objects: number; bytes: number }> {
  return sweepObjects(
    ctx,
    (tx, limit) =>
      tx.selectFrom('storage_objects').select(['id', 'org_id']).where('status', '=', 'active').where('expires_at', '<=', now).orderBy('expires_at').limit(limit).execute(),
    'storage.lifecycle.expired',
  );
}

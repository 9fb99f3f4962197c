import type { Transaction } from 'kysely';
import type { PlatformContext } from '../context.js';
import type { PlatformTables } from '../db/schema.js';
import { platformView, type Executor } from '../db/executor.js';
import { freeBytes } from './quota.js';
import { withSystem, withTenant } from '../db/tenant.js';
import { recordAudit } from '../audit/audit.service.js';


export interface Removal {
  ids: string[];
  storageKeys: string[];
  bytes: number;
}

/**
 * Delete committed objects (and their derivatives) for good from the catalog and give their
 * bytes back to the quota, inside the caller's tenant transaction. The stored bytes are
 * deleted afterwards with deleteStoredBytes(), once the transaction has committed: if that
 * fails the bytes are orphaned (wasted space, never served), but the catalog never points
 * at an object that is gone.
 */
export async function removeObjects<DB extends PlatformTables>(db: Executor<DB>, orgId: string, ids: string[]): Promise<Removal> {
  if (ids.length === 0) return { ids: [], storageKeys: [], bytes: 0 };
  const tx = platformView(db);
  const rows = await tx
    .deleteFrom('storage_objects')
    .where('org_id', '=', orgId)
    .where('status', '=', 'active')
    .where((eb) => eb.or([eb('id', 'in', ids), eb('derived_from', 'in', ids)]))
    .returning(['id', 'storage_key', 'size_bytes'])
    .execute();
  const bytes = rows.reduce((sum, r) => sum + r.size_bytes, 0);
  await freeBytes(tx, orgId, bytes);
  return { ids: rows.map((r) => r.id), storageKeys: rows.map((r) => r.storage_key), bytes };
}

export async function deleteStoredBytes(ctx: PlatformContext, storageKeys: string[]): Promise<void> {
  for (const key of storageKeys) {
    await ctx.storage.driver.delete(key).catch((err) => ctx.log.error({ err, key }, 'could not delete stored bytes; they are orphaned'));
  }
}

const SWEEP_BATCH = 500;

/**
 * Delete for good, in bounded batches, the objects a scheduled sweep finds due (`findDue`
 * looks across tenants and returns at most `limit` rows). Each org's batch is removed in its
 * own tenant transaction with one audit record, then its bytes are deleted. Safe to run
 * concurrently: a row is removed at most once.
 */
export async function sweepObjects(
  ctx: PlatformContext,
  findDue: (tx: Transaction<PlatformTables>, limit: number) => Promise<Array<{ id: string; org_id: string }>>,
  auditAction: string,
): Promise<{ objects: number; bytes: number }> {
  let objects = 0;
  let bytes = 0;
  for (;;) {
    const due = await withSystem(ctx.database.db, (tx) => findDue(tx, SWEEP_BATCH));
    if (due.length === 0) break;
    const byOrg = new Map<string, string[]>();
    for (const r of due) byOrg.set(r.org_id, [...(byOrg.get(r.org_id) ?? []), r.id]);
    for (const [orgId, ids] of byOrg) {
      const removal = await withTenant(ctx.database.db, { orgId }, async (tx) => {
        const removed = await removeObjects(tx, orgId, ids);
        if (removed.ids.length) {
          await recordAudit(tx, 'system', { orgId, action: auditAction, targetType: 'storage_object', metadata: { objects: removed.ids.length, bytes: removed.bytes } });
        }
        return removed;
      });
      await deleteStoredBytes(ctx, removal.storageKeys);
      objects += removal.ids.length;
      bytes += removal.bytes;
    }
    if (due.length < SWEEP_BATCH) break;
  }
  return { objects, bytes };
}

import type { Transaction } from 'kysely';
import type { PlatformContext } from '../context.js';
import type { PlatformTables } from '../db/schema.js';
import { platformView, type Executor } from '../db/executor.js';
import { freeBytes, settleReservation } from './quota.js';
import { withSystem } from '../db/tenant.js';
import { forEachOrg } from '../jobs/for-each-org.js';
import { recordAudit } from '../audit/audit.service.js';
import { deleteOrRecordOrphans } from './orphans.js';

export interface Removal {
  ids: string[];
  storageKeys: string[];
  bytes: number;
}

/**
 * Delete committed objects (and their derivatives) for good from the catalog and give their
 * bytes back to the quota, inside the caller's tenant transaction. The stored bytes are
 * deleted afterwards with deleteStoredBytes(), once the transaction has committed: if that
 * fails the bytes are orphaned (never served; recorded for the orphan sweep, orphans.ts), but
 * the catalog never points at an object that is gone.
 */
export async function removeObjects<DB extends PlatformTables>(db: Executor<DB>, orgId: string, ids: string[]): Promise<Removal> {
  if (ids.length === 0) return { ids: [], storageKeys: [], bytes: 0 };
  const tx = platformView(db);
  // Lock the originals first: a derivative being inserted now (its foreign key holds a share
  // lock on its original) commits before the delete below, which then sees it; one inserted
  // later finds its original gone and its job gives up.
  await tx.selectFrom('storage_objects').select('id').where('org_id', '=', orgId).where('id', 'in', ids).forUpdate().execute();
  // Derivatives still being written (pending: a derivatives job mid-upload) go too, or their
  // foreign key would refuse the delete; that upload then finds its row gone and removes its
  // own bytes (storeObject), so only their reservations come back here.
  const rows = await tx
    .deleteFrom('storage_objects')
    .where('org_id', '=', orgId)
    .where((eb) => eb.or([eb.and([eb('id', 'in', ids), eb('status', '=', 'active')]), eb('derived_from', 'in', ids)]))
    .returning(['id', 'storage_key', 'size_bytes', 'reserved_bytes', 'status'])
    .execute();
  const stored = rows.filter((r) => r.status === 'active');
  const bytes = stored.reduce((sum, r) => sum + r.size_bytes, 0);
  await freeBytes(tx, orgId, bytes);
  await settleReservation(tx, orgId, rows.filter((r) => r.status === 'pending').reduce((sum, r) => sum + r.reserved_bytes, 0), 0);
  return { ids: stored.map((r) => r.id), storageKeys: stored.map((r) => r.storage_key), bytes };
}

export async function deleteStoredBytes(ctx: PlatformContext, storageKeys: string[]): Promise<void> {
  await deleteOrRecordOrphans(ctx, storageKeys, 'deleted object');
}

const SWEEP_BATCH = 500;

export interface ObjectSweep {
  /** The sweep's name in logs. */
  name: string;
  /** The orgs that may have due objects: one cheap query across tenants, no per-org arithmetic. */
  findOrgs(tx: Transaction<PlatformTables>): Promise<string[]>;
  /** At most `limit` ids of one org's due objects, inside that org's tenant transaction. */
  findDue(tx: Transaction<PlatformTables>, orgId: string, limit: number): Promise<string[]>;
  auditAction: string;
}

export interface SweepResult {
  objects: number;
  bytes: number;
  /** Orgs whose share failed (logged, retried by the next run); the others were swept. */
  failedOrgs: number;
}

/**
 * Delete for good, in bounded batches, the objects a scheduled sweep finds due. Each org's
 * batch is found and removed in its own tenant transaction with one audit record, then its
 * bytes are deleted (forEachOrg): an org whose data makes its share fail is logged and
 * skipped, never blocking the others. Safe to run concurrently: a row is removed at most once.
 */
export async function sweepObjects(ctx: PlatformContext, sweep: ObjectSweep): Promise<SweepResult> {
  const total: SweepResult = { objects: 0, bytes: 0, failedOrgs: 0 };
  let orgIds = await withSystem(ctx.database.db, (tx) => sweep.findOrgs(tx));
  while (orgIds.length > 0) {
    const report = await forEachOrg(ctx, {
      name: sweep.name,
      db: ctx.database.db,
      orgIds,
      run: async (tx, orgId) => {
        const due = await sweep.findDue(tx, orgId, SWEEP_BATCH);
        const removed = await removeObjects(tx, orgId, due);
        if (removed.ids.length) {
          await recordAudit(tx, 'system', { orgId, action: sweep.auditAction, targetType: 'storage_object', metadata: { objects: removed.ids.length, bytes: removed.bytes } });
        }
        return { removed, more: due.length === SWEEP_BATCH };
      },
      afterCommit: ({ removed }) => deleteStoredBytes(ctx, removed.storageKeys),
    });
    for (const { result } of report.done) {
      total.objects += result.removed.ids.length;
      total.bytes += result.removed.bytes;
    }
    total.failedOrgs += report.failed.length;
    // Only orgs that filled a whole batch go round again; a failed org waits for the next run.
    orgIds = report.done.filter((d) => d.result.more && d.result.removed.ids.length > 0).map((d) => d.orgId);
  }
  return total;
}

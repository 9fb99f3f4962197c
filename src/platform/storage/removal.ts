import type { Kysely, Transaction } from 'kysely';
import type { PlatformContext } from '../context.js';
import type { PlatformTables } from '../db/schema.js';
import { freeBytes } from './quota.js';

type Tx = Transaction<PlatformTables> | Kysely<PlatformTables>;

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
export async function removeObjects(tx: Tx, orgId: string, ids: string[]): Promise<Removal> {
  if (ids.length === 0) return { ids: [], storageKeys: [], bytes: 0 };
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

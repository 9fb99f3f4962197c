import type { PlatformContext } from '../../../platform/context.js';
import { platformView, type Executor } from '../../../platform/db/executor.js';
import type { PlatformTables } from '../../../platform/db/schema.js';
import { tenantStorageKey } from '../../../platform/storage/keys.js';
import { objectTags } from '../../../platform/storage/uploads.js';

export interface KeyMove {
  from: string;
  to: string;
}

/**
 * Move catalogued objects to new keys without ever losing one, in the documented steps of
 * platform/storage/replace.ts:
 *   1. (here, before any SQL) the bytes are copied to the new keys;
 *   2. (here, in the caller's transaction) the catalog rows take the new keys, and the caller
 *      updates its own rows in the same transaction;
 *   3. (the caller, after the commit) the old bytes are deleted: deleteStoredBytes(oldStorageKeys).
 * A crash before the commit leaves the old objects untouched (plus unreferenced copies at the
 * new keys, overwritten by the next try); after it, the catalog points at the copies and the
 * old bytes are at worst orphaned. A copy that fails (bytes missing) throws before any SQL ran,
 * so the caller may catch it and carry on in the same transaction.
 * Keys without a catalog row (a variant not made yet) are skipped.
 */
export async function moveObjects<DB extends PlatformTables>(
  ctx: PlatformContext,
  db: Executor<DB>,
  orgId: string,
  moves: KeyMove[],
): Promise<{ oldStorageKeys: string[]; bytes: number }> {
  if (moves.length === 0) return { oldStorageKeys: [], bytes: 0 };
  const tx = platformView(db);
  const rows = await tx
    .selectFrom('storage_objects')
    .select(['id', 'key', 'storage_key', 'tags', 'lifecycle_class', 'size_bytes'])
    .where('org_id', '=', orgId)
    .where('status', '=', 'active')
    .where('key', 'in', moves.map((m) => m.from))
    .execute();
  const byKey = new Map(rows.map((r) => [r.key, r]));
  const planned = moves.flatMap((m) => {
    const row = byKey.get(m.from);
    return row ? [{ row, to: m.to, toStorageKey: tenantStorageKey(orgId, m.to) }] : [];
  });

  const copied: string[] = [];
  try {
    for (const p of planned) {
      await ctx.storage.driver.copy(p.row.storage_key, p.toStorageKey);
      copied.push(p.toStorageKey);
      const tags = objectTags(p.row.tags ?? {}, p.row.lifecycle_class);
      if (tags && ctx.storage.driver.setTags) await ctx.storage.driver.setTags(p.toStorageKey, tags);
    }
  } catch (err) {
    // Nothing points at these copies: remove them so a failed move leaves no stray bytes.
    for (const key of copied) await ctx.storage.driver.delete(key).catch(() => {});
    throw err;
  }

  for (const p of planned) {
    await tx.updateTable('storage_objects').set({ key: p.to, storage_key: p.toStorageKey, updated_at: new Date() }).where('org_id', '=', orgId).where('id', '=', p.row.id).execute();
  }
  return { oldStorageKeys: planned.map((p) => p.row.storage_key), bytes: planned.reduce((s, p) => s + Number(p.row.size_bytes), 0) };
}

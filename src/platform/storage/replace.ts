import { randomUUID } from 'node:crypto';
import type { PlatformContext } from '../context.js';
import { withTenant, type TenantScope } from '../db/tenant.js';
import { OBJECT_COLUMNS, toStoredObject, type StoredObject } from './catalog.js';
import { tenantStorageKey } from './keys.js';
import { deleteStoredBytes, removeObjects } from './removal.js';
import { objectTags, storeObject, type StoreUploadInput } from './uploads.js';

/**
 * Store an object at a key that may already hold one, for apps whose layout fixes the key
 * (a brand's logo, a campaign's final video). The old object stays readable until the new
 * one is complete, and the catalog never points at missing bytes:
 *   1. the new bytes are stored as a separate object at a side key;
 *   2. one transaction deletes the old row (its bytes leave the quota) and gives the new row
 *      the wanted key, its bytes still at the side key;
 *   3. the bytes are copied to "{org_id}/{key}", the row points there, the side copy goes.
 * A crash after 2 leaves a correct object whose bytes sit at the side key (plus, at worst,
 * orphaned bytes): nothing a reader sees is ever lost or half-written.
 */
export async function storeReplacing(ctx: PlatformContext, scope: TenantScope, input: StoreUploadInput & { key: string }): Promise<StoredObject> {
  const db = ctx.database.db;
  const existing = await withTenant(db, scope, (tx) =>
    tx.selectFrom('storage_objects').select('id').where('org_id', '=', scope.orgId).where('key', '=', input.key).where('status', '=', 'active').executeTakeFirst(),
  );
  if (!existing) return storeObject(ctx, scope, input);

  const sideKey = `${input.key}.replacing-${randomUUID().slice(0, 8)}`;
  const fresh = await storeObject(ctx, scope, { ...input, key: sideKey });
  const removed = await withTenant(db, scope, async (tx) => {
    const removal = await removeObjects(tx, scope.orgId, [existing.id]);
    await tx.updateTable('storage_objects').set({ key: input.key, updated_at: new Date() }).where('org_id', '=', scope.orgId).where('id', '=', fresh.id).execute();
    return removal;
  });
  await deleteStoredBytes(ctx, removed.storageKeys);

  const finalStorageKey = tenantStorageKey(scope.orgId, input.key);
  await ctx.storage.driver.copy(fresh.storageKey, finalStorageKey);
  const tags = objectTags(fresh.tags, fresh.lifecycleClass);
  if (tags && ctx.storage.driver.setTags) await ctx.storage.driver.setTags(finalStorageKey, tags);
  const row = await withTenant(db, scope, (tx) =>
    tx.updateTable('storage_objects').set({ storage_key: finalStorageKey }).where('org_id', '=', scope.orgId).where('id', '=', fresh.id).returning(OBJECT_COLUMNS).executeTakeFirstOrThrow(),
  );
  await deleteStoredBytes(ctx, [fresh.storageKey]);
  return toStoredObject(row);
}

/** Delete for good the objects at these keys (missing keys are ignored); frees their quota. */
export async function deleteObjectsAt(ctx: PlatformContext, scope: TenantScope, keys: string[]): Promise<number> {
  if (keys.length === 0) return 0;
  const removal = await withTenant(ctx.database.db, scope, async (tx) => {
    const rows = await tx.selectFrom('storage_objects').select('id').where('org_id', '=', scope.orgId).where('key', 'in', keys).where('status', '=', 'active').execute();
    return removeObjects(tx, scope.orgId, rows.map((r) => r.id));
  });
  await deleteStoredBytes(ctx, removal.storageKeys);
  return removal.ids.length;
}

/** Delete for good every object whose key starts with `prefix` (e.g. a campaign's folder). */
export async function deleteObjectsUnder(ctx: PlatformContext, scope: TenantScope, prefix: string): Promise<number> {
  const removal = await withTenant(ctx.database.db, scope, async (tx) => {
    const pattern = `${prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    const rows = await tx.selectFrom('storage_objects').select('id').where('org_id', '=', scope.orgId).where('key', 'like', pattern).where('status', '=', 'active').execute();
    return removeObjects(tx, scope.orgId, rows.map((r) => r.id));
  });
  await deleteStoredBytes(ctx, removal.storageKeys);
  return removal.ids.length;
}

/** The keys of the committed objects whose key starts with `prefix`, in key order (trashed ones left out). */
export async function listKeysUnder(ctx: PlatformContext, scope: TenantScope, prefix: string): Promise<string[]> {
  const rows = await withTenant(ctx.database.db, scope, (tx) => {
    const pattern = `${prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    return tx.selectFrom('storage_objects').select('key').where('org_id', '=', scope.orgId).where('key', 'like', pattern).where('status', '=', 'active').where('trashed_at', 'is', null).orderBy('key').execute();
  });
  return rows.map((r) => r.key);
}

/** The committed object at a key, or null (trashed objects included, flagged by trashedAt). */
export async function findObjectAt(ctx: PlatformContext, scope: TenantScope, key: string): Promise<StoredObject | null> {
  const row = await withTenant(ctx.database.db, scope, (tx) =>
    tx.selectFrom('storage_objects').select(OBJECT_COLUMNS).where('org_id', '=', scope.orgId).where('key', '=', key).where('status', '=', 'active').executeTakeFirst(),
  );
  return row ? toStoredObject(row) : null;
}

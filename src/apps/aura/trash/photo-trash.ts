import type { Transaction } from 'kysely';
import type { PlatformContext } from '../../../platform/context.js';
import { removeObjects, type Removal } from '../../../platform/storage/removal.js';
import { notFound } from '../../../platform/errors.js';
import type { AuraTables } from '../schema.js';
import { trashKeyFor } from '../storage-layout.js';
import { moveObjects, type KeyMove } from './move-objects.js';

type Tx = Transaction<AuraTables>;

/** What moving a photo to trash needs of its row. */
export interface TrashablePhoto {
  id: string;
  full_path: string;
  full_key: string | null;
  thumb_key: string | null;
}

export async function orgSlug(tx: Tx, orgId: string): Promise<string> {
  const org = await tx.selectFrom('orgs').select('slug').where('id', '=', orgId).executeTakeFirst();
  if (!org) throw notFound('Organisation');
  return org.slug;
}

/** The photo's original and variants as key moves; a key already outside the org's live photos is left where it is. */
function movesOf(to: (key: string) => string | null): { moves: KeyMove[]; next: (key: string | null) => string | null } {
  const moves: KeyMove[] = [];
  const next = (key: string | null) => {
    if (!key) return key;
    const target = to(key);
    if (!target) return key;
    moves.push({ from: key, to: target });
    return target;
  };
  return { moves, next };
}

/**
 * Move a live photo to trash inside the caller's transaction: its objects go under
 * "photos/{org_slug}/_trash/{photo_id}/", the row points there and remembers where it was.
 * Returns the old bytes' keys for the caller to delete after the commit (move-objects.ts).
 */
export async function movePhotoToTrash(ctx: PlatformContext, tx: Tx, orgId: string, photo: TrashablePhoto, trashedBy: string | null, now = new Date()): Promise<string[]> {
  const slug = await orgSlug(tx, orgId);
  const { moves, next } = movesOf((key) => trashKeyFor(slug, photo.id, key));
  const fullPath = next(photo.full_path)!;
  const fullKey = next(photo.full_key);
  const thumbKey = next(photo.thumb_key);
  const moved = await moveObjects(ctx, tx, orgId, moves);
  await tx
    .updateTable('aura_photos')
    .set({ full_path: fullPath, full_key: fullKey, thumb_key: thumbKey, trashed_at: now, trashed_by: trashedBy, trashed_from: photo.full_path, updated_at: now })
    .where('org_id', '=', orgId)
    .where('id', '=', photo.id)
    .execute();
  return moved.oldStorageKeys;
}

/** Moves a trashed photo's objects back to `targets` (original key → wanted key) and makes the row live again. */
export async function movePhotoOutOfTrash(
  ctx: PlatformContext,
  tx: Tx,
  orgId: string,
  photo: TrashablePhoto,
  target: (trashKey: string) => string | null,
  fileName: string,
  now = new Date(),
): Promise<string[]> {
  const { moves, next } = movesOf(target);
  const fullPath = next(photo.full_path)!;
  const fullKey = next(photo.full_key);
  const thumbKey = next(photo.thumb_key);
  const moved = await moveObjects(ctx, tx, orgId, moves);
  await tx
    .updateTable('aura_photos')
    .set({ full_path: fullPath, full_key: fullKey, thumb_key: thumbKey, path: fileName, trashed_at: null, trashed_by: null, trashed_from: null, updated_at: now })
    .where('org_id', '=', orgId)
    .where('id', '=', photo.id)
    .execute();
  return moved.oldStorageKeys;
}

/**
 * Delete trashed photos for good inside the caller's transaction: their catalog objects go
 * (bytes back to the quota, platform/storage/removal.ts), then their rows (bundles forget them
 * by cascade). The caller deletes the stored bytes after the commit (deleteStoredBytes).
 */
export async function purgePhotos(tx: Tx, orgId: string, photoIds: string[]): Promise<Removal & { photos: number }> {
  if (photoIds.length === 0) return { ids: [], storageKeys: [], bytes: 0, photos: 0 };
  const photos = await tx
    .selectFrom('aura_photos')
    .select(['id', 'full_path', 'full_key', 'thumb_key'])
    .where('org_id', '=', orgId)
    .where('id', 'in', photoIds)
    .where('trashed_at', 'is not', null)
    .execute();
  const keys = photos.flatMap((p) => [p.full_path, p.full_key, p.thumb_key].filter((k): k is string => Boolean(k)));
  const objects = keys.length
    ? await tx.selectFrom('storage_objects').select('id').where('org_id', '=', orgId).where('status', '=', 'active').where('key', 'in', keys).execute()
    : [];
  const removal = await removeObjects(tx, orgId, objects.map((o) => o.id));
  if (photos.length) await tx.deleteFrom('aura_photos').where('org_id', '=', orgId).where('id', 'in', photos.map((p) => p.id)).execute();
  return { ...removal, photos: photos.length };
}

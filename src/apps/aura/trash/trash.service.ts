import type { PlatformContext } from '../../../platform/context.js';
import type { Principal } from '../../../platform/auth/principal.js';
import { recordAudit, type RequestMeta } from '../../../platform/audit/audit.service.js';
import { fetchPage, mapPage, type PageRequest } from '../../../platform/db/page.js';
import { deleteStoredBytes } from '../../../platform/storage/removal.js';
import { badRequest, conflict, notFound } from '../../../platform/errors.js';
import { auraDb } from '../db.js';
import { keyFromTrash, withTimestampSuffix } from '../storage-layout.js';
import { movePhotoOutOfTrash, movePhotoToTrash, purgePhotos } from './photo-trash.js';
import { DAY_MS, retentionDays } from './retention-settings.js';

const TRASH_COLUMNS = ['id', 'original_name', 'path', 'full_path', 'full_key', 'thumb_key', 'size_bytes', 'source_type', 'event_id', 'trashed_at', 'trashed_by', 'trashed_from'] as const;

/**
 * The seed's "Deletion Handling" for cloud photos: delete moves to trash, an admin restores
 * or deletes for good (confirmed, audited), the retention sweep does the rest (retention.sweep.ts).
 */
export class TrashService {
  constructor(private readonly ctx: PlatformContext) {}

  async trash(p: Principal, photoId: string, meta: RequestMeta) {
    const { oldKeys, view } = await auraDb.withTenant(this.ctx, p, async (tx) => {
      const photo = await tx.selectFrom('aura_photos').select(['id', 'full_path', 'full_key', 'thumb_key', 'original_name', 'trashed_at']).where('org_id', '=', p.orgId).where('id', '=', photoId).forUpdate().executeTakeFirst();
      if (!photo) throw notFound('Photo');
      if (photo.trashed_at) throw conflict('The photo is already in trash: restore it with POST /aura/api/trash/restore/{id}, or delete it for good with DELETE /aura/api/trash/{id}', 'ALREADY_IN_TRASH');
      const oldKeys = await movePhotoToTrash(this.ctx, tx, p.orgId, photo, p.userId);
      await recordAudit(tx, p, { orgId: p.orgId, action: 'aura.photo.trashed', targetType: 'aura_photo', targetId: photo.id, metadata: { name: photo.original_name, from: photo.full_path } }, meta);
      return { oldKeys, view: await this.view(tx, p.orgId, photo.id) };
    });
    await deleteStoredBytes(this.ctx, oldKeys);
    return view;
  }

  list(p: Principal, page: PageRequest) {
    return auraDb.withTenant(this.ctx, p, async (tx) => {
      const days = await retentionDays(tx, p.orgId);
      const rows = await fetchPage(
        tx.selectFrom('aura_photos').where('org_id', '=', p.orgId).where('trashed_at', 'is not', null),
        page,
        (q) => q.select(TRASH_COLUMNS).orderBy('trashed_at', 'desc').orderBy('id', 'desc'),
      );
      return mapPage(rows, (r) => trashView(r, days));
    });
  }

  /** Back to where it was; a name taken there since gets the seed's timestamp suffix. */
  async restore(p: Principal, photoId: string, meta: RequestMeta) {
    const now = new Date();
    const { oldKeys, view } = await auraDb.withTenant(this.ctx, p, async (tx) => {
      const photo = await tx.selectFrom('aura_photos').select(['id', 'full_path', 'full_key', 'thumb_key', 'path', 'trashed_at', 'trashed_from']).where('org_id', '=', p.orgId).where('id', '=', photoId).forUpdate().executeTakeFirst();
      if (!photo) throw notFound('Photo');
      if (!photo.trashed_at || !photo.trashed_from) throw conflict('The photo is not in trash: nothing to restore', 'NOT_IN_TRASH');
      const original = (key: string) => (key === photo.full_path ? photo.trashed_from : keyFromTrash(key));
      const wanted = [photo.full_path, photo.full_key, photo.thumb_key].flatMap((k) => (k ? [original(k)].filter((o): o is string => Boolean(o)) : []));
      const taken = wanted.length ? await tx.selectFrom('storage_objects').select('key').where('org_id', '=', p.orgId).where('key', 'in', wanted).execute() : [];
      const clash = taken.length > 0 || Boolean(await tx.selectFrom('aura_photos').select('id').where('org_id', '=', p.orgId).where('full_path', '=', photo.trashed_from).executeTakeFirst());
      const target = (key: string) => {
        const o = original(key);
        return o && clash ? withTimestampSuffix(o, now) : o;
      };
      const restoredPath = target(photo.full_path)!;
      const fileName = restoredPath.slice(restoredPath.lastIndexOf('/') + 1);
      const oldKeys = await movePhotoOutOfTrash(this.ctx, tx, p.orgId, photo, target, fileName, now);
      await recordAudit(tx, p, { orgId: p.orgId, action: 'aura.photo.restored', targetType: 'aura_photo', targetId: photo.id, metadata: { to: restoredPath, renamed: clash } }, meta);
      return { oldKeys, view: { ...(await this.view(tx, p.orgId, photo.id)), renamed: clash } };
    });
    await deleteStoredBytes(this.ctx, oldKeys);
    return view;
  }

  /** For good: admin only (the route), with { "confirm": true }, audited; the quota gets the bytes back. */
  async deletePermanently(p: Principal, photoId: string, confirm: boolean | undefined, meta: RequestMeta) {
    const removal = await auraDb.withTenant(this.ctx, p, async (tx) => {
      const photo = await tx.selectFrom('aura_photos').select(['id', 'original_name', 'trashed_at', 'trashed_from', 'size_bytes']).where('org_id', '=', p.orgId).where('id', '=', photoId).forUpdate().executeTakeFirst();
      if (!photo) throw notFound('Photo');
      if (!photo.trashed_at) throw conflict('Only a photo in trash can be deleted for good: move it to trash first with DELETE /aura/api/photos/{id}', 'NOT_IN_TRASH');
      if (confirm !== true) throw badRequest('Deleting for good cannot be undone: send {"confirm": true} to confirm', undefined, 'CONFIRMATION_REQUIRED');
      const removed = await purgePhotos(tx, p.orgId, [photo.id]);
      await recordAudit(tx, p, { orgId: p.orgId, action: 'aura.photo.deleted_permanently', targetType: 'aura_photo', targetId: photo.id, metadata: { name: photo.original_name, from: photo.trashed_from, bytes: removed.bytes } }, meta);
      return removed;
    });
    await deleteStoredBytes(this.ctx, removal.storageKeys);
    return { deleted: removal.photos, freed_bytes: removal.bytes };
  }

  /** An admin keeps an event_temp photo: the retention sweep never moves it to trash. */
  keep(p: Principal, photoId: string, keep: boolean, meta: RequestMeta) {
    return auraDb.withTenant(this.ctx, p, async (tx) => {
      const photo = await tx.selectFrom('aura_photos').select(['id', 'source_type', 'trashed_at']).where('org_id', '=', p.orgId).where('id', '=', photoId).executeTakeFirst();
      if (!photo) throw notFound('Photo');
      if (photo.source_type !== 'event_temp') throw conflict('Only event_temp photos expire; this one is kept already', 'NOT_EVENT_TEMP');
      await tx.updateTable('aura_photos').set({ kept_permanently: keep, updated_at: new Date() }).where('org_id', '=', p.orgId).where('id', '=', photo.id).execute();
      await recordAudit(tx, p, { orgId: p.orgId, action: keep ? 'aura.photo.kept' : 'aura.photo.unkept', targetType: 'aura_photo', targetId: photo.id }, meta);
      return { id: photo.id, source_type: photo.source_type, kept_permanently: keep, trashed: photo.trashed_at !== null };
    });
  }

  private async view(tx: Parameters<Parameters<typeof auraDb.withTenant>[2]>[0], orgId: string, id: string) {
    const row = await tx.selectFrom('aura_photos').select(TRASH_COLUMNS).where('org_id', '=', orgId).where('id', '=', id).executeTakeFirstOrThrow();
    return trashView(row, await retentionDays(tx, orgId));
  }
}

type TrashRow = { id: string; original_name: string; path: string; full_path: string; size_bytes: string; source_type: string; event_id: string | null; trashed_at: Date | null; trashed_by: string | null; trashed_from: string | null };

function trashView(r: TrashRow, days: number) {
  return {
    id: r.id,
    original_name: r.original_name,
    path: r.path,
    full_path: r.full_path,
    event_id: r.event_id,
    source_type: r.source_type,
    size_bytes: Number(r.size_bytes),
    trashed_at: r.trashed_at,
    trashed_by: r.trashed_by,
    trashed_from: r.trashed_from,
    delete_after: r.trashed_at ? new Date(r.trashed_at.getTime() + days * DAY_MS) : null,
  };
}

import type { Transaction } from 'kysely';
import type { z } from 'zod';
import type { PlatformContext } from '../../../platform/context.js';
import type { Principal } from '../../../platform/auth/principal.js';
import type { TenantScope } from '../../../platform/db/tenant.js';
import { recordAudit, type RequestMeta } from '../../../platform/audit/audit.service.js';
import { notFound } from '../../../platform/errors.js';
import { fetchPage, mapPage } from '../../../platform/db/page.js';
import { findObjectAt } from '../../../platform/storage/replace.js';
import type { StoredObject } from '../../../platform/storage/catalog.js';
import { auraDb } from '../db.js';
import type { AuraTables, PhotoSourceType } from '../schema.js';
import { photoView, type PhotoRow } from './photo-row.js';
import type { updatePhotoBody } from './photo.schema.js';

export type PhotoImage = 'thumb' | 'full' | 'original';

/** Reading and editing catalogued photos; uploads are PhotoUploadService's. */
export class PhotosService {
  constructor(private readonly ctx: PlatformContext) {}

  async list(p: Principal, q: { page: number; limit: number; event_id?: string; source_type?: PhotoSourceType }) {
    const page = await auraDb.withTenant(this.ctx, p, (tx) => {
      // Trashed photos leave the library; the trash lists them (trash/trash.service.ts).
      let filtered = tx.selectFrom('aura_photos').where('org_id', '=', p.orgId).where('trashed_at', 'is', null);
      if (q.event_id) filtered = filtered.where('event_id', '=', q.event_id);
      if (q.source_type) filtered = filtered.where('source_type', '=', q.source_type);
      return fetchPage(filtered, q, (f) => f.selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc'));
    });
    return mapPage(page, photoView);
  }

  async get(p: Principal, id: string) {
    return photoView(await auraDb.withTenant(this.ctx, p, (tx) => find(tx, p.orgId, id)));
  }

  /** Admins only (the RLS matrix: employees may not change photos). Files keep their paths. */
  async update(p: Principal, id: string, input: z.infer<typeof updatePhotoBody>, meta: RequestMeta) {
    const row = await auraDb.withTenant(this.ctx, p, async (tx) => {
      const current = await find(tx, p.orgId, id);
      if (input.event_id) {
        const event = await tx.selectFrom('aura_events').select('id').where('org_id', '=', p.orgId).where('id', '=', input.event_id).executeTakeFirst();
        if (!event) throw notFound('Event');
      }
      const updated = await tx
        .updateTable('aura_photos')
        .set({
          ...(input.event_id !== undefined ? { event_id: input.event_id } : {}),
          ...(input.source_type !== undefined ? { source_type: input.source_type } : {}),
          ...(input.photo_date !== undefined ? { photo_date: input.photo_date } : {}),
          ...(input.metadata !== undefined ? { metadata: JSON.stringify(withFileExif(input.metadata, current.metadata)) } : {}),
          updated_at: new Date(),
        })
        .where('org_id', '=', p.orgId)
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirstOrThrow();
      await recordAudit(tx, p, { orgId: p.orgId, action: 'aura.photo.update', targetType: 'aura_photo', targetId: id, metadata: { fields: Object.keys(input) } }, meta);
      return updated;
    });
    return photoView(row);
  }

  /** The stored object behind one of a photo's images, for streaming. */
  async image(p: Principal, id: string, which: PhotoImage): Promise<StoredObject> {
    return photoImage(this.ctx, p, id, which);
  }
}

/** The stored object behind one of a photo's images, as `scope`'s org (guests' downloads too). */
export async function photoImage(ctx: PlatformContext, scope: TenantScope, id: string, which: PhotoImage): Promise<StoredObject> {
  const row = await auraDb.withTenant(ctx, scope, (tx) => find(tx, scope.orgId, id));
  const key = which === 'original' ? row.full_path : which === 'full' ? row.full_key : row.thumb_key;
  const object = key ? await findObjectAt(ctx, scope, key) : null;
  if (!object || object.trashedAt) throw notFound('Photo image', 'NOT_FOUND', `This photo has no ${which} image: upload the photo again`);
  return object;
}

/**
 * The new metadata replaces the old, except `exif`: it was read from the original file at
 * upload (the schema refuses it from a client), and the file has not changed.
 */
function withFileExif(next: Record<string, unknown>, current: unknown): Record<string, unknown> {
  const exif = current && typeof current === 'object' ? (current as { exif?: unknown }).exif : undefined;
  return exif === undefined ? next : { ...next, exif };
}

async function find(tx: Transaction<AuraTables>, orgId: string, id: string): Promise<PhotoRow> {
  const row = await tx.selectFrom('aura_photos').selectAll().where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('Photo');
  return row;
}

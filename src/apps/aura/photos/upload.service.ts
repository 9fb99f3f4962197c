import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type { PlatformContext } from '../../../platform/context.js';
import type { Principal } from '../../../platform/auth/principal.js';
import { recordAudit, type RequestMeta } from '../../../platform/audit/audit.service.js';
import { recordUsage } from '../../../platform/usage/usage.service.js';
import { AppError, conflict, isUniqueViolation, notFound } from '../../../platform/errors.js';
import { storeUpload } from '../../../platform/storage/uploads.js';
import { deleteStoredBytes, removeObjects } from '../../../platform/storage/removal.js';
import type { StoredObject } from '../../../platform/storage/catalog.js';
import { auraDb } from '../db.js';
import type { PhotoSourceType } from '../schema.js';
import { fullKey, originalKey, thumbKey, UNSORTED_FOLDER } from '../storage-layout.js';
import { inspectPhoto, makeVariants } from './photo-image.js';
import { storedName, withSuffix } from './photo-names.js';
import { photoView, type PhotoRow } from './photo-row.js';
import { onPhotoStored } from './on-photo-stored.js';

export const PHOTO_UPLOAD_KIND = 'aura.photo';
export const VARIANT_UPLOAD_KIND = 'aura.variant';

/** Names tried before giving up on a free one (IMG_0001.jpg … IMG_0001-999.jpg). */
const MAX_SUFFIX = 1000;
/** Another upload taking the chosen name between the check and the store: choose again. */
const NAME_RACE_RETRIES = 3;

export interface UploadTarget {
  eventId: string | null;
  folder: string;
  orgSlug: string;
  sourceType: PhotoSourceType;
}

export type UploadOutcome =
  | { file: string; status: 'stored' | 'duplicate'; photo: ReturnType<typeof photoView> }
  | { file: string; status: 'failed'; error: { status: number; code: string; message: string } };

/**
 * One photo of an upload batch: checked, deduplicated by content, named, stored at the seed's
 * paths with its two WebP variants, and catalogued. Each file succeeds or fails on its own: a
 * file over the quota fails with 413 while the files before it stay stored.
 */
export class PhotoUploadService {
  constructor(private readonly ctx: PlatformContext) {}

  /** Where this batch goes: its event (404 when not this org's) or "unsorted", and the org's slug. */
  async target(p: Principal, input: { event_id?: string; source_type: PhotoSourceType }): Promise<UploadTarget> {
    return auraDb.withTenant(this.ctx, p, async (tx) => {
      const org = await tx.selectFrom('orgs').select('slug').where('id', '=', p.orgId).executeTakeFirstOrThrow();
      if (!input.event_id) return { eventId: null, folder: UNSORTED_FOLDER, orgSlug: org.slug, sourceType: input.source_type };
      const event = await tx.selectFrom('aura_events').select(['id', 'folder']).where('org_id', '=', p.orgId).where('id', '=', input.event_id).executeTakeFirst();
      if (!event) throw notFound('Event');
      return { eventId: event.id, folder: event.folder, orgSlug: org.slug, sourceType: input.source_type };
    });
  }

  async ingest(p: Principal, target: UploadTarget, file: { filename: string; bytes: Buffer }, meta: RequestMeta): Promise<UploadOutcome> {
    try {
      return await this.store(p, target, file, meta);
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      return { file: file.filename, status: 'failed', error: { status: err.status, code: err.code, message: err.message } };
    }
  }

  private async store(p: Principal, target: UploadTarget, file: { filename: string; bytes: Buffer }, meta: RequestMeta): Promise<UploadOutcome> {
    const photo = await inspectPhoto(file.bytes);
    const hash = createHash('sha256').update(file.bytes).digest('hex');
    const existing = await this.byHash(p, hash);
    if (existing) return { file: file.filename, status: 'duplicate', photo: photoView(existing) };

    const variants = await makeVariants(file.bytes);
    const year = (photo.photoDate ?? new Date()).getUTCFullYear();
    const baseName = storedName(file.filename, photo.extension);

    for (let attempt = 0; ; attempt++) {
      const name = await this.freeName(p, target, year, baseName);
      const keys = {
        original: originalKey(target.orgSlug, year, target.folder, name),
        full: fullKey(target.orgSlug, year, target.folder, name),
        thumb: thumbKey(target.orgSlug, year, target.folder, name),
      };
      const stored: StoredObject[] = [];
      try {
        stored.push(await storeUpload(this.ctx, p, { stream: Readable.from([file.bytes]), kind: PHOTO_UPLOAD_KIND, key: keys.original, sizeHint: file.bytes.length, tags: { app: 'aura', variant: 'original' } }));
        stored.push(await storeUpload(this.ctx, p, { stream: Readable.from([variants.full]), kind: VARIANT_UPLOAD_KIND, key: keys.full, sizeHint: variants.full.length, tags: { app: 'aura', variant: 'full' } }));
        stored.push(await storeUpload(this.ctx, p, { stream: Readable.from([variants.thumb]), kind: VARIANT_UPLOAD_KIND, key: keys.thumb, sizeHint: variants.thumb.length, tags: { app: 'aura', variant: 'thumb' } }));
      } catch (err) {
        await this.discard(p, stored);
        if (err instanceof AppError && err.code === 'KEY_EXISTS' && attempt < NAME_RACE_RETRIES) continue;
        throw err;
      }

      const row = await auraDb.withTenant(this.ctx, p, async (tx) => {
        const inserted = await tx
          .insertInto('aura_photos')
          .values({
            org_id: p.orgId,
            event_id: target.eventId,
            path: name,
            full_path: keys.original,
            full_key: keys.full,
            thumb_key: keys.thumb,
            original_name: file.filename.slice(0, 255) || name,
            content_type: photo.contentType,
            size_bytes: file.bytes.length,
            width: photo.width,
            height: photo.height,
            content_hash: hash,
            source_type: target.sourceType,
            photo_date: photo.photoDate,
            metadata: JSON.stringify({ exif: photo.exif }),
            created_by: p.userId,
          })
          .returningAll()
          .executeTakeFirstOrThrow();
        await recordUsage(tx, { orgId: p.orgId, userId: p.userId, action: 'aura.photo.upload', bytes: file.bytes.length, metadata: { photo_id: inserted.id, source_type: target.sourceType } });
        await recordAudit(tx, p, { orgId: p.orgId, action: 'aura.photo.upload', targetType: 'aura_photo', targetId: inserted.id, metadata: { key: keys.original, bytes: file.bytes.length } }, meta);
        await onPhotoStored(this.ctx, tx, inserted);
        return inserted;
      }).catch(async (err) => {
        await this.discard(p, stored);
        // The same bytes arrived in a parallel request and won: answer its photo.
        if (isUniqueViolation(err)) return null;
        throw err;
      });
      if (row) return { file: file.filename, status: 'stored', photo: photoView(row) };
      const winner = await this.byHash(p, hash);
      if (winner) return { file: file.filename, status: 'duplicate', photo: photoView(winner) };
      throw conflict('Another upload took this photo\'s name at the same moment: send it again', 'PHOTO_NAME_TAKEN');
    }
  }

  private byHash(p: Principal, hash: string): Promise<PhotoRow | undefined> {
    return auraDb.withTenant(this.ctx, p, (tx) => tx.selectFrom('aura_photos').selectAll().where('org_id', '=', p.orgId).where('content_hash', '=', hash).executeTakeFirst());
  }

  /**
   * The first of NAME, NAME-1, NAME-2… whose original and variant keys are all free (a
   * trashed or in-flight file still holds its key, and IMG_1.jpg and IMG_1.png share a WebP name).
   */
  private async freeName(p: Principal, target: UploadTarget, year: number, baseName: string): Promise<string> {
    return auraDb.withTenant(this.ctx, p, async (tx) => {
      for (let n = 0; n < MAX_SUFFIX; n++) {
        const name = withSuffix(baseName, n);
        const keys = [originalKey(target.orgSlug, year, target.folder, name), fullKey(target.orgSlug, year, target.folder, name), thumbKey(target.orgSlug, year, target.folder, name)];
        const taken = await tx.selectFrom('storage_objects').select('id').where('org_id', '=', p.orgId).where('key', 'in', keys).executeTakeFirst();
        const catalogued = taken ?? (await tx.selectFrom('aura_photos').select('id').where('org_id', '=', p.orgId).where('full_path', '=', keys[0]).executeTakeFirst());
        if (!catalogued) return name;
      }
      throw conflict(`${MAX_SUFFIX} photos named like "${baseName}" are already in this folder: rename the file and upload it again`, 'PHOTO_NAME_TAKEN');
    });
  }

  /** Files stored for a photo that then failed: deleted for good, their bytes back in the quota. */
  private async discard(p: Principal, stored: StoredObject[]): Promise<void> {
    if (stored.length === 0) return;
    const removal = await auraDb.withTenant(this.ctx, p, (tx) => removeObjects(tx, p.orgId, stored.map((o) => o.id)));
    await deleteStoredBytes(this.ctx, removal.storageKeys);
  }
}

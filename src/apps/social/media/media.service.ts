import type { Readable } from 'node:stream';
import { randomUUID } from 'node:crypto';
import { sql, type ExpressionBuilder, type Transaction } from 'kysely';
import sharp from 'sharp';
import type { PlatformContext } from '../../../platform/context.js';
import type { Principal } from '../../../platform/auth/principal.js';
import type { RequestMeta } from '../../../platform/audit/audit.service.js';
import { fetchPage, type PageRequest } from '../../../platform/db/page.js';
import { storeUpload } from '../../../platform/storage/uploads.js';
import { deleteStoredBytes, removeObjects } from '../../../platform/storage/removal.js';
import type { ByteRange } from '../../../platform/storage/driver.js';
import { conflict, notFound } from '../../../platform/errors.js';
import type { MediaType, SocialTables } from '../schema.js';
import { socialDb } from '../db.js';
import { logActivity } from '../activity/activity-log.js';
import { derivativesJob } from '../../../platform/jobs/platform-jobs.js';
import { videoPosterJob } from './video-poster.job.js';
import { escapeLike } from '../campaigns/campaigns.service.js';
import { mediaKey, UPLOAD_KINDS } from '../storage-layout.js';

const MEDIA_COLUMNS = ['m.id', 'm.name', 'm.mime_type', 'm.media_type', 'm.size_bytes', 'm.width', 'm.height', 'm.duration_seconds', 'm.tags', 'm.alt_text', 'm.uploaded_by', 'm.created_at', 'm.updated_at'] as const;

/** Whether the file's thumbnail (the platform's `thumb` derivative: storage.derivatives or social.video-poster job) exists yet. */
const thumbnailReady = (eb: ExpressionBuilder<SocialTables & { m: SocialTables['social_media_assets'] }, 'm'>) =>
  eb
    .exists(eb.selectFrom('storage_objects as t').select('t.id').whereRef('t.org_id', '=', 'm.org_id').whereRef('t.derived_from', '=', 'm.storage_object_id').where('t.variant', '=', 'thumb').where('t.status', '=', 'active'))
    .$castTo<boolean>()
    .as('thumbnail_ready');

export interface MediaFields {
  name?: string;
  tags?: string[];
  alt_text?: string | null;
}

export interface MediaUpload {
  stream: Readable;
  fileName: string;
  /** The client's declared type: picks the upload kind; the bytes decide whether it is accepted. */
  declaredType: string;
}

/**
 * The media library: files stored through the platform (type checked by magic bytes, size by
 * kind, quota counted), with names, tags and alt text; "used in" is the posts whose current
 * version shows the file. A file in use cannot be deleted: detach it from those posts first,
 * so no scheduled post loses its image.
 */
export class MediaService {
  constructor(private readonly ctx: PlatformContext) {}

  async upload(p: Principal, file: MediaUpload, fields: MediaFields, meta: RequestMeta) {
    const id = randomUUID();
    const mediaType: MediaType = file.declaredType.startsWith('video/') ? 'video' : 'image';
    const stored = await storeUpload(this.ctx, p, { stream: file.stream, kind: UPLOAD_KINDS[mediaType], key: mediaKey(id, file.fileName), contentType: file.declaredType });
    try {
      const dims = mediaType === 'image' ? await this.imageSize(stored.storageKey) : null;
      return await socialDb.withTenant(this.ctx, p, async (tx) => {
        await tx
          .insertInto('social_media_assets')
          .values({
            id,
            org_id: p.orgId,
            storage_object_id: stored.id,
            storage_key: stored.key,
            name: (fields.name ?? file.fileName).slice(0, 255) || 'file',
            mime_type: stored.contentType,
            media_type: mediaType,
            size_bytes: stored.sizeBytes,
            width: dims?.width ?? null,
            height: dims?.height ?? null,
            tags: normaliseTags(fields.tags ?? []),
            alt_text: fields.alt_text ?? null,
            uploaded_by: p.userId,
          })
          .execute();
        await logActivity(tx, p, meta, { action: 'media.uploaded', entityType: 'media', entityId: id, details: { name: fields.name ?? file.fileName, size_bytes: stored.sizeBytes } });
        // The library's thumbnail (and a web-sized copy), made by a job once this commits: the
        // platform's for an image; for a video, Social's, which also measures it.
        if (mediaType === 'image') await this.ctx.jobs.enqueue(derivativesJob, { orgId: p.orgId, objectId: stored.id }, { tx });
        else await this.ctx.jobs.enqueue(videoPosterJob, { orgId: p.orgId, mediaId: id }, { tx });
        return this.find(tx, p.orgId, id);
      });
    } catch (err) {
      // The row never came to be: give the stored bytes (and their quota) back.
      const removal = await socialDb.withTenant(this.ctx, p, (tx) => removeObjects(tx, p.orgId, [stored.id]));
      await deleteStoredBytes(this.ctx, removal.storageKeys);
      throw err;
    }
  }

  list(p: Principal, q: PageRequest & { q?: string; tag?: string[]; media_type?: MediaType }) {
    return socialDb.withTenant(this.ctx, p, (tx) => {
      let filtered = tx.selectFrom('social_media_assets as m').where('m.org_id', '=', p.orgId).where('m.deleted_at', 'is', null);
      if (q.q) filtered = filtered.where(sql<boolean>`(m.name ilike ${`%${escapeLike(q.q)}%`} or m.alt_text ilike ${`%${escapeLike(q.q)}%`})`);
      if (q.tag?.length) filtered = filtered.where(sql<boolean>`m.tags @> ${sql.val(normaliseTags(q.tag))}::text[]`);
      if (q.media_type) filtered = filtered.where('m.media_type', '=', q.media_type);
      return fetchPage(filtered, q, (f) => f.select(MEDIA_COLUMNS).select(thumbnailReady).orderBy('m.created_at', 'desc').orderBy('m.id', 'desc'));
    });
  }

  get(p: Principal, id: string) {
    return socialDb.withTenant(this.ctx, p, async (tx) => ({ ...(await this.find(tx, p.orgId, id)), used_in: await usedIn(tx, p.orgId, id) }));
  }

  update(p: Principal, id: string, fields: MediaFields, meta: RequestMeta) {
    return socialDb.withTenant(this.ctx, p, async (tx) => {
      await this.find(tx, p.orgId, id);
      await tx
        .updateTable('social_media_assets')
        .set({ ...fields, ...(fields.tags ? { tags: normaliseTags(fields.tags) } : {}) })
        .where('org_id', '=', p.orgId)
        .where('id', '=', id)
        .execute();
      await logActivity(tx, p, meta, { action: 'media.updated', entityType: 'media', entityId: id, details: { changed: Object.keys(fields) } });
      return this.find(tx, p.orgId, id);
    });
  }

  /** Refused (409 MEDIA_IN_USE) while a post shows it; otherwise the row is soft-deleted and the bytes freed. */
  async delete(p: Principal, id: string, meta: RequestMeta) {
    const removal = await socialDb.withTenant(this.ctx, p, async (tx) => {
      const row = await tx.selectFrom('social_media_assets').select('storage_object_id').where('org_id', '=', p.orgId).where('id', '=', id).where('deleted_at', 'is', null).forUpdate().executeTakeFirst();
      if (!row) throw notFound('Media');
      const uses = await usedIn(tx, p.orgId, id);
      if (uses.length) {
        throw conflict(`This file is used by ${uses.length} post(s): remove it from them first (PATCH /social/api/posts/{id} with its media)`, 'MEDIA_IN_USE', { post_ids: [...new Set(uses.map((u) => u.post_id))] });
      }
      await tx.updateTable('social_media_assets').set({ deleted_at: new Date() }).where('org_id', '=', p.orgId).where('id', '=', id).execute();
      await logActivity(tx, p, meta, { action: 'media.deleted', entityType: 'media', entityId: id });
      return removeObjects(tx, p.orgId, [row.storage_object_id]);
    });
    await deleteStoredBytes(this.ctx, removal.storageKeys);
  }

  /** What GET /media/{id}/file streams. */
  async download(p: Principal, id: string) {
    const row = await socialDb.withTenant(this.ctx, p, (tx) =>
      tx
        .selectFrom('social_media_assets as m')
        .innerJoin('storage_objects as o', (j) => j.onRef('o.org_id', '=', 'm.org_id').onRef('o.id', '=', 'm.storage_object_id'))
        .select(['m.name', 'm.mime_type', 'm.size_bytes', 'o.storage_key', 'o.sha256'])
        .where('m.org_id', '=', p.orgId)
        .where('m.id', '=', id)
        .where('m.deleted_at', 'is', null)
        .executeTakeFirst(),
    );
    if (!row) throw notFound('Media');
    return { size: row.size_bytes, contentType: row.mime_type, downloadName: row.name, etag: `"${row.sha256}"`, open: (range?: ByteRange) => this.ctx.storage.driver.get(row.storage_key, { range }) };
  }

  /** What GET /media/{id}/thumbnail streams: 404 until the thumbnail job has made it (for a video, from one of its frames). */
  async thumbnail(p: Principal, id: string) {
    const row = await socialDb.withTenant(this.ctx, p, (tx) =>
      tx
        .selectFrom('social_media_assets as m')
        .leftJoin('storage_objects as t', (j) =>
          j.onRef('t.org_id', '=', 'm.org_id').onRef('t.derived_from', '=', 'm.storage_object_id').on('t.variant', '=', 'thumb').on('t.status', '=', 'active'))
        .select(['m.name', 't.storage_key', 't.size_bytes', 't.content_type', 't.sha256'])
        .where('m.org_id', '=', p.orgId)
        .where('m.id', '=', id)
        .where('m.deleted_at', 'is', null)
        .executeTakeFirst(),
    );
    if (!row) throw notFound('Media');
    const { storage_key: key, size_bytes: size, content_type: contentType, sha256 } = row;
    if (!key || size === null || !contentType) throw notFound('Thumbnail', 'THUMBNAIL_NOT_READY', 'This file has no thumbnail yet: images and videos get one within moments of their upload (a video one of its frames); open the file itself meanwhile');
    return { size, contentType, downloadName: `${row.name}-thumbnail.webp`, etag: `"${sha256}"`, open: (range?: ByteRange) => this.ctx.storage.driver.get(key, { range }) };
  }

  private async find(tx: Transaction<SocialTables>, orgId: string, id: string) {
    const row = await tx.selectFrom('social_media_assets as m').select(MEDIA_COLUMNS).select(thumbnailReady).where('m.org_id', '=', orgId).where('m.id', '=', id).where('m.deleted_at', 'is', null).executeTakeFirst();
    if (!row) throw notFound('Media');
    return row;
  }

  /** Pixel size of a stored image (read back once: images are bounded by SOCIAL_MEDIA_IMAGE_MAX_MB). */
  private async imageSize(storageKey: string): Promise<{ width: number; height: number } | null> {
    const got = await this.ctx.storage.driver.get(storageKey);
    const chunks: Buffer[] = [];
    for await (const chunk of got.stream) chunks.push(chunk as Buffer);
    const meta = await sharp(Buffer.concat(chunks)).metadata().catch(() => null);
    return meta?.width && meta.height ? { width: meta.width, height: meta.height } : null;
  }
}

/** The live posts whose current version shows media `id`, per network. */
async function usedIn(tx: Transaction<SocialTables>, orgId: string, id: string) {
  return tx
    .selectFrom('social_post_media as pm')
    .innerJoin('social_posts as p', (j) => j.onRef('p.org_id', '=', 'pm.org_id').onRef('p.id', '=', 'pm.post_id'))
    .select(['pm.post_id', 'p.title', 'p.status', 'pm.network'])
    .where('pm.org_id', '=', orgId)
    .where('pm.media_id', '=', id)
    .where('p.deleted_at', 'is', null)
    .orderBy('p.created_at', 'desc')
    .execute();
}

function normaliseTags(tags: string[]): string[] {
  return [...new Set(tags.map((t) => t.trim().toLowerCase()).filter(Boolean))];
}

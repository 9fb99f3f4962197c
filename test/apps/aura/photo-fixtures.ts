import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import sharp from 'sharp';
import type { PlatformContext } from '../../../src/platform/context.js';
import { storeObject } from '../../../src/platform/storage/uploads.js';
import { auraDb } from '../../../src/apps/aura/db.js';
import type { PhotoSourceType } from '../../../src/apps/aura/schema.js';
import { fullKey, originalKey, thumbKey, UNSORTED_FOLDER } from '../../../src/apps/aura/storage-layout.js';

export interface FixturePhoto {
  id: string;
  name: string;
  fullPath: string;
  fullKey: string;
  thumbKey: string;
  bytes: Buffer;
  sizes: { original: number; full: number; thumb: number };
}

let seq = 0;

/** A small, distinct JPEG (its colour differs per call, so its content hash does too). */
export async function fixtureJpeg(): Promise<Buffer> {
  seq++;
  return sharp({ create: { width: 64, height: 48, channels: 3, background: { r: (seq * 37) % 256, g: (seq * 91) % 256, b: (seq * 53) % 256 } } }).jpeg({ quality: 80 }).toBuffer();
}

async function webp(jpeg: Buffer, px: number): Promise<Buffer> {
  return sharp(jpeg).resize(px, px, { fit: 'inside' }).webp().toBuffer();
}

/**
 * A photo as the upload API will leave it (until that API lands): the original and its two
 * variants stored through the platform at the storage-layout keys, and its aura_photos row
 * written in a tenant transaction.
 */
export async function createPhoto(
  ctx: PlatformContext,
  owner: { orgId: string; userId: string },
  options: { name?: string; folder?: string; year?: number; sourceType?: PhotoSourceType; createdAt?: Date } = {},
): Promise<FixturePhoto> {
  const scope = { orgId: owner.orgId, userId: owner.userId };
  const name = options.name ?? `IMG_${String(++seq).padStart(4, '0')}.jpg`;
  const folder = options.folder ?? UNSORTED_FOLDER;
  const year = options.year ?? 2026;
  const slug = (await auraDb.withTenant(ctx, scope, (tx) => tx.selectFrom('orgs').select('slug').where('id', '=', owner.orgId).executeTakeFirstOrThrow())).slug;
  const bytes = await fixtureJpeg();
  const keys = { original: originalKey(slug, year, folder, name), full: fullKey(slug, year, folder, name), thumb: thumbKey(slug, year, folder, name) };
  const full = await webp(bytes, 40);
  const thumb = await webp(bytes, 20);
  await storeObject(ctx, scope, { stream: Readable.from([bytes]), key: keys.original, sizeHint: bytes.length });
  await storeObject(ctx, scope, { stream: Readable.from([full]), key: keys.full, sizeHint: full.length });
  await storeObject(ctx, scope, { stream: Readable.from([thumb]), key: keys.thumb, sizeHint: thumb.length });
  const row = await auraDb.withTenant(ctx, scope, (tx) =>
    tx
      .insertInto('aura_photos')
      .values({
        org_id: owner.orgId,
        path: name,
        full_path: keys.original,
        full_key: keys.full,
        thumb_key: keys.thumb,
        original_name: name,
        content_type: 'image/jpeg',
        size_bytes: bytes.length,
        width: 64,
        height: 48,
        content_hash: createHash('sha256').update(bytes).digest('hex'),
        source_type: options.sourceType ?? 'cloud',
        created_by: owner.userId,
        ...(options.createdAt ? { created_at: options.createdAt } : {}),
      })
      .returning('id')
      .executeTakeFirstOrThrow(),
  );
  return { id: row.id, name, fullPath: keys.original, fullKey: keys.full, thumbKey: keys.thumb, bytes, sizes: { original: bytes.length, full: full.length, thumb: thumb.length } };
}

/** The org's storage usage as the quota sees it. */
export async function storageUsed(ctx: PlatformContext, orgId: string): Promise<number> {
  const row = await auraDb.db(ctx).selectFrom('orgs').select('storage_used_bytes').where('id', '=', orgId).executeTakeFirstOrThrow();
  return Number(row.storage_used_bytes);
}

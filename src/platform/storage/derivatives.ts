import { pipeline, type Readable } from 'node:stream';
import sharp from 'sharp';
import type { PlatformContext } from '../context.js';
import { withTenant } from '../db/tenant.js';
import { AppError, notFound, unprocessable } from '../errors.js';
import { exceedsPixelLimit, PIXEL_LIMITS, tooManyPixels } from '../parsing/pixel-limits.js';
import { OBJECT_COLUMNS, toStoredObject, type StoredObject } from './catalog.js';
import { IMAGE_TYPES } from './upload-kinds.js';
import { isImageDecodingFailure, undecodableImageMessage } from './image-decoding.js';
import { storeObject } from './uploads.js';

/** Longest side in pixels of each derivative; images smaller than that are not enlarged. */
export const DERIVATIVE_SIZES = { full: 2000, thumb: 400 } as const;
export type DerivativeVariant = keyof typeof DERIVATIVE_SIZES;

/**
 * Make the WebP `full` and `thumb` versions of a stored image, as catalog objects next to
 * the original ("photo.jpg~thumb.webp") that count against the quota and follow the
 * original to the trash and away. EXIF orientation is applied to the pixels, and no
 * metadata (EXIF, GPS, ICC comments) is carried over. Idempotent: variants that already
 * exist are returned as they are, so a retried job does no work twice.
 *
 * An original that is not an image (a video) gets them from `picture`, the image that stands
 * for it (its poster frame), opened afresh for each variant.
 */
export async function makeDerivatives(
  ctx: PlatformContext,
  input: { orgId: string; objectId: string; picture?: () => Promise<Readable> },
): Promise<Record<DerivativeVariant, StoredObject>> {
  const scope = { orgId: input.orgId };
  const db = ctx.database.db;
  const { original, existing } = await withTenant(db, scope, async (tx) => {
    const row = await tx
      .selectFrom('storage_objects')
      .select(OBJECT_COLUMNS)
      .where('org_id', '=', input.orgId)
      .where('id', '=', input.objectId)
      .where('status', '=', 'active')
      .executeTakeFirst();
    const variants = row
      ? await tx.selectFrom('storage_objects').select(OBJECT_COLUMNS).where('org_id', '=', input.orgId).where('derived_from', '=', input.objectId).where('status', '=', 'active').execute()
      : [];
    return { original: row, existing: variants };
  });
  if (!original) throw notFound('File');
  if (original.derived_from) throw unprocessable('This file is itself a derivative: make derivatives from the original', 'NOT_AN_ORIGINAL');
  if (!input.picture && !(IMAGE_TYPES as readonly string[]).includes(original.content_type)) {
    throw unprocessable(`Derivatives are made from images; this file is ${original.content_type}`, 'NOT_AN_IMAGE');
  }

  const result = {} as Record<DerivativeVariant, StoredObject>;
  for (const variant of Object.keys(DERIVATIVE_SIZES) as DerivativeVariant[]) {
    const done = existing.find((r) => r.variant === variant);
    if (done) {
      result[variant] = toStoredObject(done);
      continue;
    }
    const size = DERIVATIVE_SIZES[variant];
    const source = input.picture ? await input.picture() : (await ctx.storage.driver.get(original.storage_key)).stream;
    // rotate() with no angle applies the EXIF orientation; WebP output carries no metadata
    // unless asked to (withMetadata/keepMetadata), which is the point.
    const resize = sharp({ failOn: 'error', limitInputPixels: PIXEL_LIMITS.storedPhoto }).rotate().resize({ width: size, height: size, fit: 'inside', withoutEnlargement: true }).webp({ quality: 82 });
    const output = pipeline(source, resize, () => {});
    try {
      result[variant] = await storeObject(ctx, scope, {
        stream: output,
        kind: 'image',
        key: derivativeKey(original.key, original.id, variant),
        tags: original.tags,
        lifecycleClass: original.lifecycle_class ?? undefined,
        derivedFrom: { id: original.id, variant },
      });
    } catch (err) {
      if (err instanceof AppError) throw err;
      if (exceedsPixelLimit(err)) throw tooManyPixels('The image', PIXEL_LIMITS.storedPhoto);
      if (isImageDecodingFailure(err)) {
        throw unprocessable(`${undecodableImageMessage(err, original.content_type)}: upload the original file again`, 'IMAGE_UNREADABLE');
      }
      throw err;
    }
  }
  return result;
}

/** "photos/a.jpg" → "photos/a.jpg~thumb.webp", falling back to the id when the name is too long. */
function derivativeKey(key: string, id: string, variant: DerivativeVariant): string {
  const suffix = `~${variant}.webp`;
  const name = key.slice(key.lastIndexOf('/') + 1);
  if (Buffer.byteLength(name + suffix) <= 255 && Buffer.byteLength(key + suffix) <= 512) return key + suffix;
  const dir = key.includes('/') ? key.slice(0, key.lastIndexOf('/') + 1) : '';
  return `${dir}${id}${suffix}`;
}

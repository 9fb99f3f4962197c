import { createHash, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Readable } from 'node:stream';
import sharp from 'sharp';
import type { PlatformContext } from '../../../src/platform/context.js';
import { tenantStorageKey } from '../../../src/platform/storage/keys.js';
import { auraDb } from '../../../src/apps/aura/db.js';
import { FULL_MAX_PX, fullKey } from '../../../src/apps/aura/storage-layout.js';

const require = createRequire(import.meta.url);
const demo = path.join(path.dirname(require.resolve('@vladmandic/face-api/package.json')), 'demo');

/** face-api's demo photos (1920 px wide, 3-5 faces each, all different people). */
export const samplePhoto = (n: 1 | 2 | 3 | 4 | 5 | 6) => readFile(path.join(demo, `sample${n}.jpg`));

/** A photo with no face: a smooth gradient with some noise. */
export async function facelessPhoto(): Promise<Buffer> {
  const width = 640;
  const height = 480;
  const data = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) {
    const i = (y * width + x) * 3;
    data[i] = (x * 255) / width;
    data[i + 1] = (y * 255) / height;
    data[i + 2] = 128 + ((x * y) % 17);
  }
  return sharp(data, { raw: { width, height, channels: 3 } }).jpeg().toBuffer();
}

/** A selfie-like crop around one face (half a face of margin), rescaled to `width` px. */
export async function faceCrop(photo: Buffer, box: { x: number; y: number; width: number; height: number }, width = 320): Promise<Buffer> {
  const meta = await sharp(photo).metadata();
  const left = Math.max(0, Math.round(box.x - box.width * 0.5));
  const top = Math.max(0, Math.round(box.y - box.height * 0.5));
  const right = Math.min(meta.width!, Math.round(box.x + box.width * 1.5));
  const bottom = Math.min(meta.height!, Math.round(box.y + box.height * 1.5));
  return sharp(photo).extract({ left, top, width: right - left, height: bottom - top }).resize(width).jpeg({ quality: 85 }).toBuffer();
}

/**
 * Until Aura's upload lands: a photo row with its 2000 px WebP variant written to storage
 * where the upload would put it, so the face job reads it the same way.
 */
export async function insertPhotoWithVariant(ctx: PlatformContext, orgId: string, image: Buffer, opts: { eventId?: string | null; name?: string } = {}): Promise<{ id: string; fullKey: string }> {
  const name = opts.name ?? `IMG_${randomBytes(4).toString('hex')}.jpg`;
  const variant = await sharp(image).rotate().resize(FULL_MAX_PX, FULL_MAX_PX, { fit: 'inside', withoutEnlargement: true }).webp({ quality: 85 }).toBuffer({ resolveWithObject: true });
  const key = fullKey('test-org', 2026, 'faces', name);
  await ctx.storage.driver.put(tenantStorageKey(orgId, key), Readable.from([variant.data]));
  const row = await auraDb.withTenant(ctx, { orgId }, (tx) =>
    tx.insertInto('aura_photos').values({
      org_id: orgId,
      event_id: opts.eventId ?? null,
      path: name,
      full_path: `photos/test-org/2026/faces/originals/${name}`,
      full_key: key,
      original_name: name,
      content_type: 'image/jpeg',
      size_bytes: image.length,
      width: variant.info.width,
      height: variant.info.height,
      content_hash: createHash('sha256').update(image).update(name).digest('hex'),
      source_type: 'cloud',
    }).returning('id').executeTakeFirstOrThrow(),
  );
  return { id: row.id, fullKey: key };
}

export async function insertEvent(ctx: PlatformContext, orgId: string, name: string): Promise<string> {
  const folder = `${name.toLowerCase().replace(/[^a-z0-9]+/g, '-')}-${randomBytes(3).toString('hex')}`;
  const row = await auraDb.withTenant(ctx, { orgId }, (tx) => tx.insertInto('aura_events').values({ org_id: orgId, name, folder, guest_token: randomBytes(32).toString('base64url') }).returning('id').executeTakeFirstOrThrow());
  return row.id;
}

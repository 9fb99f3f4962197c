import { buffer } from 'node:stream/consumers';
import type { Transaction } from 'kysely';
import { Readable } from 'node:stream';
import type { PlatformContext } from '../../../platform/context.js';
import { storeUpload } from '../../../platform/storage/uploads.js';
import { removeObjects, deleteStoredBytes } from '../../../platform/storage/removal.js';
import { tenantStorageKey } from '../../../platform/storage/keys.js';
import { conflict } from '../../../platform/errors.js';
import { brandkitDb } from '../db.js';
import type { BrandkitTables } from '../schema.js';
import { UPLOAD_KINDS } from '../storage-layout.js';
import { assertDrawable, BrandInputError, type BrandBasics } from '../engines/brand-input.js';

type Tx = Transaction<BrandkitTables>;
type BrandRow = { name: string | null; color_palette: Array<{ hex: string; role: string }>; fonts: { heading?: string; body?: string } };

/** The engines' view of a brand row; a brand the engines cannot draw yet is a 409 naming the step to finish. */
export function brandBasics(b: BrandRow): BrandBasics {
  if (!b.name) throw conflict('The brand has no name yet: save it in the identity step first', 'BRAND_NOT_READY');
  if (!b.color_palette.some((c) => c.role === 'primary')) throw conflict('The brand has no palette with a primary colour yet: complete the palette step first', 'BRAND_NOT_READY');
  const basics = { name: b.name, palette: b.color_palette, fonts: { heading: b.fonts.heading, body: b.fonts.body } };
  // The engines' own rules (a name they can draw, colours they can read), said before any work starts.
  try {
    assertDrawable(basics);
  } catch (err) {
    if (err instanceof BrandInputError) throw conflict(`The brand cannot be drawn yet: ${err.message}`, 'BRAND_NOT_READY');
    throw err;
  }
  return basics;
}

/** Read a stored file of the org. */
export async function readStored(ctx: PlatformContext, orgId: string, key: string): Promise<Buffer> {
  const { stream } = await ctx.storage.driver.get(tenantStorageKey(orgId, key));
  return buffer(stream);
}

/** Read a catalog file (photo or mask), kept under its full storage key. */
export async function readCatalogFile(ctx: PlatformContext, storageKey: string): Promise<Buffer> {
  const { stream } = await ctx.storage.driver.get(storageKey);
  return buffer(stream);
}

/**
 * Store generated files, then run `record` (the rows, the usage) in one tenant transaction; if
 * that fails, the stored files are removed again, so nothing is left half-written.
 */
export async function storeThenRecord<T>(
  ctx: PlatformContext,
  scope: { orgId: string; userId: string },
  files: Array<{ key: string; bytes: Buffer; contentType: string; tags?: Record<string, string> }>,
  record: (tx: Tx) => Promise<T>,
): Promise<T> {
  const stored: string[] = [];
  try {
    for (const f of files) {
      const o = await storeUpload(ctx, scope, { key: f.key, kind: UPLOAD_KINDS.brandImage, stream: Readable.from(f.bytes), contentType: f.contentType, sizeHint: f.bytes.length, tags: f.tags });
      stored.push(o.id);
    }
    return await brandkitDb.withTenant(ctx, scope, record);
  } catch (err) {
    if (stored.length) {
      const removal = await brandkitDb.withTenant(ctx, scope, (tx) => removeObjects(tx, scope.orgId, stored)).catch(() => null);
      if (removal) await deleteStoredBytes(ctx, removal.storageKeys);
    }
    throw err;
  }
}

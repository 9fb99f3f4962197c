import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import type { Transaction } from 'kysely';
import sharp from 'sharp';
import type { PlatformContext } from '../../../platform/context.js';
import { conflict, isUniqueViolation, notFound, unprocessable, unsupportedMediaType } from '../../../platform/errors.js';
import { storeUpload } from '../../../platform/storage/uploads.js';
import { removeObjects, deleteStoredBytes } from '../../../platform/storage/removal.js';
import { tenantStorageKey } from '../../../platform/storage/keys.js';
import { downloadName } from '../../../platform/storage/catalog.js';
import { brandkitDb } from '../db.js';
import type { AssetType, BrandkitTables } from '../schema.js';
import { logoKey, SIGNED_URL_TTL_SECONDS, UPLOAD_KINDS } from '../storage-layout.js';
import { assertEditable, findOwnBrand, type UserPrincipal } from '../brands/brands.service.js';

type Tx = Transaction<BrandkitTables>;

export interface NewAsset {
  orgId: string;
  brandId: string;
  type: AssetType;
  key: string;
  fileName: string;
  metadata: Record<string, unknown>;
  primary?: boolean;
}

/**
 * Record a stored file as one of the brand's assets (in the caller's transaction). A primary
 * asset replaces the previous primary of its type: at most one per brand and type (a partial
 * unique index holds it even against concurrent writers).
 */
export async function recordAsset(tx: Tx, a: NewAsset) {
  if (a.primary) await clearPrimary(tx, a.orgId, a.brandId, a.type);
  return tx.insertInto('brandkit_brand_assets')
    .values({ org_id: a.orgId, brand_id: a.brandId, asset_type: a.type, file_key: a.key, file_name: a.fileName, metadata: JSON.stringify(a.metadata), is_primary: a.primary ?? false })
    .returningAll().executeTakeFirstOrThrow()
    .catch((err) => { throw isUniqueViolation(err) ? secondPrimary(a.type) : err; });
}

async function clearPrimary(tx: Tx, orgId: string, brandId: string, type: AssetType) {
  await tx.updateTable('brandkit_brand_assets').set({ is_primary: false, updated_at: new Date() })
    .where('org_id', '=', orgId).where('brand_id', '=', brandId).where('asset_type', '=', type).where('is_primary', '=', true).execute();
}

const secondPrimary = (type: AssetType) => conflict(`The brand already has a primary ${type}, and another was chosen at the same moment: reload and choose again`, 'PRIMARY_EXISTS');

type AssetRow = Awaited<ReturnType<typeof recordAsset>>;

/** A brand's files (logos, approved mockups, brand guide): list with signed URLs, upload a logo, choose the primary, delete. */
export class AssetsService {
  constructor(private readonly ctx: PlatformContext) {}

  async list(p: UserPrincipal, brandId: string, type?: AssetType) {
    const rows = await brandkitDb.withTenant(this.ctx, p, async (tx) => {
      await findOwnBrand(tx, p, brandId);
      let q = tx.selectFrom('brandkit_brand_assets').selectAll().where('org_id', '=', p.orgId).where('brand_id', '=', brandId);
      if (type) q = q.where('asset_type', '=', type);
      return q.orderBy('asset_type').orderBy('is_primary', 'desc').orderBy('created_at', 'desc').orderBy('id').execute();
    });
    return { items: await Promise.all(rows.map((r) => this.view(p, r))) };
  }

  /** A logo the user already has (PNG, JPEG or WebP), stored as PNG in the seed's brand-logos area. */
  async uploadLogo(p: UserPrincipal, brandId: string, bytes: Buffer, options: { primary: boolean }) {
    const brand = await brandkitDb.withTenant(this.ctx, p, async (tx) => {
      const b = await findOwnBrand(tx, p, brandId);
      assertEditable(b);
      return b;
    });
    let png: { data: Buffer; info: { width: number; height: number } };
    try {
      const meta = await sharp(bytes, { limitInputPixels: 40_000_000 }).metadata();
      if (!meta.format || !['png', 'jpeg', 'webp'].includes(meta.format)) throw new Error('format');
    } catch {
      throw unsupportedMediaType('The logo is not an image: send a PNG, JPEG or WebP', 'NOT_AN_IMAGE');
    }
    try {
      png = await sharp(bytes, { limitInputPixels: 40_000_000 }).resize(2048, 2048, { fit: 'inside', withoutEnlargement: true }).png().toBuffer({ resolveWithObject: true });
    } catch {
      throw unprocessable('The logo could not be decoded: it may be truncated or corrupt', 'IMAGE_UNREADABLE');
    }
    const fileName = `uploaded-${randomBytes(4).toString('hex')}.png`;
    const key = logoKey(brand.user_id, brand.id, fileName);
    const stored = await storeUpload(this.ctx, p, { key, kind: UPLOAD_KINDS.brandImage, stream: Readable.from(png.data), contentType: 'image/png', sizeHint: png.data.length, tags: { type: 'brandkit_logo', brand_id: brandId } });
    try {
      const row = await brandkitDb.withTenant(this.ctx, p, async (tx) => {
        assertEditable(await findOwnBrand(tx, p, brandId, { forUpdate: true }));
        return recordAsset(tx, { orgId: p.orgId, brandId, type: 'logo', key, fileName, primary: options.primary, metadata: { mime_type: 'image/png', size: png.data.length, width: png.info.width, height: png.info.height, source: 'upload' } });
      });
      return this.view(p, row);
    } catch (err) {
      const removal = await brandkitDb.withTenant(this.ctx, p, (tx) => removeObjects(tx, p.orgId, [stored.id]));
      await deleteStoredBytes(this.ctx, removal.storageKeys);
      throw err;
    }
  }

  /** Make this asset the brand's primary of its type (the previous primary stays, as a non-primary). */
  async choosePrimary(p: UserPrincipal, brandId: string, assetId: string) {
    const row = await brandkitDb.withTenant(this.ctx, p, async (tx) => {
      assertEditable(await findOwnBrand(tx, p, brandId, { forUpdate: true }));
      const asset = await tx.selectFrom('brandkit_brand_assets').selectAll().where('org_id', '=', p.orgId).where('brand_id', '=', brandId).where('id', '=', assetId).executeTakeFirst();
      if (!asset) throw notFound('Asset');
      if (asset.is_primary) return asset;
      await clearPrimary(tx, p.orgId, brandId, asset.asset_type);
      return tx.updateTable('brandkit_brand_assets').set({ is_primary: true, updated_at: new Date() }).where('org_id', '=', p.orgId).where('id', '=', assetId)
        .returningAll().executeTakeFirstOrThrow()
        .catch((err) => { throw isUniqueViolation(err) ? secondPrimary(asset.asset_type) : err; });
    });
    return this.view(p, row);
  }

  async delete(p: UserPrincipal, brandId: string, assetId: string) {
    const removal = await brandkitDb.withTenant(this.ctx, p, async (tx) => {
      assertEditable(await findOwnBrand(tx, p, brandId, { forUpdate: true }));
      const asset = await tx.deleteFrom('brandkit_brand_assets').where('org_id', '=', p.orgId).where('brand_id', '=', brandId).where('id', '=', assetId).returning(['file_key', 'asset_type']).executeTakeFirst();
      if (!asset) throw notFound('Asset');
      // An approved mockup's asset shares its file with the mockup: the file stays with the mockup.
      if (asset.asset_type === 'mockup') return { ids: [], storageKeys: [], bytes: 0 };
      const objects = await tx.selectFrom('storage_objects').select('id').where('org_id', '=', p.orgId).where('key', '=', asset.file_key).execute();
      return removeObjects(tx, p.orgId, objects.map((o) => o.id));
    });
    await deleteStoredBytes(this.ctx, removal.storageKeys);
  }

  async view(p: UserPrincipal, r: AssetRow) {
    const contentType = typeof r.metadata.mime_type === 'string' ? r.metadata.mime_type : undefined;
    const url = await this.ctx.storage.driver.presignGet(tenantStorageKey(r.org_id, r.file_key), { expiresInSeconds: SIGNED_URL_TTL_SECONDS, contentType, downloadName: downloadName(r.file_key), forUserId: p.userId });
    return { id: r.id, brand_id: r.brand_id, asset_type: r.asset_type, file_name: r.file_name, file_url: url, metadata: r.metadata, is_primary: r.is_primary, created_at: r.created_at, updated_at: r.updated_at };
  }
}

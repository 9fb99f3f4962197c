import { Readable } from 'node:stream';
import type { Selectable } from 'kysely';
import type { PlatformContext } from '../../../platform/context.js';
import type { Principal } from '../../../platform/auth/principal.js';
import { recordAudit, type RequestMeta } from '../../../platform/audit/audit.service.js';
import { conflict, isUniqueViolation, notFound } from '../../../platform/errors.js';
import { fetchPage, type PageRequest } from '../../../platform/db/page.js';
import { storeReplacing } from '../../../platform/storage/replace.js';
import { brandkitDb } from '../db.js';
import type { BrandkitProductsTable } from '../schema.js';
import { productImageKey, productMaskKey, SIGNED_URL_TTL_SECONDS, UPLOAD_KINDS } from '../storage-layout.js';
import { prepareProductImage } from './product-image.js';

export interface ProductInput {
  sku: string;
  name: string;
  category: string;
  description?: string | null;
  is_active?: boolean;
}

type ProductRow = Selectable<BrandkitProductsTable>;

/**
 * The product catalog: platform-wide, read by every tenant, written by the superadmin. Reads
 * run in the caller's tenant transaction (the table's policy lets every tenant read); writes
 * run on the system connection after the route checked the superadmin. Photos and masks are
 * files of the superadmin's org, at the seed's product-images and product-masks areas; the
 * rows keep their full storage keys so any tenant gets signed URLs to them.
 */
export class ProductsService {
  constructor(private readonly ctx: PlatformContext) {}

  async list(p: Principal, query: PageRequest & { category?: string; include_inactive?: boolean }) {
    const page = await brandkitDb.withTenant(this.ctx, p, (tx) => {
      let q = tx.selectFrom('brandkit_products');
      // Inactive products are the superadmin's to see: nobody else can select them.
      if (!(query.include_inactive && p.isSuperadmin)) q = q.where('is_active', '=', true);
      if (query.category) q = q.where('category', '=', query.category);
      return fetchPage(q, query, (r) => r.selectAll().orderBy('category').orderBy('name').orderBy('id'));
    });
    return { ...page, items: await Promise.all(page.items.map((r) => this.view(r, p.isSuperadmin))) };
  }

  async categories(p: Principal) {
    const rows = await brandkitDb.withTenant(this.ctx, p, (tx) =>
      tx.selectFrom('brandkit_products').select('category').where('is_active', '=', true).groupBy('category').orderBy('category').execute(),
    );
    return { items: rows.map((r) => r.category) };
  }

  async get(p: Principal, id: string) {
    const row = await brandkitDb.withTenant(this.ctx, p, (tx) => tx.selectFrom('brandkit_products').selectAll().where('id', '=', id).executeTakeFirst());
    if (!row || (!row.is_active && !p.isSuperadmin)) throw notFound('Product');
    return this.view(row, p.isSuperadmin);
  }

  async create(p: Principal, input: ProductInput, meta: RequestMeta) {
    const row = await brandkitDb.withSystem(this.ctx, async (tx) => {
      const created = await tx.insertInto('brandkit_products')
        .values({ sku: input.sku, name: input.name, category: input.category, description: input.description ?? null, is_active: input.is_active ?? true, image_meta: '{}' })
        .returningAll().executeTakeFirstOrThrow()
        .catch((err) => { throw isUniqueViolation(err) ? skuTaken(input.sku) : err; });
      await recordAudit(tx, p, { orgId: p.orgId, action: 'brandkit.product.created', targetType: 'brandkit_product', targetId: created.id, metadata: { sku: input.sku } }, meta, true);
      return created;
    });
    return this.view(row, true);
  }

  async update(p: Principal, id: string, input: Partial<ProductInput>, meta: RequestMeta) {
    const row = await brandkitDb.withSystem(this.ctx, async (tx) => {
      const updated = await tx.updateTable('brandkit_products').set({ ...input, updated_at: new Date() }).where('id', '=', id).returningAll().executeTakeFirst()
        .catch((err) => { throw isUniqueViolation(err) ? skuTaken(input.sku ?? '') : err; });
      if (!updated) throw notFound('Product');
      await recordAudit(tx, p, { orgId: p.orgId, action: 'brandkit.product.updated', targetType: 'brandkit_product', targetId: id, metadata: { fields: Object.keys(input) } }, meta, true);
      return updated;
    });
    return this.view(row, true);
  }

  /** Delete a product no brand has selected; one that was selected is deactivated instead. */
  async delete(p: Principal, id: string, meta: RequestMeta) {
    await brandkitDb.withSystem(this.ctx, async (tx) => {
      const used = await tx.selectFrom('brandkit_brand_products').select('id').where('product_id', '=', id).limit(1).executeTakeFirst();
      if (used) throw conflict('Brands have selected this product: deactivate it instead (PATCH {"is_active": false}), so their selections stay readable', 'PRODUCT_IN_USE');
      const gone = await tx.deleteFrom('brandkit_products').where('id', '=', id).executeTakeFirst();
      if (!gone.numDeletedRows) throw notFound('Product');
      await recordAudit(tx, p, { orgId: p.orgId, action: 'brandkit.product.deleted', targetType: 'brandkit_product', targetId: id }, meta, true);
    });
  }

  /** Store the catalog photo or the mask (decoded, converted to PNG), replacing the previous one. */
  async setImage(p: Principal & { userId: string }, id: string, kind: 'image' | 'mask', bytes: Buffer) {
    const exists = await brandkitDb.withSystem(this.ctx, (tx) => tx.selectFrom('brandkit_products').select('id').where('id', '=', id).executeTakeFirst());
    if (!exists) throw notFound('Product');
    const prepared = await prepareProductImage(bytes, kind);
    const key = kind === 'image' ? productImageKey(id, 'png') : productMaskKey(id, 'png');
    const stored = await storeReplacing(this.ctx, { orgId: p.orgId, userId: p.userId }, {
      key, kind: UPLOAD_KINDS.productImage, stream: Readable.from(prepared.png), contentType: 'image/png', sizeHint: prepared.png.length,
      tags: { type: `brandkit_product_${kind}`, product_id: id },
    });
    const row = await brandkitDb.withSystem(this.ctx, async (tx) => {
      const current = await tx.selectFrom('brandkit_products').select('image_meta').where('id', '=', id).executeTakeFirstOrThrow();
      return tx.updateTable('brandkit_products')
        .set({
          ...(kind === 'image' ? { image_key: stored.storageKey } : { mask_key: stored.storageKey }),
          image_meta: JSON.stringify({ ...current.image_meta, [kind]: { width: prepared.width, height: prepared.height, bytes: prepared.png.length, content_type: 'image/png' } }),
          updated_at: new Date(),
        })
        .where('id', '=', id).returningAll().executeTakeFirstOrThrow();
    });
    return this.view(row, true);
  }

  private async view(r: ProductRow, superadmin: boolean) {
    const sign = (key: string | null) => (key ? this.ctx.storage.driver.presignGet(key, { expiresInSeconds: SIGNED_URL_TTL_SECONDS, contentType: 'image/png' }) : Promise.resolve(null));
    return {
      id: r.id, sku: r.sku, name: r.name, category: r.category, description: r.description, is_active: r.is_active,
      has_image: !!r.image_key, has_mask: !!r.mask_key,
      image_url: await sign(r.image_key), mask_url: superadmin ? await sign(r.mask_key) : null,
      image_meta: r.image_meta, created_at: r.created_at, updated_at: r.updated_at,
    };
  }
}

const skuTaken = (sku: string) => conflict(`A product with SKU "${sku}" already exists: choose another SKU or edit that product`, 'SKU_EXISTS');

import type { PlatformContext } from '../../../platform/context.js';
import { conflict, isUniqueViolation, notFound } from '../../../platform/errors.js';
import { brandkitDb } from '../db.js';
import { assertEditable, findOwnBrand, type UserPrincipal } from '../brands/brands.service.js';

/** The products a brand selected (brand_products): add, change quantity or notes, remove. */
export class SelectionService {
  constructor(private readonly ctx: PlatformContext) {}

  async list(p: UserPrincipal, brandId: string) {
    return brandkitDb.withTenant(this.ctx, p, async (tx) => {
      await findOwnBrand(tx, p, brandId);
      const rows = await tx.selectFrom('brandkit_brand_products as bp')
        .innerJoin('brandkit_products as pr', 'pr.id', 'bp.product_id')
        .select(['bp.id', 'bp.brand_id', 'bp.product_id', 'bp.quantity', 'bp.notes', 'bp.selected_at', 'pr.sku', 'pr.name', 'pr.category', 'pr.is_active'])
        .where('bp.org_id', '=', p.orgId).where('bp.brand_id', '=', brandId)
        .orderBy('bp.selected_at').orderBy('bp.id').execute();
      return { items: rows.map(view) };
    });
  }

  async add(p: UserPrincipal, brandId: string, input: { product_id: string; quantity?: number; notes?: string | null }) {
    return brandkitDb.withTenant(this.ctx, p, async (tx) => {
      assertEditable(await findOwnBrand(tx, p, brandId, { forUpdate: true }));
      const product = await tx.selectFrom('brandkit_products').select(['id', 'name', 'is_active']).where('id', '=', input.product_id).executeTakeFirst();
      if (!product) throw notFound('Product', 'NOT_FOUND', 'Product not found: GET /brandkit/api/products lists the catalog');
      if (!product.is_active) throw conflict(`"${product.name}" is no longer offered: choose another product from GET /brandkit/api/products`, 'PRODUCT_INACTIVE');
      const row = await tx.insertInto('brandkit_brand_products')
        .values({ org_id: p.orgId, brand_id: brandId, product_id: product.id, quantity: input.quantity ?? 1, notes: input.notes ?? null })
        .returning('id').executeTakeFirstOrThrow()
        .catch((err) => {
          if (isUniqueViolation(err)) throw conflict(`"${product.name}" is already selected for this brand: change its quantity with PATCH …/products/${product.id} instead`, 'PRODUCT_ALREADY_SELECTED');
          throw err;
        });
      await tx.updateTable('brandkit_brands').set({ updated_at: new Date() }).where('org_id', '=', p.orgId).where('id', '=', brandId).execute();
      return this.one(tx, p, brandId, row.id);
    });
  }

  async update(p: UserPrincipal, brandId: string, productId: string, input: { quantity?: number; notes?: string | null }) {
    return brandkitDb.withTenant(this.ctx, p, async (tx) => {
      assertEditable(await findOwnBrand(tx, p, brandId, { forUpdate: true }));
      const row = await tx.updateTable('brandkit_brand_products').set(input).where('org_id', '=', p.orgId).where('brand_id', '=', brandId).where('product_id', '=', productId).returning('id').executeTakeFirst();
      if (!row) throw notFound('Selected product', 'NOT_FOUND', 'This product is not selected for the brand');
      return this.one(tx, p, brandId, row.id);
    });
  }

  async remove(p: UserPrincipal, brandId: string, productId: string) {
    await brandkitDb.withTenant(this.ctx, p, async (tx) => {
      assertEditable(await findOwnBrand(tx, p, brandId, { forUpdate: true }));
      const gone = await tx.deleteFrom('brandkit_brand_products').where('org_id', '=', p.orgId).where('brand_id', '=', brandId).where('product_id', '=', productId).executeTakeFirst();
      if (!gone.numDeletedRows) throw notFound('Selected product', 'NOT_FOUND', 'This product is not selected for the brand');
    });
  }

  private async one(tx: Parameters<Parameters<typeof brandkitDb.withTenant>[2]>[0], p: UserPrincipal, brandId: string, id: string) {
    const r = await tx.selectFrom('brandkit_brand_products as bp').innerJoin('brandkit_products as pr', 'pr.id', 'bp.product_id')
      .select(['bp.id', 'bp.brand_id', 'bp.product_id', 'bp.quantity', 'bp.notes', 'bp.selected_at', 'pr.sku', 'pr.name', 'pr.category', 'pr.is_active'])
      .where('bp.org_id', '=', p.orgId).where('bp.brand_id', '=', brandId).where('bp.id', '=', id).executeTakeFirstOrThrow();
    return view(r);
  }
}

function view(r: { id: string; brand_id: string; product_id: string; quantity: number; notes: string | null; selected_at: Date; sku: string; name: string; category: string; is_active: boolean }) {
  return {
    id: r.id, brand_id: r.brand_id, product_id: r.product_id, quantity: r.quantity, notes: r.notes, selected_at: r.selected_at,
    product: { sku: r.sku, name: r.name, category: r.category, is_active: r.is_active },
  };
}

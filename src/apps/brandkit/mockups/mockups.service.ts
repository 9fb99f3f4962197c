import type { PlatformContext } from '../../../platform/context.js';
import { conflict, notFound } from '../../../platform/errors.js';
import { tenantStorageKey } from '../../../platform/storage/keys.js';
import { brandkitDb } from '../db.js';
import type { MockupStatus } from '../schema.js';
import { SIGNED_URL_TTL_SECONDS } from '../storage-layout.js';
import { assertEditable, findOwnBrand, type UserPrincipal } from '../brands/brands.service.js';
import { recordAsset } from '../assets/assets.service.js';

/**
 * A brand's mockups: list (with signed URLs), approve or reject each. An approved mockup
 * becomes one of the brand's assets (type mockup, same file); rejecting it again removes
 * that asset. Generation (offline renderer or Fal.ai) adds rows through its own service.
 */
export class MockupsService {
  constructor(private readonly ctx: PlatformContext) {}

  async list(p: UserPrincipal, brandId: string, status?: MockupStatus) {
    const rows = await brandkitDb.withTenant(this.ctx, p, async (tx) => {
      await findOwnBrand(tx, p, brandId);
      let q = tx.selectFrom('brandkit_brand_mockups').selectAll().where('org_id', '=', p.orgId).where('brand_id', '=', brandId);
      if (status) q = q.where('status', '=', status);
      return q.orderBy('created_at', 'desc').orderBy('variation_number').orderBy('id').execute();
    });
    return { items: await Promise.all(rows.map((r) => this.view(p, r))) };
  }

  async review(p: UserPrincipal, brandId: string, mockupId: string, decision: 'approved' | 'rejected') {
    const row = await brandkitDb.withTenant(this.ctx, p, async (tx) => {
      assertEditable(await findOwnBrand(tx, p, brandId, { forUpdate: true }));
      const m = await tx.selectFrom('brandkit_brand_mockups').selectAll().where('org_id', '=', p.orgId).where('brand_id', '=', brandId).where('id', '=', mockupId).forUpdate().executeTakeFirst();
      if (!m) throw notFound('Mockup');
      if (decision === 'approved' && !m.mockup_key) throw conflict('This mockup has no image yet: wait for its generation to finish', 'MOCKUP_NOT_READY');
      if (m.status === decision) return m;
      const updated = await tx.updateTable('brandkit_brand_mockups').set({ status: decision, updated_at: new Date() }).where('org_id', '=', p.orgId).where('id', '=', mockupId).returningAll().executeTakeFirstOrThrow();
      if (decision === 'approved') {
        const product = m.product_id ? await tx.selectFrom('brandkit_products').select(['sku', 'name']).where('id', '=', m.product_id).executeTakeFirst() : undefined;
        await recordAsset(tx, {
          orgId: p.orgId, brandId, type: 'mockup', key: m.mockup_key!, fileName: m.mockup_key!.split('/').pop()!,
          metadata: { mime_type: mimeOf(m.mockup_key!), mockup_id: m.id, product_id: m.product_id, product_sku: product?.sku ?? null, product_name: product?.name ?? null, variation_number: m.variation_number },
        });
      } else if (m.mockup_key) {
        await tx.deleteFrom('brandkit_brand_assets').where('org_id', '=', p.orgId).where('brand_id', '=', brandId).where('asset_type', '=', 'mockup').where('file_key', '=', m.mockup_key).execute();
      }
      await tx.updateTable('brandkit_brands').set({ updated_at: new Date() }).where('org_id', '=', p.orgId).where('id', '=', brandId).execute();
      return updated;
    });
    return this.view(p, row);
  }

  async view(p: UserPrincipal, m: { id: string; org_id: string; brand_id: string; product_id: string | null; mockup_key: string | null; label_key: string | null; prompt_used: string | null; generation_params: Record<string, unknown>; variation_number: number; status: MockupStatus; created_at: Date; updated_at: Date }) {
    const sign = (key: string | null) => (key ? this.ctx.storage.driver.presignGet(tenantStorageKey(m.org_id, key), { expiresInSeconds: SIGNED_URL_TTL_SECONDS, contentType: mimeOf(key), forUserId: p.userId }) : Promise.resolve(null));
    return {
      id: m.id, brand_id: m.brand_id, product_id: m.product_id, mockup_url: await sign(m.mockup_key), label_url: await sign(m.label_key),
      prompt_used: m.prompt_used, generation_params: m.generation_params, variation_number: m.variation_number, status: m.status,
      created_at: m.created_at, updated_at: m.updated_at,
    };
  }
}

/** Mockups are JPEG (offline renders) or PNG; the file name says which. */
function mimeOf(key: string): string {
  return /\.jpe?g$/i.test(key) ? 'image/jpeg' : /\.webp$/i.test(key) ? 'image/webp' : 'image/png';
}

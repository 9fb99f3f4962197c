import type { PlatformContext } from '../../../platform/context.js';
import { badRequest, conflict, notFound } from '../../../platform/errors.js';
import { brandkitDb } from '../db.js';
import type { BrandkitConfig, GenerationKind } from '../config.js';
import { assertEditable, findOwnBrand, type UserPrincipal } from '../brands/brands.service.js';
import { generationAllowance, generationLimitReached } from '../metering/generation-quota.js';
import type { LogoLayout } from '../engines/logo/logo-spec.js';
import { brandBasics, readStored } from './brand-artwork.js';
import { readLogoArtwork } from './logo-artwork.js';
import { brandKitZip, slug } from '../engines/kit/brand-kit.js';
import { generateLogosJob } from './generate-logos.job.js';
import { generateMockupsJob, MAX_MOCKUP_PRODUCTS } from './generate-mockups.job.js';
import { buildGuideJob } from './build-guide.job.js';
import { tenantStorageKey } from '../../../platform/storage/keys.js';
import { SIGNED_URL_TTL_SECONDS } from '../storage-layout.js';

/**
 * Starts logo and mockup generations: checks what can be checked at once (the brand is the
 * caller's and drawable, the products are selected and have photos and masks, the plan's
 * allowance covers it) so the user hears about it now, then queues the job that draws,
 * stores and counts. The job checks the allowance again when it records the images.
 */
export class GenerationService {
  constructor(private readonly ctx: PlatformContext, private readonly config: BrandkitConfig) {}

  async logos(p: UserPrincipal, brandId: string, input: { layout?: LogoLayout; count: number; seed?: number; vary_asset_id?: string }) {
    return brandkitDb.withTenant(this.ctx, p, async (tx) => {
      const brand = await findOwnBrand(tx, p, brandId);
      assertEditable(brand);
      brandBasics(brand);
      let layout: LogoLayout = input.layout ?? ((brand.logo_style as LogoLayout | null) ?? 'wordmark');
      if (input.vary_asset_id) {
        const asset = await tx.selectFrom('brandkit_brand_assets').select(['asset_type', 'metadata']).where('org_id', '=', p.orgId).where('brand_id', '=', brandId).where('id', '=', input.vary_asset_id).executeTakeFirst();
        if (!asset || asset.asset_type !== 'logo') throw notFound('Logo');
        const spec = (asset.metadata.params as { spec?: { layout?: LogoLayout } } | undefined)?.spec;
        if (!spec) throw conflict('This logo was uploaded, not generated: only generated logos can be varied', 'NOT_VARIABLE');
        layout = spec.layout ?? layout;
      }
      await this.assertAllowance(tx, p.orgId, 'logo', input.count);
      const jobId = await this.ctx.jobs.enqueue(generateLogosJob, { orgId: p.orgId, brandId, userId: p.userId, layout, count: input.count, seed: input.seed, varyAssetId: input.vary_asset_id }, { tx });
      return { job_id: jobId };
    });
  }

  async mockups(p: UserPrincipal, brandId: string, input: { product_ids?: string[]; count: number }) {
    return brandkitDb.withTenant(this.ctx, p, async (tx) => {
      const brand = await findOwnBrand(tx, p, brandId);
      assertEditable(brand);
      brandBasics(brand);
      const selected = await tx.selectFrom('brandkit_brand_products as bp').innerJoin('brandkit_products as pr', 'pr.id', 'bp.product_id')
        .select(['pr.id', 'pr.name', 'pr.image_key', 'pr.mask_key']).where('bp.org_id', '=', p.orgId).where('bp.brand_id', '=', brandId).execute();
      const wanted = input.product_ids ? [...new Set(input.product_ids)] : selected.map((s) => s.id);
      if (!wanted.length) throw conflict('The brand has no selected products: select products first (POST /brandkit/api/brands/{id}/products)', 'NO_PRODUCTS_SELECTED');
      const notSelected = wanted.filter((id) => !selected.some((s) => s.id === id));
      if (notSelected.length) {
        throw conflict(`Mockups are made only of the brand's selected products; not selected: ${notSelected.join(', ')}. Select them first`, 'PRODUCT_NOT_SELECTED', { product_ids: notSelected });
      }
      // Past the job's bound the queue would refuse the job with a message about job data: say it in the user's terms.
      if (wanted.length > MAX_MOCKUP_PRODUCTS) {
        throw badRequest(`Mockups are made for up to ${MAX_MOCKUP_PRODUCTS} products at a time and this brand has ${wanted.length} selected: send product_ids with at most ${MAX_MOCKUP_PRODUCTS} of them`, { selected: wanted.length, max: MAX_MOCKUP_PRODUCTS }, 'TOO_MANY_PRODUCTS');
      }
      const unready = selected.filter((s) => wanted.includes(s.id) && (!s.image_key || !s.mask_key));
      if (unready.length) throw conflict(`${unready.map((u) => `"${u.name}"`).join(', ')} ${unready.length > 1 ? 'have' : 'has'} no catalog photo or mask yet: choose other products, or ask the platform administrator to add them`, 'PRODUCT_NOT_READY');
      await this.assertAllowance(tx, p.orgId, 'mockup', input.count * wanted.length);
      const jobId = await this.ctx.jobs.enqueue(generateMockupsJob, { orgId: p.orgId, brandId, userId: p.userId, productIds: wanted, count: input.count }, { tx });
      return { job_id: jobId };
    });
  }

  /** Queue the brand guide PDF (replacing the previous one). */
  async guide(p: UserPrincipal, brandId: string) {
    return brandkitDb.withTenant(this.ctx, p, async (tx) => {
      const brand = await findOwnBrand(tx, p, brandId);
      brandBasics(brand);
      const jobId = await this.ctx.jobs.enqueue(buildGuideJob, { orgId: p.orgId, brandId, userId: p.userId }, { tx });
      return { job_id: jobId };
    });
  }

  /** A signed URL of the brand's current guide, or 404 saying how to make one. */
  async guideUrl(p: UserPrincipal, brandId: string) {
    const asset = await brandkitDb.withTenant(this.ctx, p, async (tx) => {
      await findOwnBrand(tx, p, brandId);
      return tx.selectFrom('brandkit_brand_assets').select(['file_key', 'file_name']).where('org_id', '=', p.orgId).where('brand_id', '=', brandId).where('asset_type', '=', 'brand_guide').where('is_primary', '=', true).executeTakeFirst();
    });
    if (!asset) throw notFound('Brand guide', 'NOT_FOUND', 'This brand has no guide yet: build it with POST /brandkit/api/brands/{id}/guide');
    return this.ctx.storage.driver.presignGet(tenantStorageKey(p.orgId, asset.file_key), { expiresInSeconds: SIGNED_URL_TTL_SECONDS, contentType: 'application/pdf', downloadName: asset.file_name, forUserId: p.userId });
  }

  /**
   * The brand kit ZIP, streamed as it is drawn: the primary logo (generated or uploaded), the
   * other generated logos, favicons, social images, the palette as CSS and JSON, and the guide
   * when built.
   */
  async kit(p: UserPrincipal, brandId: string) {
    const { brand, assets } = await brandkitDb.withTenant(this.ctx, p, async (tx) => {
      const b = await findOwnBrand(tx, p, brandId);
      const a = await tx.selectFrom('brandkit_brand_assets').selectAll().where('org_id', '=', p.orgId).where('brand_id', '=', brandId).execute();
      return { brand: b, assets: a };
    });
    const basics = brandBasics(brand);
    const primary = assets.find((a) => a.asset_type === 'logo' && a.is_primary);
    if (!primary) throw conflict('The kit is built around the chosen logo: generate logos (or upload yours) and choose one first', 'BRAND_NOT_READY');
    const others: Record<string, string> = {};
    for (const a of assets.filter((x) => x.asset_type === 'logo' && x.id !== primary.id && x.metadata.mime_type === 'image/svg+xml').slice(0, 5)) {
      others[a.file_name.replace(/\.svg$/, '')] = (await readStored(this.ctx, p.orgId, a.file_key)).toString('utf8');
    }
    const guide = assets.find((a) => a.asset_type === 'brand_guide' && a.is_primary);
    const logo = await readLogoArtwork(this.ctx, p.orgId, primary);
    const { stream, done } = brandKitZip({ brand: basics, logoSvg: logo.svg, logoRaster: logo.raster, otherLogos: others, guidePdf: guide ? await readStored(this.ctx, p.orgId, guide.file_key) : undefined });
    done.catch((err) => this.ctx.log.error({ err, brandId }, 'brand kit ZIP failed while streaming'));
    return { stream, fileName: `${slug(basics.name) || 'brand'}-kit.zip` };
  }

  private async assertAllowance(tx: Parameters<Parameters<typeof brandkitDb.withTenant>[2]>[0], orgId: string, kind: GenerationKind, count: number) {
    const allowance = await generationAllowance(tx, this.config, orgId, kind);
    if (count > allowance.remaining) throw generationLimitReached(allowance, count);
  }
}

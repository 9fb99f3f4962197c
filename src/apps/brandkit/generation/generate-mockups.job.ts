import sharp from 'sharp';
import { z } from 'zod';
import { defineJob } from '../../../platform/jobs/define-job.js';
import { AppError } from '../../../platform/errors.js';
import { brandkitSettings } from '../config.js';
import { brandkitDb } from '../db.js';
import { mockupKey } from '../storage-layout.js';
import { labelPng } from '../engines/label/label-renderer.js';
import { maskArea } from '../engines/mockup/mask-area.js';
import { MockupInputError } from '../engines/mockup/mockup-renderer.js';
import { createImageEngines } from './image-engines.js';
import { BrandInputError } from '../engines/brand-input.js';
import type { GeneratedImage } from '../engines/image-engine.js';
import { useGenerations } from '../metering/generation-quota.js';
import { brandBasics, readCatalogFile, storeThenRecord } from './brand-artwork.js';
import { readLogoArtwork } from './logo-artwork.js';

const EXTENSIONS: Record<string, string> = { 'image/png': 'png', 'image/jpeg': 'jpg', 'image/webp': 'webp' };

/** Products one generation covers: a brand with more selected names which ones (product_ids). */
export const MAX_MOCKUP_PRODUCTS = 20;

/** Longest side of a stored mockup. */
const MOCKUP_SIZE = 2048;

const notReady = (message: string) => new AppError(409, 'BRAND_NOT_READY', message, undefined, undefined, { retryable: false });

/**
 * Mockups of the brand's selected products: the label (drawn from label_design, the primary
 * logo and the palette, in the proportions of the product's printable area) placed on each
 * catalog photo through its mask, `count` variations each. Rows, files and usage are written
 * together per product, so a failure keeps the products already done and nothing half-done.
 */
export const generateMockupsJob = defineJob({
  name: 'brandkit.generate-mockups',
  schema: z.object({ brandId: z.uuid(), userId: z.uuid(), productIds: z.array(z.uuid()).min(1).max(MAX_MOCKUP_PRODUCTS), count: z.number().int().min(1).max(8) }),
  retryLimit: 1,
  expireInSeconds: 1800,
  async handler(ctx, job) {
    const { brandId, userId } = job.data;
    const scope = { orgId: job.orgId, userId };
    const loaded = await brandkitDb.withTenant(ctx, scope, async (tx) => {
      const brand = await tx.selectFrom('brandkit_brands').selectAll().where('org_id', '=', job.orgId).where('id', '=', brandId).where('user_id', '=', userId).executeTakeFirst();
      const logo = await tx.selectFrom('brandkit_brand_assets').select(['file_key', 'metadata']).where('org_id', '=', job.orgId).where('brand_id', '=', brandId).where('asset_type', '=', 'logo').where('is_primary', '=', true).executeTakeFirst();
      const products = await tx.selectFrom('brandkit_brand_products as bp').innerJoin('brandkit_products as p', 'p.id', 'bp.product_id')
        .select(['p.id', 'p.name', 'p.category', 'p.image_key', 'p.mask_key'])
        .where('bp.org_id', '=', job.orgId).where('bp.brand_id', '=', brandId).where('p.id', 'in', job.data.productIds).execute();
      return { brand, logo, products };
    });
    if (!loaded.brand) return { skipped: 'the brand was deleted' };
    const basics = brandBasics(loaded.brand);
    const logoSvg = loaded.logo ? (await readLogoArtwork(ctx, job.orgId, loaded.logo)).svg : undefined;
    const config = brandkitSettings.load(ctx.config);
    const engine = createImageEngines(config).mockup;
    const done: string[] = [];
    for (const [pi, product] of loaded.products.entries()) {
      if (!product.image_key || !product.mask_key) throw notReady(`"${product.name}" has no catalog photo or mask yet: ask the platform administrator to add them`);
      const [image, mask] = [await readCatalogFile(ctx, product.image_key), await readCatalogFile(ctx, product.mask_key)];
      // The label is drawn in the proportions of the printable area, so the warp does not stretch it.
      const grey = await sharp(mask).greyscale().raw().toBuffer({ resolveWithObject: true });
      const area = maskArea(new Uint8Array(grey.data), grey.info.width, grey.info.height);
      if (!area) throw notReady(`The mask of "${product.name}" marks no printable area: the platform administrator must upload a mask with the label's place in white`);
      const aspect = (area.box.right - area.box.left) / Math.max(1, area.box.bottom - area.box.top);
      const labelH = 800;
      const labelW = Math.round(Math.min(4000, Math.max(200, labelH * aspect)));
      let images: GeneratedImage[];
      try {
        const labels = await Promise.all(Array.from({ length: Math.min(job.data.count, 3) }, (_, seed) =>
          labelPng({ brand: basics, design: loaded.brand!.label_design, logoSvg, productName: product.name, width: labelW, height: labelH, seed })));
        images = await engine.mockups({ brand: basics, labels, product: { name: product.name, category: product.category, image, mask }, count: job.data.count, size: MOCKUP_SIZE }, {
          signal: job.signal,
          onProgress: (f) => void job.reportProgress(Math.round(((pi + f) / loaded.products.length) * 95), `${product.name}: ${Math.round(f * 100)}%`).catch(() => {}),
        });
      } catch (err) {
        if (err instanceof BrandInputError || err instanceof MockupInputError) throw notReady(err.message);
        throw err;
      }
      const stamp = Date.now().toString(36);
      const files = images.map((img) => ({ key: mockupKey(userId, brandId, `${product.id}-${stamp}-${img.variation}.${EXTENSIONS[img.contentType] ?? 'png'}`), bytes: img.bytes, contentType: img.contentType }));
      const ids = await storeThenRecord(ctx, scope, files, async (tx) => {
        await useGenerations(tx, config, { orgId: job.orgId, userId, kind: 'mockup', count: images.length, metadata: { brand_id: brandId, product_id: product.id } });
        const rows = await tx.insertInto('brandkit_brand_mockups')
          .values(images.map((img, i) => ({
            org_id: job.orgId, brand_id: brandId, product_id: product.id, mockup_key: files[i].key, label_key: null,
            prompt_used: img.prompt, generation_params: JSON.stringify({ ...img.params, content_type: img.contentType, width: img.width, height: img.height }), variation_number: img.variation,
          })))
          .returning('id').execute();
        return rows.map((r) => r.id);
      });
      done.push(...ids);
      await ctx.events.publish(job.orgId, 'brandkit:mockups', { brand_id: brandId, product_id: product.id, created: ids });
    }
    return { mockup_ids: done };
  },
});

import { z } from 'zod';
import { defineJob } from '../../../platform/jobs/define-job.js';
import { brandkitSettings } from '../config.js';
import { brandkitDb } from '../db.js';
import { logoKey } from '../storage-layout.js';
import { logoPng, varyLogo } from '../engines/logo/logo-generator.js';
import { createImageEngines } from './image-engines.js';
import { LOGO_LAYOUTS, type LogoSpec } from '../engines/logo/logo-spec.js';
import { BrandInputError } from '../engines/brand-input.js';
import type { GeneratedImage } from '../engines/image-engine.js';
import { recordAsset } from '../assets/assets.service.js';
import { useGenerations } from '../metering/generation-quota.js';
import { brandBasics, storeThenRecord } from './brand-artwork.js';
import { AppError } from '../../../platform/errors.js';

const EXTENSIONS: Record<string, string> = { 'image/png': 'png', 'image/jpeg': 'jpg', 'image/webp': 'webp' };

/** PNG renders stored beside each SVG logo. */
export const LOGO_PNG_SIZE = 1024;

/**
 * Generate logos for a brand: `count` variations of a layout, or close relatives of a logo the
 * user picked ("vary this one"). Each becomes a logo asset (SVG, with a PNG render) at the
 * seed's `{user_id}/{brand_id}/logos/`; the files, the asset rows and the usage are written
 * together at the end, so a failed run leaves nothing and counts nothing.
 */
export const generateLogosJob = defineJob({
  name: 'brandkit.generate-logos',
  schema: z.object({
    brandId: z.uuid(),
    userId: z.uuid(),
    layout: z.enum(LOGO_LAYOUTS),
    count: z.number().int().min(1).max(12),
    seed: z.number().int().min(0).max(2 ** 31).optional(),
    /** Vary this logo asset's spec instead of drawing new ones. */
    varyAssetId: z.uuid().optional(),
  }),
  retryLimit: 1,
  expireInSeconds: 600,
  async handler(ctx, job) {
    const { brandId, userId } = job.data;
    const scope = { orgId: job.orgId, userId };
    const loaded = await brandkitDb.withTenant(ctx, scope, async (tx) => {
      const brand = await tx.selectFrom('brandkit_brands').selectAll().where('org_id', '=', job.orgId).where('id', '=', brandId).where('user_id', '=', userId).executeTakeFirst();
      const vary = job.data.varyAssetId
        ? await tx.selectFrom('brandkit_brand_assets').select('metadata').where('org_id', '=', job.orgId).where('brand_id', '=', brandId).where('id', '=', job.data.varyAssetId).executeTakeFirst()
        : undefined;
      return { brand, vary };
    });
    if (!loaded.brand) return { skipped: 'the brand was deleted' };
    const basics = brandBasics(loaded.brand);
    await job.reportProgress(10, 'drawing logos');
    let images: GeneratedImage[];
    try {
      if (loaded.vary) {
        const spec = (loaded.vary.metadata.params as { spec?: LogoSpec } | undefined)?.spec;
        if (!spec) throw new AppError(409, 'NOT_VARIABLE', 'This logo was not generated here (it was uploaded): only generated logos can be varied', undefined, undefined, { retryable: false });
        images = Array.from({ length: job.data.count }, (_, i) => {
          const logo = varyLogo(basics, spec, i + 1);
          return { contentType: 'image/svg+xml', bytes: Buffer.from(logo.svg), width: logo.width, height: logo.height, variation: i + 1, prompt: logo.description, params: { engine: 'offline', spec: logo.spec, varied_from: job.data.varyAssetId } };
        });
      } else {
        const engine = createImageEngines(brandkitSettings.load(ctx.config)).logo;
        images = await engine.logos({ brand: basics, layout: job.data.layout, count: job.data.count, seed: job.data.seed, style: loaded.brand.logo_style ?? undefined }, {
          signal: job.signal,
          onProgress: (f) => void job.reportProgress(10 + Math.round(f * 50), engine.kind === 'hosted' ? 'the image model is drawing' : 'drawing logos').catch(() => {}),
        });
      }
    } catch (err) {
      if (err instanceof BrandInputError) throw new AppError(409, 'BRAND_NOT_READY', err.message, undefined, undefined, { retryable: false });
      throw err;
    }
    const stamp = Date.now().toString(36);
    const files: Array<{ key: string; bytes: Buffer; contentType: string }> = [];
    const entries: Array<{ key: string; pngKey: string | null; image: GeneratedImage }> = [];
    for (const [i, image] of images.entries()) {
      job.signal.throwIfAborted();
      const base = `${job.data.layout}-${stamp}-${image.variation}`;
      if (image.contentType === 'image/svg+xml') {
        // Vector logos get a PNG render beside them; a hosted model's raster logo is its own render.
        const key = logoKey(userId, brandId, `${base}.svg`);
        const pngKey = logoKey(userId, brandId, `${base}.png`);
        files.push({ key, bytes: image.bytes, contentType: image.contentType }, { key: pngKey, bytes: await logoPng(image.bytes.toString('utf8'), LOGO_PNG_SIZE), contentType: 'image/png' });
        entries.push({ key, pngKey, image });
      } else {
        const key = logoKey(userId, brandId, `${base}.${EXTENSIONS[image.contentType] ?? 'png'}`);
        files.push({ key, bytes: image.bytes, contentType: image.contentType });
        entries.push({ key, pngKey: null, image });
      }
      await job.reportProgress(60 + Math.round(((i + 1) / images.length) * 25), `rendered ${i + 1} of ${images.length}`);
    }
    const config = brandkitSettings.load(ctx.config);
    const assets = await storeThenRecord(ctx, scope, files, async (tx) => {
      await useGenerations(tx, config, { orgId: job.orgId, userId, kind: 'logo', count: images.length, metadata: { brand_id: brandId, layout: job.data.layout } });
      const ids: string[] = [];
      for (const e of entries) {
        const row = await recordAsset(tx, {
          orgId: job.orgId, brandId, type: 'logo', key: e.key, fileName: e.key.split('/').pop()!,
          metadata: { mime_type: e.image.contentType, ...(e.pngKey ? { png_key: e.pngKey, png_size: LOGO_PNG_SIZE } : {}), width: e.image.width, height: e.image.height, variation: e.image.variation, prompt_used: e.image.prompt, params: e.image.params, source: 'generated' },
        });
        ids.push(row.id);
      }
      return ids;
    });
    await ctx.events.publish(job.orgId, 'brandkit:assets', { brand_id: brandId, created: assets });
    return { asset_ids: assets };
  },
});

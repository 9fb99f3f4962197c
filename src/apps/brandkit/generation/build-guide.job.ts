import { z } from 'zod';
import { defineJob } from '../../../platform/jobs/define-job.js';
import { AppError } from '../../../platform/errors.js';
import { removeObjects, deleteStoredBytes } from '../../../platform/storage/removal.js';
import { brandkitDb } from '../db.js';
import { deliverableKey } from '../storage-layout.js';
import { brandGuidePdf } from '../engines/guide/brand-guide.js';
import { BrandInputError } from '../engines/brand-input.js';
import { recordAsset } from '../assets/assets.service.js';
import { brandBasics, readStored, storeThenRecord } from './brand-artwork.js';
import { readLogoArtwork } from './logo-artwork.js';

const notReady = (message: string) => new AppError(409, 'BRAND_NOT_READY', message, undefined, undefined, { retryable: false });

/**
 * The brand guide PDF (the seed's brand_guide asset): built from the brand, its primary logo
 * and approved mockups, stored under the brand's deliverables and recorded as the primary
 * brand_guide asset; the previous guide and its file are removed in the same step.
 */
export const buildGuideJob = defineJob({
  name: 'brandkit.build-guide',
  schema: z.object({ brandId: z.uuid(), userId: z.uuid() }),
  retryLimit: 1,
  expireInSeconds: 900,
  async handler(ctx, job) {
    const { brandId, userId } = job.data;
    const scope = { orgId: job.orgId, userId };
    const loaded = await brandkitDb.withTenant(ctx, scope, async (tx) => {
      const brand = await tx.selectFrom('brandkit_brands').selectAll().where('org_id', '=', job.orgId).where('id', '=', brandId).where('user_id', '=', userId).executeTakeFirst();
      const assets = await tx.selectFrom('brandkit_brand_assets').selectAll().where('org_id', '=', job.orgId).where('brand_id', '=', brandId).execute();
      return { brand, assets };
    });
    if (!loaded.brand) return { skipped: 'the brand was deleted' };
    const basics = brandBasics(loaded.brand);
    const primary = loaded.assets.find((a) => a.asset_type === 'logo' && a.is_primary);
    if (!primary) throw notReady('The brand guide shows the chosen logo: generate logos (or upload yours) and choose one first');
    await job.reportProgress(10, 'reading logo and mockups');
    const logo = await readLogoArtwork(ctx, job.orgId, primary);
    const otherSvgLogos = loaded.assets.filter((a) => a.asset_type === 'logo' && a.id !== primary.id && a.metadata.mime_type === 'image/svg+xml');
    const otherLogos = await Promise.all(otherSvgLogos.slice(0, 4).map(async (a) => (await readStored(ctx, job.orgId, a.file_key)).toString('utf8')));
    const mockups = await Promise.all(loaded.assets.filter((a) => a.asset_type === 'mockup').slice(0, 8).map(async (a) => ({
      image: await readStored(ctx, job.orgId, a.file_key),
      caption: typeof a.metadata.product_name === 'string' ? a.metadata.product_name : 'Mockup',
    })));
    const b = loaded.brand;
    let pdf: Uint8Array;
    try {
      pdf = await brandGuidePdf({
        brand: { ...basics, description: b.description, vision: b.vision, archetype: b.brand_archetype, values: b.brand_values, targetAudience: b.target_audience },
        logoSvg: logo.svg, logoRaster: Boolean(logo.raster), otherLogos, mockups,
      }, (f) => void job.reportProgress(10 + Math.round(f * 80), 'laying out the guide').catch(() => {}));
    } catch (err) {
      if (err instanceof BrandInputError) throw notReady(err.message);
      throw err;
    }
    const fileName = `brand-guide-${Date.now().toString(36)}.pdf`;
    const key = deliverableKey(userId, brandId, fileName);
    const previous = loaded.assets.filter((a) => a.asset_type === 'brand_guide');
    const removed = await storeThenRecord(ctx, scope, [{ key, bytes: Buffer.from(pdf), contentType: 'application/pdf' }], async (tx) => {
      const objects = previous.length
        ? await tx.selectFrom('storage_objects').select('id').where('org_id', '=', job.orgId).where('key', 'in', previous.map((p) => p.file_key)).execute()
        : [];
      if (previous.length) await tx.deleteFrom('brandkit_brand_assets').where('org_id', '=', job.orgId).where('id', 'in', previous.map((p) => p.id)).execute();
      const removal = await removeObjects(tx, job.orgId, objects.map((o) => o.id));
      const row = await recordAsset(tx, { orgId: job.orgId, brandId, type: 'brand_guide', key, fileName, primary: true, metadata: { mime_type: 'application/pdf', size: pdf.length } });
      return { removal, assetId: row.id };
    });
    await deleteStoredBytes(ctx, removed.removal.storageKeys);
    return { asset_id: removed.assetId, bytes: pdf.length };
  },
});

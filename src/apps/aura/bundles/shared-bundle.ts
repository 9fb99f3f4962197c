import type { PlatformContext } from '../../../platform/context.js';
import type { ResolvedShare } from '../../../platform/sharing/share-handler.js';
import { notFound } from '../../../platform/errors.js';
import { tenantStorageKey } from '../../../platform/storage/keys.js';
import { auraDb } from '../db.js';
import { bundlePhotos } from './bundles.service.js';
import { BUNDLE_RESOURCE } from './bundle-shares.service.js';

/** How long the image links on a bundle's public page work. */
export const SHARED_IMAGE_URL_TTL_SECONDS = 3600;

/**
 * What a bundle link shows, read as the link's org (never resource_id alone): its name and
 * its live photos with short-lived image links. A deleted bundle is the friendly 404.
 */
export async function loadSharedBundle(ctx: PlatformContext, share: ResolvedShare) {
  if (share.resourceType !== BUNDLE_RESOURCE) throw notFound('Bundle');
  const data = await auraDb.withTenant(ctx, { orgId: share.orgId }, async (tx) => {
    const bundle = await tx.selectFrom('aura_bundles').select(['id', 'name']).where('org_id', '=', share.orgId).where('id', '=', share.resourceId).executeTakeFirst();
    if (!bundle) throw notFound('Bundle');
    return { bundle, photos: await bundlePhotos(tx, share.orgId, bundle.id) };
  });
  const sign = (key: string | null) =>
    key ? ctx.storage.driver.presignGet(tenantStorageKey(share.orgId, key), { expiresInSeconds: SHARED_IMAGE_URL_TTL_SECONDS, contentType: 'image/webp' }) : Promise.resolve(null);
  return {
    bundle: { name: data.bundle.name, photo_count: data.photos.length },
    photos: await Promise.all(data.photos.map(async (p) => ({ name: p.path, thumb_url: await sign(p.thumb_key), full_url: await sign(p.full_key) }))),
  };
}

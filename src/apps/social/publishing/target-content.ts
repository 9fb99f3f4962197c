import type { Transaction } from 'kysely';
import type { PlatformContext } from '../../../platform/context.js';
import { tenantStorageKey } from '../../../platform/storage/keys.js';
import type { PostMedia } from '../providers/provider.js';
import type { Network, PostMediaMap, PostVariants, SocialTables } from '../schema.js';

/** The current version's columns a target's content is made from (joined into the publisher's claim). */
export interface VersionContent {
  text: string;
  variants: unknown;
  media: unknown;
}

/**
 * What one target publishes: the current version's text for its network (the variant when
 * there is one) and its media (the network's own list, else the shared "*" list), streamed
 * from storage only when the adapter reads them. The assets are read only when the version
 * has media for this network.
 */
export async function targetContent(ctx: PlatformContext, tx: Transaction<SocialTables>, orgId: string, content: VersionContent, network: Network) {
  const variants = content.variants as PostVariants;
  const mediaMap = content.media as PostMediaMap;
  const ids = mediaMap[network] ?? mediaMap['*'] ?? [];
  const assets = ids.length
    ? await tx.selectFrom('social_media_assets').select(['id', 'storage_key', 'mime_type', 'size_bytes', 'alt_text', 'duration_seconds']).where('org_id', '=', orgId).where('id', 'in', ids).execute()
    : [];
  const byId = new Map(assets.map((a) => [a.id, a]));
  const shapes = ids.flatMap((id) => {
    const a = byId.get(id);
    return a ? [{ storageKey: tenantStorageKey(orgId, a.storage_key), contentType: a.mime_type, size: Number(a.size_bytes), alt: a.alt_text ?? undefined, durationSeconds: a.duration_seconds }] : [];
  });
  return {
    text: variants[network]?.text ?? content.text,
    shapes,
    async media(): Promise<PostMedia[]> {
      const out: PostMedia[] = [];
      for (const s of shapes) out.push({ data: (await ctx.storage.driver.get(s.storageKey)).stream, storageKey: s.storageKey, contentType: s.contentType, size: s.size, ...(s.alt ? { alt: s.alt } : {}) });
      return out;
    },
  };
}

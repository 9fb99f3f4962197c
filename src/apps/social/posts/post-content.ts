import type { Transaction } from 'kysely';
import { notFound } from '../../../platform/errors.js';
import type { Network, PostMediaMap, PostVariants, SocialTables } from '../schema.js';

export interface Content {
  text: string;
  variants: PostVariants;
  media: PostMediaMap;
}

/** Every media id of `media` is this workspace's and not deleted (404 Media otherwise). */
export async function assertMediaExist(tx: Transaction<SocialTables>, orgId: string, media: PostMediaMap): Promise<void> {
  const ids = [...new Set(Object.values(media).flat())] as string[];
  if (!ids.length) return;
  const found = await tx.selectFrom('social_media_assets').select('id').where('org_id', '=', orgId).where('id', 'in', ids).where('deleted_at', 'is', null).execute();
  if (found.length !== ids.length) {
    const missing = ids.filter((id) => !found.some((f) => f.id === id));
    throw notFound('Media', 'NOT_FOUND', `Media not found: ${missing.join(', ')} (upload it with POST /social/api/media first)`);
  }
}

/** Every account id is one of this workspace's connected accounts (404 Account otherwise). */
export async function assertAccountsExist(tx: Transaction<SocialTables>, orgId: string, accountIds: string[]): Promise<void> {
  const ids = [...new Set(accountIds)];
  if (!ids.length) return;
  const found = await tx.selectFrom('social_accounts').select('id').where('org_id', '=', orgId).where('id', 'in', ids).where('deleted_at', 'is', null).execute();
  if (found.length !== ids.length) throw notFound('Account', 'NOT_FOUND', 'Account not found: connect it first, or choose one of GET /social/api/accounts');
}

/**
 * Write version `version` of the post and make it current: the row in social_post_content
 * (never changed afterwards), the post's current text, and the post_media junction, which
 * always mirrors the current version's media (the media library's "used in" reads it).
 */
export async function writeVersion(
  tx: Transaction<SocialTables>,
  orgId: string,
  postId: string,
  version: number,
  content: Content,
  author: string | null,
  restoredFrom: number | null = null,
): Promise<void> {
  await tx
    .insertInto('social_post_content')
    .values({ org_id: orgId, post_id: postId, version, text: content.text, variants: JSON.stringify(content.variants), media: JSON.stringify(content.media), created_by: author, restored_from: restoredFrom })
    .execute();
  await tx.updateTable('social_posts').set({ current_version: version, current_text: content.text }).where('org_id', '=', orgId).where('id', '=', postId).execute();
  await tx.deleteFrom('social_post_media').where('org_id', '=', orgId).where('post_id', '=', postId).execute();
  const rows = Object.entries(content.media).flatMap(([network, ids]) =>
    (ids ?? []).map((mediaId, position) => ({ org_id: orgId, post_id: postId, media_id: mediaId, network: network as Network | '*', position })),
  );
  if (rows.length) await tx.insertInto('social_post_media').values(rows).execute();
}

/** Make the post's targets exactly `accountIds`: removed ones go, new ones are queued. */
export async function setTargets(tx: Transaction<SocialTables>, orgId: string, postId: string, accountIds: string[]): Promise<void> {
  const ids = [...new Set(accountIds)];
  let remove = tx.deleteFrom('social_post_platforms').where('org_id', '=', orgId).where('post_id', '=', postId);
  if (ids.length) remove = remove.where('account_id', 'not in', ids);
  await remove.execute();
  if (ids.length) {
    await tx
      .insertInto('social_post_platforms')
      .values(ids.map((account_id) => ({ org_id: orgId, post_id: postId, account_id })))
      .onConflict((oc) => oc.columns(['post_id', 'account_id']).doNothing())
      .execute();
  }
}

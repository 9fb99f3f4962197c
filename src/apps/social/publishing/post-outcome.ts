import type { Transaction } from 'kysely';
import type { PlatformContext } from '../../../platform/context.js';
import type { PostStatus, SocialTables } from '../schema.js';

/** A post's status after one of its targets changed, and what to tell people about it. */
export interface SettledPost {
  postId: string;
  status: PostStatus;
  published: number;
  failed: number;
  open: number;
  errors: string[];
  /** The author's address when every target is settled with at least one failure. */
  author: string | undefined;
  title: string;
}

/**
 * After a target changed, inside the transaction that changed it: the post's own status from
 * its targets' (published, partially published, failed, or still publishing). The post row is
 * locked before its targets are read, so two targets of one post settling at once are
 * serialised and the later one sees the earlier one's outcome.
 */
export async function settlePostIn(tx: Transaction<SocialTables>, orgId: string, postId: string): Promise<SettledPost | null> {
  const post = await tx.selectFrom('social_posts').select(['status', 'author_id', 'title', 'current_text']).where('org_id', '=', orgId).where('id', '=', postId).forUpdate().executeTakeFirst();
  if (!post || (post.status !== 'publishing' && post.status !== 'scheduled')) return null;
  const targets = await tx.selectFrom('social_post_platforms').select(['state', 'error']).where('org_id', '=', orgId).where('post_id', '=', postId).execute();
  const count = (s: string) => targets.filter((t) => t.state === s).length;
  const open = count('queued') + count('publishing');
  const published = count('published');
  const failed = count('failed');
  const status: PostStatus = open > 0 ? 'publishing' : failed === 0 ? 'published' : published === 0 ? 'failed' : 'partially_published';
  const errors = targets.filter((t) => t.state === 'failed' && t.error).map((t) => t.error!);
  // A post still publishing whose status already says so has nothing to write.
  if (status !== post.status || errors.length > 0) {
    await tx
      .updateTable('social_posts')
      .set({ status, last_error: errors.length ? errors.join('; ').slice(0, 2000) : null, ...(open === 0 && published > 0 ? { published_at: new Date() } : {}) })
      .where('org_id', '=', orgId)
      .where('id', '=', postId)
      .execute();
  }
  const author = open === 0 && failed > 0 && post.author_id ? await tx.selectFrom('users').select('email').where('id', '=', post.author_id).executeTakeFirst() : undefined;
  return { postId, status, published, failed, open, errors, author: author?.email, title: post.title ?? post.current_text.slice(0, 60) };
}

/** After the commit: a realtime event, and the author's email when the post ended with failures. */
export async function announceSettled(ctx: PlatformContext, orgId: string, settled: SettledPost | null): Promise<void> {
  if (!settled) return;
  await ctx.events.publish(orgId, 'social:posts', { type: 'post.status', post_id: settled.postId, status: settled.status, published: settled.published, failed: settled.failed, pending: settled.open });
  if (settled.author) {
    await ctx.mailer
      .send({ to: settled.author, subject: `Social: "${settled.title}" failed on ${settled.failed} network${settled.failed === 1 ? '' : 's'}`, text: `${settled.published} published, ${settled.failed} failed:\n${settled.errors.join('\n')}\nOpen the post to fix it and publish again.` })
      .catch((err: unknown) => ctx.log.warn({ err, postId: settled.postId }, 'social: could not send the publishing failure email'));
  }
}

import { sql, type Transaction } from 'kysely';
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
 * After targets changed, inside the transaction that changed them: each post's own status
 * from its targets' (published, partially published, failed, or still publishing). The post
 * rows are locked (in id order, as the claim locks them) before their targets are read, so
 * two settlements of one post are serialised and the later one sees the earlier one's outcome.
 * Three statements for any number of posts: lock, read the targets, write the changed posts.
 * Posts no longer scheduled or publishing are left alone and not answered.
 */
export async function settlePostsIn(tx: Transaction<SocialTables>, orgId: string, postIds: readonly string[]): Promise<SettledPost[]> {
  if (postIds.length === 0) return [];
  const posts = (await tx.selectFrom('social_posts').select(['id', 'status', 'author_id', 'title', 'current_text']).where('org_id', '=', orgId).where('id', 'in', [...postIds]).orderBy('id').forUpdate().execute())
    .filter((p) => p.status === 'publishing' || p.status === 'scheduled');
  if (posts.length === 0) return [];
  const targets = await tx.selectFrom('social_post_platforms').select(['post_id', 'state', 'error']).where('org_id', '=', orgId).where('post_id', 'in', posts.map((p) => p.id)).execute();
  const targetsOf = new Map<string, typeof targets>();
  for (const t of targets) targetsOf.set(t.post_id, [...(targetsOf.get(t.post_id) ?? []), t]);
  const settled: SettledPost[] = [];
  const changes: Array<{ id: string; status: PostStatus; last_error: string | null; done: boolean }> = [];
  for (const post of posts) {
    const own = targetsOf.get(post.id) ?? [];
    const count = (s: string) => own.filter((t) => t.state === s).length;
    const open = count('queued') + count('publishing');
    const published = count('published');
    const failed = count('failed');
    const status: PostStatus = open > 0 ? 'publishing' : failed === 0 ? 'published' : published === 0 ? 'failed' : 'partially_published';
    const errors = own.filter((t) => t.state === 'failed' && t.error).map((t) => t.error!);
    // A post still publishing whose status already says so has nothing to write.
    if (status !== post.status || errors.length > 0) changes.push({ id: post.id, status, last_error: errors.length ? errors.join('; ').slice(0, 2000) : null, done: open === 0 && published > 0 });
    settled.push({ postId: post.id, status, published, failed, open, errors, author: open === 0 && failed > 0 ? (post.author_id ?? undefined) : undefined, title: post.title ?? post.current_text.slice(0, 60) });
  }
  if (changes.length > 0) {
    const rows = sql.join(changes.map((c) => sql`(${c.id}::uuid, ${c.status}::text, ${c.last_error}::text, ${c.done}::boolean)`));
    await sql`
      update social_posts p set status = v.status, last_error = v.last_error, published_at = case when v.done then now() else p.published_at end
      from (values ${rows}) as v(id, status, last_error, done)
      where p.org_id = ${orgId} and p.id = v.id`.execute(tx);
  }
  // The authors of posts that ended with failures are mailed: their addresses, in one read.
  const authorIds = [...new Set(settled.flatMap((s) => (s.author ? [s.author] : [])))];
  if (authorIds.length > 0) {
    const emails = new Map((await tx.selectFrom('users').select(['id', 'email']).where('id', 'in', authorIds).execute()).map((u) => [u.id, u.email]));
    for (const s of settled) if (s.author) s.author = emails.get(s.author);
  }
  return settled;
}

/** settlePostsIn for one post: its settlement, or null when it is no longer scheduled or publishing. */
export async function settlePostIn(tx: Transaction<SocialTables>, orgId: string, postId: string): Promise<SettledPost | null> {
  return (await settlePostsIn(tx, orgId, [postId]))[0] ?? null;
}

/** After the commit: a realtime event per post, and the author's email when a post ended with failures. */
export async function announceSettled(ctx: PlatformContext, orgId: string, settled: SettledPost | null | readonly SettledPost[]): Promise<void> {
  const posts = settled === null ? [] : 'postId' in settled ? [settled] : settled;
  await Promise.all(posts.map((s) => ctx.events.publish(orgId, 'social:posts', { type: 'post.status', post_id: s.postId, status: s.status, published: s.published, failed: s.failed, pending: s.open })));
  for (const s of posts) {
    if (!s.author) continue;
    await ctx.mailer
      .send({ to: s.author, subject: `Social: "${s.title}" failed on ${s.failed} network${s.failed === 1 ? '' : 's'}`, text: `${s.published} published, ${s.failed} failed:\n${s.errors.join('\n')}\nOpen the post to fix it and publish again.` })
      .catch((err: unknown) => ctx.log.warn({ err, postId: s.postId }, 'social: could not send the publishing failure email'));
  }
}

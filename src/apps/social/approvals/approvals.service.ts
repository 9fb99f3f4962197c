import type { Transaction } from 'kysely';
import type { PlatformContext } from '../../../platform/context.js';
import type { Principal } from '../../../platform/auth/principal.js';
import type { RequestMeta } from '../../../platform/audit/audit.service.js';
import { fetchPage, type PageRequest } from '../../../platform/db/page.js';
import { conflict, notFound } from '../../../platform/errors.js';
import type { ApprovalDecision, SocialTables } from '../schema.js';
import { socialDb } from '../db.js';
import { logActivity } from '../activity/activity-log.js';
import { lockPost, readPost } from '../posts/post-read.js';
import { decisionMail } from './decision-mail.js';
import type { EmailMessage } from '../../../platform/email/mailer.js';

const APPROVAL_COLUMNS = ['a.id', 'a.post_id', 'a.version', 'a.decision', 'a.requested_by', 'a.requested_at', 'a.decided_by', 'a.decided_at', 'a.comment'] as const;

/**
 * The approval workflow: editors submit a draft (its current version), admins approve or
 * reject it with a comment. Each step is in the activity log; each decision is emailed to
 * the post's author once it is committed.
 */
export class ApprovalsService {
  constructor(private readonly ctx: PlatformContext) {}

  async submit(p: Principal, postId: string, meta: RequestMeta) {
    const post = await socialDb.withTenant(this.ctx, p, async (tx) => {
      const post = await lockPost(tx, p.orgId, postId);
      if (post.status === 'pending_approval') throw conflict('The post is already waiting for approval', 'ALREADY_SUBMITTED');
      if (post.status !== 'draft') throw conflict(`Only drafts are submitted for approval; this post is ${post.status.replace('_', ' ')}`, 'NOT_A_DRAFT');
      await tx.insertInto('social_approvals').values({ org_id: p.orgId, post_id: postId, version: post.current_version, requested_by: p.userId }).execute();
      await tx.updateTable('social_posts').set({ status: 'pending_approval', submitted_at: new Date() }).where('org_id', '=', p.orgId).where('id', '=', postId).execute();
      await logActivity(tx, p, meta, { action: 'post.submitted', entityType: 'post', entityId: postId, details: { version: post.current_version } });
      return readPost(tx, p.orgId, postId);
    });
    await this.announce(p, postId, post.status);
    return post;
  }

  /** Pages showing the post (its page, the queue) follow the change on `social:posts`, after the commit. */
  private async announce(p: Principal, postId: string, status: string) {
    await this.ctx.events.publish(p.orgId, 'social:posts', { type: 'post.status', post_id: postId, status }).catch((err: unknown) => this.ctx.log.warn({ err, postId }, 'social: could not announce the approval change'));
  }

  async decide(p: Principal, postId: string, decision: 'approved' | 'rejected', comment: string | null, meta: RequestMeta) {
    const { post, mail } = await socialDb.withTenant(this.ctx, p, async (tx) => {
      const row = await lockPost(tx, p.orgId, postId);
      const pending = await tx
        .selectFrom('social_approvals')
        .select(['id', 'version'])
        .where('org_id', '=', p.orgId)
        .where('post_id', '=', postId)
        .where('decision', '=', 'pending')
        .executeTakeFirst();
      if (!pending || row.status !== 'pending_approval') {
        throw conflict('The post is not waiting for approval: an editor submits it first (POST /social/api/posts/{id}/submit)', 'NOT_PENDING');
      }
      await tx.updateTable('social_approvals').set({ decision, decided_by: p.userId, decided_at: new Date(), comment }).where('org_id', '=', p.orgId).where('id', '=', pending.id).execute();
      await tx
        .updateTable('social_posts')
        .set(decision === 'approved' ? { status: 'approved', approved_at: new Date(), approved_by: p.userId } : { status: 'draft', submitted_at: null })
        .where('org_id', '=', p.orgId)
        .where('id', '=', postId)
        .execute();
      await logActivity(tx, p, meta, { action: `post.${decision}`, entityType: 'approval', entityId: pending.id, details: { post_id: postId, version: pending.version, comment } });
      return { post: await readPost(tx, p.orgId, postId), mail: await this.mailFor(tx, row.author_id, decision, row.title, row.current_text, comment, postId) };
    });
    // After the commit: the decision stands even if the mail cannot go out now (the outbox keeps it).
    if (mail) {
      await this.ctx.mailer.send(mail).catch((err: unknown) => this.ctx.log.warn({ err, postId }, 'social: could not send the approval decision email'));
    }
    await this.announce(p, postId, post.status);
    return post;
  }

  history(p: Principal, postId: string) {
    return socialDb.withTenant(this.ctx, p, async (tx) => {
      const post = await tx.selectFrom('social_posts').select('id').where('org_id', '=', p.orgId).where('id', '=', postId).where('deleted_at', 'is', null).executeTakeFirst();
      if (!post) throw notFound('Post');
      return tx.selectFrom('social_approvals as a').select(APPROVAL_COLUMNS).where('a.org_id', '=', p.orgId).where('a.post_id', '=', postId).orderBy('a.requested_at', 'desc').orderBy('a.id', 'desc').execute();
    });
  }

  /** The approval queue (default: waiting ones), oldest request first. */
  list(p: Principal, q: PageRequest & { decision?: ApprovalDecision }) {
    return socialDb.withTenant(this.ctx, p, (tx) => {
      const filtered = tx
        .selectFrom('social_approvals as a')
        .innerJoin('social_posts as p', (j) => j.onRef('p.org_id', '=', 'a.org_id').onRef('p.id', '=', 'a.post_id'))
        .where('a.org_id', '=', p.orgId)
        .where('p.deleted_at', 'is', null)
        .where('a.decision', '=', q.decision ?? 'pending');
      return fetchPage(filtered, q, (f) => f.select([...APPROVAL_COLUMNS, 'p.title', 'p.current_text as text']).orderBy('a.requested_at', 'asc').orderBy('a.id', 'asc'));
    });
  }

  private async mailFor(tx: Transaction<SocialTables>, authorId: string | null, decision: 'approved' | 'rejected', title: string | null, text: string, comment: string | null, postId: string): Promise<EmailMessage | null> {
    if (!authorId) return null;
    const author = await tx.selectFrom('users').select('email').where('id', '=', authorId).executeTakeFirst();
    if (!author) return null;
    const base = this.ctx.config.publicUrl;
    return decisionMail({ to: author.email, decision, postTitle: title, excerpt: text, comment, postUrl: base ? `${base}/social/posts/${postId}` : null });
  }
}

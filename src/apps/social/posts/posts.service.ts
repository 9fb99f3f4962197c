import type { Transaction } from 'kysely';
import type { PlatformContext } from '../../../platform/context.js';
import type { Principal } from '../../../platform/auth/principal.js';
import type { RequestMeta } from '../../../platform/audit/audit.service.js';
import { badRequest, conflict, notFound } from '../../../platform/errors.js';
import type { PostMediaMap, PostStatus, PostVariants, SocialTables } from '../schema.js';
import type { SocialConfig } from '../config.js';
import { socialDb } from '../db.js';
import { logActivity } from '../activity/activity-log.js';
import { settingsOf } from '../workspace/settings.service.js';
import { assertOpenCampaign } from '../campaigns/campaigns.service.js';
import { assertAccountsExist, assertMediaExist, setTargets, writeVersion, type Content } from './post-content.js';
import { lockPost, readPost } from './post-read.js';
import { findNearDuplicates } from './near-duplicate.js';
import { wordDiff } from './word-diff.js';
import type { PostChanges, PostInput } from './post.schema.js';

/** States in which a post's content may still change; later it belongs to the publisher. */
const EDITABLE: readonly PostStatus[] = ['draft', 'pending_approval', 'approved', 'scheduled', 'failed', 'cancelled'];
/** States an approval vouched for: new content there needs a new approval. */
const APPROVED_STATES: readonly PostStatus[] = ['pending_approval', 'approved', 'scheduled'];

/** Posts and their versions: every content edit is a new version; restoring copies an old one forward. */
export class PostsService {
  constructor(private readonly ctx: PlatformContext, private readonly config: SocialConfig) {}

  get(p: Principal, id: string) {
    return socialDb.withTenant(this.ctx, p, (tx) => readPost(tx, p.orgId, id));
  }

  create(p: Principal, input: PostInput, meta: RequestMeta) {
    assertFuture(input.scheduled_at);
    return socialDb.withTenant(this.ctx, p, async (tx) => {
      const settings = await settingsOf(tx, p.orgId);
      await this.checkReferences(tx, p.orgId, input);
      const row = await tx
        .insertInto('social_posts')
        .values({
          org_id: p.orgId,
          author_id: p.userId,
          title: input.title ?? null,
          campaign_id: input.campaign_id ?? null,
          scheduled_at: input.scheduled_at ?? null,
          timezone: input.timezone ?? settings.timezone,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await writeVersion(tx, p.orgId, row.id, 1, { text: input.text, variants: input.variants ?? {}, media: input.media ?? {} }, p.userId);
      if (input.account_ids) await setTargets(tx, p.orgId, row.id, input.account_ids);
      await logActivity(tx, p, meta, { action: 'post.created', entityType: 'post', entityId: row.id, details: { version: 1 } });
      const nearDuplicates = await this.nearDuplicates(tx, p.orgId, row.id, input.text, settings.near_duplicate_threshold);
      return { post: await readPost(tx, p.orgId, row.id), near_duplicates: nearDuplicates };
    });
  }

  /**
   * Change a post. Content (text, variants, media) makes a new version; in a workspace that
   * requires approval, new content on a submitted or approved post sends it back to draft
   * (the approval was for the old words), and the answer's message says so.
   */
  update(p: Principal, id: string, changes: PostChanges, meta: RequestMeta) {
    assertFuture(changes.scheduled_at);
    return socialDb.withTenant(this.ctx, p, async (tx) => {
      const post = await lockPost(tx, p.orgId, id);
      assertEditable(post.status);
      const settings = await settingsOf(tx, p.orgId);
      await this.checkReferences(tx, p.orgId, changes);
      const contentChanged = changes.text !== undefined || changes.variants !== undefined || changes.media !== undefined;
      let version = post.current_version;
      let backToDraft = false;
      if (contentChanged) {
        const current = await this.version(tx, p.orgId, id, post.current_version);
        version = post.current_version + 1;
        await writeVersion(tx, p.orgId, id, version, { text: changes.text ?? current.text, variants: changes.variants ?? current.variants, media: changes.media ?? current.media }, p.userId);
        backToDraft = settings.approval_required && APPROVED_STATES.includes(post.status);
      }
      const { text: _t, variants: _v, media: _m, account_ids: accountIds, ...fields } = changes;
      if (Object.keys(fields).length || backToDraft) {
        await tx
          .updateTable('social_posts')
          .set({ ...fields, ...(backToDraft ? { status: 'draft', approved_at: null, approved_by: null, submitted_at: null } : {}) })
          .where('org_id', '=', p.orgId)
          .where('id', '=', id)
          .execute();
      }
      if (backToDraft) await withdrawPending(tx, p.orgId, id);
      if (accountIds) await setTargets(tx, p.orgId, id, accountIds);
      await logActivity(tx, p, meta, { action: 'post.updated', entityType: 'post', entityId: id, details: { changed: Object.keys(changes), version, ...(backToDraft ? { status: 'draft' } : {}) } });
      const nearDuplicates = changes.text !== undefined ? await this.nearDuplicates(tx, p.orgId, id, changes.text, settings.near_duplicate_threshold) : [];
      const saved = { post: await readPost(tx, p.orgId, id), near_duplicates: nearDuplicates };
      return { saved, message: backToDraft ? 'The content changed after it was submitted: the post is a draft again and needs a new approval' : undefined };
    });
  }

  /** Soft delete: the post leaves lists and the calendar; its versions and activity stay. */
  delete(p: Principal, id: string, meta: RequestMeta) {
    return socialDb.withTenant(this.ctx, p, async (tx) => {
      const post = await lockPost(tx, p.orgId, id);
      if (post.status === 'publishing') throw conflict('The post is being published right now: wait until it finishes, then delete it', 'POST_PUBLISHING');
      await tx.updateTable('social_posts').set({ deleted_at: new Date() }).where('org_id', '=', p.orgId).where('id', '=', id).execute();
      await withdrawPending(tx, p.orgId, id);
      await logActivity(tx, p, meta, { action: 'post.deleted', entityType: 'post', entityId: id });
    });
  }

  versions(p: Principal, id: string) {
    return socialDb.withTenant(this.ctx, p, async (tx) => {
      await readPostRow(tx, p.orgId, id);
      return tx
        .selectFrom('social_post_content')
        .select(['version', 'text', 'variants', 'media', 'restored_from', 'created_by', 'created_at'])
        .where('org_id', '=', p.orgId)
        .where('post_id', '=', id)
        .orderBy('version', 'desc')
        .execute();
    });
  }

  getVersion(p: Principal, id: string, version: number) {
    return socialDb.withTenant(this.ctx, p, async (tx) => {
      await readPostRow(tx, p.orgId, id);
      return this.version(tx, p.orgId, id, version);
    });
  }

  /** Restore `version`: its content becomes a new version (history is never rewritten). */
  restore(p: Principal, id: string, version: number, meta: RequestMeta) {
    return socialDb.withTenant(this.ctx, p, async (tx) => {
      const post = await lockPost(tx, p.orgId, id);
      assertEditable(post.status);
      const old = await this.version(tx, p.orgId, id, version);
      const gone = await goneMedia(tx, p.orgId, old.media);
      if (gone.length) throw conflict(`Version ${version} uses media that has been deleted since (${gone.join(', ')}): restore another version or edit the post`, 'MEDIA_DELETED', { media_ids: gone });
      const next = post.current_version + 1;
      await writeVersion(tx, p.orgId, id, next, old, p.userId, version);
      const settings = await settingsOf(tx, p.orgId);
      const backToDraft = settings.approval_required && APPROVED_STATES.includes(post.status);
      if (backToDraft) {
        await tx.updateTable('social_posts').set({ status: 'draft', approved_at: null, approved_by: null, submitted_at: null }).where('org_id', '=', p.orgId).where('id', '=', id).execute();
        await withdrawPending(tx, p.orgId, id);
      }
      await logActivity(tx, p, meta, { action: 'post.version_restored', entityType: 'post', entityId: id, details: { restored: version, version: next } });
      return { post: await readPost(tx, p.orgId, id), near_duplicates: [] };
    });
  }

  diff(p: Principal, id: string, from: number, to: number) {
    return socialDb.withTenant(this.ctx, p, async (tx) => {
      await readPostRow(tx, p.orgId, id);
      const a = await this.version(tx, p.orgId, id, from);
      const b = await this.version(tx, p.orgId, id, to);
      const networks = [...new Set([...Object.keys(a.variants), ...Object.keys(b.variants)])].sort() as (keyof PostVariants)[];
      const targets = [...new Set([...Object.keys(a.media), ...Object.keys(b.media)])].sort() as (keyof PostMediaMap)[];
      return {
        from,
        to,
        text: wordDiff(a.text, b.text),
        variants: Object.fromEntries(networks.map((n) => [n, wordDiff(a.variants[n]?.text ?? '', b.variants[n]?.text ?? '')])),
        media: Object.fromEntries(
          targets.map((n) => {
            const before = a.media[n] ?? [];
            const after = b.media[n] ?? [];
            return [n, { added: after.filter((m) => !before.includes(m)), removed: before.filter((m) => !after.includes(m)) }];
          }),
        ),
      };
    });
  }

  async version(tx: Transaction<SocialTables>, orgId: string, postId: string, version: number): Promise<Content & { version: number; restored_from: number | null; created_by: string | null; created_at: Date }> {
    const row = await tx
      .selectFrom('social_post_content')
      .select(['version', 'text', 'variants', 'media', 'restored_from', 'created_by', 'created_at'])
      .where('org_id', '=', orgId)
      .where('post_id', '=', postId)
      .where('version', '=', version)
      .executeTakeFirst();
    if (!row) throw notFound('Version', 'NOT_FOUND', `Version ${version} of this post not found: list them with GET /social/api/posts/${postId}/versions`);
    return row;
  }

  /** Posts of the workspace whose text is close to `text` (recent ones: SOCIAL_NEAR_DUPLICATE_WINDOW). */
  async nearDuplicates(tx: Transaction<SocialTables>, orgId: string, selfId: string, text: string, threshold: number) {
    const recent = await tx
      .selectFrom('social_posts')
      .select(['id', 'current_text'])
      .where('org_id', '=', orgId)
      .where('deleted_at', 'is', null)
      .where('id', '!=', selfId)
      .orderBy('created_at', 'desc')
      .limit(this.config.nearDuplicateWindow)
      .execute();
    return findNearDuplicates(text, recent, threshold);
  }

  private async checkReferences(tx: Transaction<SocialTables>, orgId: string, input: Pick<PostChanges, 'media' | 'account_ids' | 'campaign_id'>) {
    if (input.campaign_id) await assertOpenCampaign(tx, orgId, input.campaign_id);
    if (input.media) await assertMediaExist(tx, orgId, input.media);
    if (input.account_ids) await assertAccountsExist(tx, orgId, input.account_ids);
  }
}

async function readPostRow(tx: Transaction<SocialTables>, orgId: string, id: string) {
  const row = await tx.selectFrom('social_posts').select(['id', 'status']).where('org_id', '=', orgId).where('id', '=', id).where('deleted_at', 'is', null).executeTakeFirst();
  if (!row) throw notFound('Post');
  return row;
}

async function goneMedia(tx: Transaction<SocialTables>, orgId: string, media: PostMediaMap): Promise<string[]> {
  const ids = [...new Set(Object.values(media).flat())] as string[];
  if (!ids.length) return [];
  const live = await tx.selectFrom('social_media_assets').select('id').where('org_id', '=', orgId).where('id', 'in', ids).where('deleted_at', 'is', null).execute();
  return ids.filter((id) => !live.some((l) => l.id === id));
}

/** A pending approval request is moot once its version is no longer the one to publish. */
export async function withdrawPending(tx: Transaction<SocialTables>, orgId: string, postId: string) {
  await tx
    .updateTable('social_approvals')
    .set({ decision: 'withdrawn', decided_at: new Date() })
    .where('org_id', '=', orgId)
    .where('post_id', '=', postId)
    .where('decision', '=', 'pending')
    .execute();
}

function assertEditable(status: PostStatus) {
  if (!EDITABLE.includes(status)) {
    throw conflict(`A ${status.replace('_', ' ')} post can no longer be edited: duplicate it into a new post instead`, 'POST_LOCKED');
  }
}

/** Scheduling in the past is a mistake the author should hear about now, not at publishing time. */
export function assertFuture(at: string | null | undefined) {
  if (at && Date.parse(at) <= Date.now()) throw badRequest(`scheduled_at (${at}) is in the past: choose a time from now on`, undefined, 'SCHEDULED_IN_PAST');
}

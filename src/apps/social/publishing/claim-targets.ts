import type { Transaction } from 'kysely';
import type { PlatformContext } from '../../../platform/context.js';
import { socialDb } from '../db.js';
import type { SealedAccountRow } from '../connect/token-vault.js';
import type { SocialTables } from '../schema.js';
import { settlePostsIn, type SettledPost } from './post-outcome.js';
import { targetContent } from './target-content.js';

/** Networks whose create call takes an idempotency key: a retry with the same key cannot post twice. */
export const IDEMPOTENT = new Set(['mastodon']);

/** What a publisher may do with one target. */
export type Claim =
  /** Nothing to do now: published already, cancelled, moved later or failed. */
  | null
  /** Failed by the claim itself (in doubt, or its account gone); its post settled with it. */
  | { failed: true; settled: SettledPost | null }
  | { failed: false; postId: string; account: SealedAccountRow; attempt: number; content: Awaited<ReturnType<typeof targetContent>> };

/** The run that claims: its id is written on the targets it marks (see publish-due.ts). */
export interface ClaimingRun {
  id: string | null;
}

/**
 * Claim a workspace's due targets, up to `limit`, for one run: queued targets whose
 * next_attempt_at is at or before `horizon`, oldest first. Targets another run holds are
 * skipped (SKIP LOCKED), so runs side by side share a due minute without waiting on each
 * other or taking a target twice. Answers every target picked, claimed or not: a target
 * picked and not claimed is no longer due, so a run that picks until nothing is left ends.
 */
export async function claimDue(ctx: PlatformContext, orgId: string, run: ClaimingRun, limit: number, horizon: Date): Promise<Array<{ targetId: string; claim: Claim }>> {
  return socialDb.withTenant(ctx, { orgId }, async (tx) => {
    const picked = await tx
      .selectFrom('social_post_platforms')
      .select('id')
      .where('org_id', '=', orgId)
      .where('state', '=', 'queued')
      .where('next_attempt_at', '<=', horizon)
      .orderBy('next_attempt_at')
      .limit(limit)
      .forUpdate()
      .skipLocked()
      .execute();
    if (picked.length === 0) return [];
    const ids = picked.map((p) => p.id);
    const claims = await claimIn(ctx, tx, orgId, ids, run);
    return ids.map((targetId, i) => ({ targetId, claim: claims[i]! }));
  });
}

/**
 * Claim the given targets, whatever their due time: a target found "publishing" was left
 * by a run that died after calling the network, and is resolved as in doubt. Used for a
 * run's own targets after its worker died, and by the sweep for stale claims.
 */
export async function claimTargets(ctx: PlatformContext, orgId: string, targetIds: readonly string[], run: ClaimingRun): Promise<Claim[]> {
  return socialDb.withTenant(ctx, { orgId }, (tx) => claimIn(ctx, tx, orgId, targetIds, run));
}

/**
 * Mark targets "publishing" before the network is called, so a later attempt knows the
 * network may hold the post. One statement reads them with their post, the account's sealed
 * tokens and the current version, and one marks them and their posts. Rows are locked in post
 * order, so claims and the recording of outcomes (which locks posts in the same order) never
 * wait on each other in a circle. Only the target and its post are locked, not the account:
 * its other targets go side by side.
 */
async function claimIn(ctx: PlatformContext, tx: Transaction<SocialTables>, orgId: string, targetIds: readonly string[], run: ClaimingRun): Promise<Claim[]> {
  const rows = await tx
    .selectFrom('social_post_platforms as t')
    .innerJoin('social_posts as p', (j) => j.onRef('p.org_id', '=', 't.org_id').onRef('p.id', '=', 't.post_id'))
    .innerJoin('social_accounts as a', (j) => j.onRef('a.org_id', '=', 't.org_id').onRef('a.id', '=', 't.account_id'))
    .leftJoin('social_post_content as c', (j) => j.onRef('c.org_id', '=', 'p.org_id').onRef('c.post_id', '=', 'p.id').onRef('c.version', '=', 'p.current_version'))
    .select(['t.id', 't.post_id', 't.state', 't.attempts', 'p.status as post_status', 'p.scheduled_at', 'p.current_version', 'p.deleted_at as post_deleted_at'])
    .select(['a.id as account_id', 'a.network', 'a.status as account_status', 'a.deleted_at as account_deleted_at', 'a.remote_account_id', 'a.instance_url', 'a.access_token_sealed', 'a.refresh_token_sealed', 'a.expires_at'])
    .select(['c.text as version_text', 'c.variants as version_variants', 'c.media as version_media'])
    .where('t.org_id', '=', orgId)
    .where('t.id', 'in', [...targetIds])
    .orderBy('p.id')
    .orderBy('t.id')
    .forUpdate(['t', 'p'])
    .execute();
  const byId = new Map(rows.map((r) => [r.id, r]));
  const claims = new Map<string, Claim>();
  const failures = new Map<string, string>();
  const publishing: typeof rows = [];
  /** Queued targets found not due now, with when they are due (null: until scheduled again). */
  const notDue: Array<{ id: string; at: Date | null }> = [];
  for (const id of new Set(targetIds)) {
    const row = byId.get(id);
    if (!row || row.state === 'published' || row.state === 'failed') continue;
    // Cancelled, deleted or back to a draft: not due any more (a new schedule makes it due again).
    if (row.post_deleted_at || (row.post_status !== 'scheduled' && row.post_status !== 'publishing')) {
      if (row.state === 'queued') notDue.push({ id, at: null });
      continue;
    }
    // Moved later: due at the post's time (a reschedule sets both, and wakes a publisher then).
    if (row.scheduled_at && row.scheduled_at.getTime() > Date.now() + 1000) {
      if (row.state === 'queued') notDue.push({ id, at: row.scheduled_at });
      continue;
    }
    if (row.state === 'publishing' && !IDEMPOTENT.has(row.network)) {
      failures.set(id, 'Publishing was interrupted after the network was called, so it may already show the post: check the account, and publish again only if it is missing');
    } else if (row.account_deleted_at || row.account_status !== 'active') {
      failures.set(id, 'The account is disconnected or needs a reconnect: reconnect it, then publish again');
    } else if (row.version_text === null) {
      // Its own failure, not the batch's: the other targets claimed with it go on.
      failures.set(id, `The post has no content for its version ${row.current_version}: edit the post, then publish again`);
    } else {
      publishing.push(row);
    }
  }

  // Picked again and again otherwise: a run picks until nothing due is left.
  for (const { id, at } of notDue) await tx.updateTable('social_post_platforms').set({ next_attempt_at: at }).where('org_id', '=', orgId).where('id', '=', id).execute();
  if (publishing.length > 0) {
    const marked = tx
      .updateTable('social_post_platforms')
      .set((eb) => ({ state: 'publishing', attempts: eb('attempts', '+', 1), error: null, claimed_by: run.id, claimed_at: new Date() }))
      .where('org_id', '=', orgId)
      .where('id', 'in', publishing.map((r) => r.id));
    // A post's first target to go out says so on the post, in the same statement.
    const firstOut = [...new Set(publishing.filter((r) => r.post_status === 'scheduled').map((r) => r.post_id))];
    if (firstOut.length > 0) await tx.with('claimed', () => marked).updateTable('social_posts').set({ status: 'publishing' }).where('org_id', '=', orgId).where('id', 'in', firstOut).execute();
    else await marked.execute();
  }
  for (const row of publishing) {
    const account: SealedAccountRow = { id: row.account_id, org_id: orgId, network: row.network, remote_account_id: row.remote_account_id, instance_url: row.instance_url, access_token_sealed: row.access_token_sealed, refresh_token_sealed: row.refresh_token_sealed, expires_at: row.expires_at };
    const content = await targetContent(ctx, tx, orgId, { text: row.version_text!, variants: row.version_variants, media: row.version_media }, row.network);
    claims.set(row.id, { failed: false, postId: row.post_id, account, attempt: row.attempts + 1, content });
  }

  if (failures.size > 0) {
    for (const [id, error] of failures) await tx.updateTable('social_post_platforms').set({ state: 'failed', error, next_attempt_at: null }).where('org_id', '=', orgId).where('id', '=', id).execute();
    const settled = new Map((await settlePostsIn(tx, orgId, [...new Set([...failures.keys()].map((id) => byId.get(id)!.post_id))])).map((s) => [s.postId, s]));
    // A post is announced once, with the first of its targets that failed here.
    for (const id of failures.keys()) {
      const postId = byId.get(id)!.post_id;
      claims.set(id, { failed: true, settled: settled.get(postId) ?? null });
      settled.delete(postId);
    }
  }
  // Each id's claim once, should a caller name a target twice.
  const answered = new Set<string>();
  return targetIds.map((id) => {
    if (answered.has(id)) return null;
    answered.add(id);
    return claims.get(id) ?? null;
  });
}

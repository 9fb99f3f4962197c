import type { Transaction } from 'kysely';
import type { PlatformContext } from '../../../platform/context.js';
import { AppError } from '../../../platform/errors.js';
import { socialDb } from '../db.js';
import { providersOf } from '../providers/app-providers.js';
import { isProviderError } from '../providers/errors.js';
import { assertPublishable } from '../providers/rules.js';
import type { SealedAccountRow } from '../connect/token-vault.js';
import type { SocialTables } from '../schema.js';
import { markReconnectNeeded, tokensOf } from './account-health.js';
import { announceSettled, settlePostIn, type SettledPost } from './post-outcome.js';
import { targetContent } from './target-content.js';

/** Attempts per target before it is failed for good (rate limits and 5xx answers count). */
export const MAX_PUBLISH_ATTEMPTS = 5;
/** Networks whose create call takes an idempotency key: a retry with the same key cannot post twice. */
const IDEMPOTENT = new Set(['mastodon']);

export type PublishOutcome = { kind: 'done' } | { kind: 'retry'; afterSeconds: number };

/** Test seam: runs after the network said yes and before the outcome is recorded (where a crash hurts most). */
export interface PublishHooks {
  afterNetworkSuccess?(targetId: string): void | Promise<void>;
}

const backoffSeconds = (attempt: number) => Math.min(15 * 2 ** (attempt - 1), 15 * 60);

/**
 * Publish one target (post × account) at most once. The target is claimed as "publishing"
 * in its own transaction before the network call and the remote id is recorded in another
 * right after it, before the job acknowledges. A target found still "publishing" was left by
 * an attempt that died after calling the network: the network may hold the post. There a
 * network with idempotency keys (Mastodon) is simply asked again with the same key (the
 * target's id); for the others the target is failed as "in doubt" rather than risk a second
 * post. Timeouts are in doubt for the same reason; 429 and 5xx answers mean "not created".
 *
 * Two transactions per publication: the claim reads the target, its post, its account's
 * sealed tokens and the current version in one statement, and the outcome is recorded and the
 * post settled together. Only the target and its post are locked by the claim, not the
 * account: the account's other targets publish side by side.
 */
export async function publishTarget(ctx: PlatformContext, orgId: string, targetId: string, hooks: PublishHooks = {}): Promise<PublishOutcome> {
  const scope = { orgId };
  const claim = await socialDb.withTenant(ctx, scope, async (tx) => {
    const row = await tx
      .selectFrom('social_post_platforms as t')
      .innerJoin('social_posts as p', (j) => j.onRef('p.org_id', '=', 't.org_id').onRef('p.id', '=', 't.post_id'))
      .innerJoin('social_accounts as a', (j) => j.onRef('a.org_id', '=', 't.org_id').onRef('a.id', '=', 't.account_id'))
      .leftJoin('social_post_content as c', (j) => j.onRef('c.org_id', '=', 'p.org_id').onRef('c.post_id', '=', 'p.id').onRef('c.version', '=', 'p.current_version'))
      .select(['t.id', 't.post_id', 't.state', 't.attempts', 'p.status as post_status', 'p.scheduled_at', 'p.current_version', 'p.deleted_at as post_deleted_at'])
      .select(['a.id as account_id', 'a.network', 'a.status as account_status', 'a.deleted_at as account_deleted_at', 'a.remote_account_id', 'a.instance_url', 'a.access_token_sealed', 'a.refresh_token_sealed', 'a.expires_at'])
      .select(['c.text as version_text', 'c.variants as version_variants', 'c.media as version_media'])
      .where('t.org_id', '=', orgId)
      .where('t.id', '=', targetId)
      .forUpdate(['t', 'p'])
      .executeTakeFirst();
    if (!row || row.state === 'published' || row.post_deleted_at) return null;
    // Cancelled, or moved later (the reschedule queued its own job): nothing to do now.
    if (row.post_status !== 'scheduled' && row.post_status !== 'publishing') return null;
    if (row.scheduled_at && row.scheduled_at.getTime() > Date.now() + 1000) return null;
    const fail = async (error: string) => {
      await tx.updateTable('social_post_platforms').set({ state: 'failed', error, next_attempt_at: null }).where('org_id', '=', orgId).where('id', '=', targetId).execute();
      return { failed: true as const, settled: await settlePostIn(tx, orgId, row.post_id) };
    };
    if (row.state === 'failed') return null;
    if (row.state === 'publishing' && !IDEMPOTENT.has(row.network)) {
      return fail('Publishing was interrupted after the network was called, so it may already show the post: check the account, and publish again only if it is missing');
    }
    if (row.account_deleted_at || row.account_status !== 'active') return fail('The account is disconnected or needs a reconnect: reconnect it, then publish again');
    if (row.version_text === null) throw new Error(`Post ${row.post_id} has no content for its version ${row.current_version}`);
    const markTarget = tx.updateTable('social_post_platforms').set({ state: 'publishing', attempts: row.attempts + 1, error: null }).where('org_id', '=', orgId).where('id', '=', targetId);
    // The post's first target to go out says so on the post, in the same statement.
    if (row.post_status === 'scheduled') await tx.with('claimed', () => markTarget).updateTable('social_posts').set({ status: 'publishing' }).where('org_id', '=', orgId).where('id', '=', row.post_id).execute();
    else await markTarget.execute();
    const account: SealedAccountRow = { id: row.account_id, org_id: orgId, network: row.network, remote_account_id: row.remote_account_id, instance_url: row.instance_url, access_token_sealed: row.access_token_sealed, refresh_token_sealed: row.refresh_token_sealed, expires_at: row.expires_at };
    const content = await targetContent(ctx, tx, orgId, { text: row.version_text, variants: row.version_variants, media: row.version_media }, row.network);
    return { failed: false as const, postId: row.post_id, account, attempt: row.attempts + 1, content };
  });
  if (!claim) return { kind: 'done' };
  if (claim.failed) {
    await announceSettled(ctx, orgId, claim.settled);
    return { kind: 'done' };
  }
  const { account, postId, attempt, content } = claim;
  const network = account.network;
  let sent = false;
  let result;
  try {
    assertPublishable(network, { text: content.text, media: content.shapes });
    const tokens = await tokensOf(ctx, account);
    const media = await content.media();
    sent = true;
    result = await providersOf(ctx)[network].publish(tokens, { text: content.text, media, idempotencyKey: targetId });
  } catch (err) {
    return handleFailure(ctx, orgId, targetId, postId, account.id, attempt, sent && !IDEMPOTENT.has(network), err);
  }
  await hooks.afterNetworkSuccess?.(targetId);
  const { remoteId, url } = result;
  const record = (tx: Transaction<SocialTables>) =>
    tx.updateTable('social_post_platforms').set({ state: 'published', remote_id: remoteId, remote_url: url, published_at: new Date(), error: null, next_attempt_at: null }).where('org_id', '=', orgId).where('id', '=', targetId).execute();
  let settled: SettledPost | null;
  try {
    settled = await socialDb.withTenant(ctx, scope, async (tx) => {
      await record(tx);
      return settlePostIn(tx, orgId, postId);
    });
  } catch (err) {
    // The remote id must survive whatever befell the post's summary (a deadlock, a lost
    // connection): record it on its own, then settle, as separate transactions.
    ctx.log.warn({ err, targetId }, 'social: recording a publication with its post failed; recording it alone');
    await socialDb.withTenant(ctx, scope, record);
    settled = await socialDb.withTenant(ctx, scope, (tx) => settlePostIn(tx, orgId, postId));
  }
  await announceSettled(ctx, orgId, settled);
  return { kind: 'done' };
}

async function handleFailure(ctx: PlatformContext, orgId: string, targetId: string, postId: string, accountId: string, attempt: number, inDoubt: boolean, err: unknown): Promise<PublishOutcome> {
  const message = err instanceof Error ? err.message : String(err);
  const setState = (tx: Transaction<SocialTables>, state: 'queued' | 'failed', error: string, nextAt: Date | null) =>
    tx.updateTable('social_post_platforms').set({ state, error: error.slice(0, 2000), next_attempt_at: nextAt }).where('org_id', '=', orgId).where('id', '=', targetId).execute();
  const retryable = isProviderError(err, 'rate_limited') || (isProviderError(err, 'unavailable') && (err.networkStatus !== undefined || !inDoubt)) || (!(err instanceof AppError) && !inDoubt);
  if (retryable && attempt < MAX_PUBLISH_ATTEMPTS) {
    const afterSeconds = isProviderError(err) && err.retryAfterSeconds !== undefined ? err.retryAfterSeconds : backoffSeconds(attempt);
    await socialDb.withTenant(ctx, { orgId }, (tx) => setState(tx, 'queued', `${message} (attempt ${attempt} of ${MAX_PUBLISH_ATTEMPTS}; retrying in ${afterSeconds} s)`, new Date(Date.now() + afterSeconds * 1000)));
    await ctx.events.publish(orgId, 'social:posts', { type: 'target.retrying', post_id: postId, target_id: targetId, attempt, retry_in_seconds: afterSeconds });
    return { kind: 'retry', afterSeconds };
  }
  if (isProviderError(err, 'auth_revoked')) await markReconnectNeeded(ctx, orgId, accountId, message);
  const why = inDoubt && isProviderError(err, 'unavailable') ? `${message}. The network may have created the post before the answer was lost: check the account, and publish again only if it is missing` : message;
  const settled = await socialDb.withTenant(ctx, { orgId }, async (tx) => {
    await setState(tx, 'failed', why, null);
    return settlePostIn(tx, orgId, postId);
  });
  await announceSettled(ctx, orgId, settled);
  return { kind: 'done' };
}

import type { Transaction } from 'kysely';
import type { PlatformContext } from '../../../platform/context.js';
import { AppError } from '../../../platform/errors.js';
import { socialDb } from '../db.js';
import { providersOf } from '../providers/app-providers.js';
import { isProviderError } from '../providers/errors.js';
import { assertPublishable } from '../providers/rules.js';
import type { SocialTables } from '../schema.js';
import { markReconnectNeeded, tokensOf } from './account-health.js';
import { announceSettled, settlePostIn } from './post-outcome.js';
import { claimTargets, IDEMPOTENT, type Claim, type ClaimingRun } from './claim-targets.js';
import { wakePublisherAt } from './publisher-wakeups.js';
import { recordPublication } from './record-publications.js';

/** Attempts per target before it is failed for good (rate limits and 5xx answers count). */
export const MAX_PUBLISH_ATTEMPTS = 5;

export type PublishOutcome = { kind: 'done' } | { kind: 'retry'; afterSeconds: number };

/** Test seam: runs after the network said yes and before the outcome is recorded (where a crash hurts most). */
export interface PublishHooks {
  afterNetworkSuccess?(targetId: string): void | Promise<void>;
}

const backoffSeconds = (attempt: number) => Math.min(15 * 2 ** (attempt - 1), 15 * 60);

/**
 * Publish one target (post × account) at most once. The target is claimed as "publishing"
 * before the network call (claim-targets.ts) and the remote id is recorded right after it
 * (record-publications.ts), before the run ends. A target found still "publishing" was left
 * by a run that died after calling the network: the network may hold the post. There a
 * network with idempotency keys (Mastodon) is simply asked again with the same key (the
 * target's id); for the others the target is failed as "in doubt" rather than risk a second
 * post. Timeouts are in doubt for the same reason; 429 and 5xx answers mean "not created".
 *
 * The publisher (publish-due.ts) claims a due minute's targets in batches and hands each
 * claim to publishClaimed; this entry is for named targets (a dead run's, the sweep's).
 */
export async function publishTarget(ctx: PlatformContext, orgId: string, targetId: string, hooks: PublishHooks = {}, run: ClaimingRun = { id: null }): Promise<PublishOutcome> {
  const [claim] = await claimTargets(ctx, orgId, [targetId], run);
  return publishClaimed(ctx, orgId, targetId, claim ?? null, hooks);
}

/** Call the network for one claimed target and record what it answered (see publishTarget). */
export async function publishClaimed(ctx: PlatformContext, orgId: string, targetId: string, claim: Claim, hooks: PublishHooks = {}): Promise<PublishOutcome> {
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
  const at = new Date();
  await hooks.afterNetworkSuccess?.(targetId);
  await recordPublication(ctx, orgId, { targetId, postId, remoteId: result.remoteId, url: result.url, at });
  return { kind: 'done' };
}

async function handleFailure(ctx: PlatformContext, orgId: string, targetId: string, postId: string, accountId: string, attempt: number, inDoubt: boolean, err: unknown): Promise<PublishOutcome> {
  const message = err instanceof Error ? err.message : String(err);
  const setState = (tx: Transaction<SocialTables>, state: 'queued' | 'failed', error: string, nextAt: Date | null) =>
    tx.updateTable('social_post_platforms').set({ state, error: error.slice(0, 2000), next_attempt_at: nextAt }).where('org_id', '=', orgId).where('id', '=', targetId).execute();
  const retryable = isProviderError(err, 'rate_limited') || (isProviderError(err, 'unavailable') && (err.networkStatus !== undefined || !inDoubt)) || (!(err instanceof AppError) && !inDoubt);
  if (retryable && attempt < MAX_PUBLISH_ATTEMPTS) {
    const afterSeconds = isProviderError(err) && err.retryAfterSeconds !== undefined ? err.retryAfterSeconds : backoffSeconds(attempt);
    const retryAt = new Date(Date.now() + afterSeconds * 1000);
    // Due again at the network's time, with a publisher woken for it in the same commit.
    await socialDb.withTenant(ctx, { orgId }, async (tx) => {
      await setState(tx, 'queued', `${message} (attempt ${attempt} of ${MAX_PUBLISH_ATTEMPTS}; retrying in ${afterSeconds} s)`, retryAt);
      await wakePublisherAt(ctx, tx, orgId, retryAt);
    });
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

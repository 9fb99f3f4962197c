import type { PlatformContext } from '../../../platform/context.js';
import { socialDb } from '../db.js';
import { claimDue, claimTargets, type Claim } from './claim-targets.js';
import { publishClaimed } from './publish-target.js';
import { takeDueWakeups, wakePublisherAt } from './publisher-wakeups.js';

/** Targets claimed by one statement. */
const BATCH = 100;
/** Batches in flight at once in one run: a batch mostly waits on the networks. */
const MAX_LANES = 8;
/** A run stops claiming after this long and queues its successor, well inside its job's timeout. */
export const MAX_RUN_MS = 5 * 60_000;
/** A target due this soon is published now: the clocks of the nodes and the database differ a little. */
const DUE_TOLERANCE_MS = 1000;

export interface PublishingRun {
  /** The run's job id: written on the targets it claims, found again by its retry. */
  id: string;
  /** 1 for the first; a later attempt follows a run that died or failed. */
  attempt: number;
  signal?: AbortSignal;
}

/**
 * Publish everything due in one workspace: claim its due targets a batch at a time (oldest
 * first, claim-targets.ts), call the networks for a batch side by side, record, claim again,
 * until nothing due is left. A full batch opens another lane, up to MAX_LANES, so a due minute
 * of thousands keeps several batches in flight while a lone "publish now" costs one claim.
 *
 * Runs side by side (another instant's, another node's, the sweep's) share the work through
 * the claims, which skip targets another run holds. A retried run (its worker died, or a
 * record failed) first resolves the targets it had marked "publishing": the network may hold
 * them (publish-target.ts says how each network's case ends).
 */
export async function publishDue(ctx: PlatformContext, orgId: string, run: PublishingRun): Promise<{ targets: number }> {
  const started = Date.now();
  const horizon = () => new Date(Date.now() + DUE_TOLERANCE_MS);
  await socialDb.withTenant(ctx, { orgId }, (tx) => takeDueWakeups(tx, orgId, horizon()));

  const errors: unknown[] = [];
  let handled = 0;
  const publishAll = async (claims: Array<{ targetId: string; claim: Claim }>) => {
    // Every publication of a batch ends before the lane goes on or fails: none outlives the run.
    for (const r of await Promise.allSettled(claims.map(({ targetId, claim }) => publishClaimed(ctx, orgId, targetId, claim)))) if (r.status === 'rejected') errors.push(r.reason);
    handled += claims.length;
  };

  if (run.attempt > 1) {
    const left = await socialDb.withTenant(ctx, { orgId }, (tx) =>
      tx.selectFrom('social_post_platforms').select('id').where('org_id', '=', orgId).where('state', '=', 'publishing').where('claimed_by', '=', run.id).execute(),
    );
    const ids = left.map((t) => t.id);
    if (ids.length > 0) {
      const claims = await claimTargets(ctx, orgId, ids, run);
      await publishAll(ids.map((targetId, i) => ({ targetId, claim: claims[i]! })));
    }
  }

  let outOfTime = false;
  const lanes: Array<Promise<void>> = [];
  const lane = async (): Promise<void> => {
    while (errors.length === 0 && !run.signal?.aborted) {
      if (Date.now() - started > MAX_RUN_MS) {
        outOfTime = true;
        return;
      }
      const claims = await claimDue(ctx, orgId, run, BATCH, horizon());
      if (claims.length === 0) return;
      if (claims.length === BATCH && lanes.length < MAX_LANES) lanes.push(lane().catch((err: unknown) => void errors.push(err)));
      await publishAll(claims);
    }
  };
  lanes.push(lane().catch((err: unknown) => void errors.push(err)));
  // Lanes are added while others run: wait until no lane was added during the wait.
  let awaited = 0;
  while (awaited < lanes.length) {
    awaited = lanes.length;
    await Promise.all(lanes);
  }

  if (outOfTime) await socialDb.withTenant(ctx, { orgId }, (tx) => wakePublisherAt(ctx, tx, orgId, new Date()));
  if (errors.length > 0) throw errors[0];
  // Stopped before the work was done (shutdown, timeout): the retry, elsewhere, goes on.
  if (run.signal?.aborted) throw run.signal.reason;
  return { targets: handled };
}

import { sql } from 'kysely';
import { z } from 'zod';
import type { PlatformContext } from '../../../platform/context.js';
import { defineJob } from '../../../platform/jobs/define-job.js';
import { forEachOrg } from '../../../platform/jobs/for-each-org.js';
import { socialDb } from '../db.js';
import { claimTargets } from './claim-targets.js';
import { MAX_RUN_MS } from './publish-due.js';
import { publishClaimed } from './publish-target.js';
import { wakePublisherAt } from './publisher-wakeups.js';

/** Due this long ago and still queued: no publisher is coming for it (or none can keep up). */
const LATE_MS = 60_000;
/** Marked "publishing" this long ago: longer than any run claims (MAX_RUN_MS) plus a network call, so its run is dead. */
const STALE_CLAIM_MS = MAX_RUN_MS + 10 * 60_000;

/**
 * The publishers' safety net, every minute, org by org (one org's failure is logged and the
 * others go on). It finds what no publisher will come back for:
 * - targets due a minute ago and still queued: their wakeup was lost (queued by a version
 *   that published through per-target jobs, or a clock far off), so a publisher is woken now;
 * - targets left "publishing" by a run whose retries all died: resolved as in doubt here
 *   (publish-target.ts), since no retry of that run will.
 */
export async function sweepPublishing(ctx: PlatformContext): Promise<{ woken: number; inDoubt: number }> {
  const late = new Date(Date.now() - LATE_MS);
  const stale = new Date(Date.now() - STALE_CLAIM_MS);
  const orgIds = await socialDb.withSystem(ctx, async (tx) =>
    (await sql<{ org_id: string }>`
      select org_id from social_post_platforms where state = 'queued' and next_attempt_at < ${late}
      union
      select org_id from social_post_platforms where state = 'publishing' and claimed_at < ${stale}`.execute(tx)).rows.map((r) => r.org_id),
  );
  let woken = 0;
  let inDoubt = 0;
  await forEachOrg(ctx, {
    name: 'social.publish-sweep',
    db: socialDb.db(ctx),
    orgIds,
    run: async (tx, orgId) => {
      const overdue = await tx.selectFrom('social_post_platforms').select('id').where('org_id', '=', orgId).where('state', '=', 'queued').where('next_attempt_at', '<', late).limit(1).executeTakeFirst();
      if (overdue) {
        await wakePublisherAt(ctx, tx, orgId, new Date());
        woken++;
      }
      return (await tx.selectFrom('social_post_platforms').select('id').where('org_id', '=', orgId).where('state', '=', 'publishing').where('claimed_at', '<', stale).execute()).map((r) => r.id);
    },
    // The network calls (a Mastodon target is asked again with its key) run after the org's read has committed.
    afterCommit: async (ids, orgId) => {
      if (ids.length === 0) return;
      const claims = await claimTargets(ctx, orgId, ids, { id: null });
      await Promise.all(ids.map((id, i) => publishClaimed(ctx, orgId, id, claims[i]!)));
      inDoubt += ids.length;
    },
  });
  return { woken, inDoubt };
}

export const publishSweepJob = defineJob({
  name: 'social.publish-sweep',
  scope: 'system',
  schema: z.object({}),
  schedule: '* * * * *',
  handler: (ctx) => sweepPublishing(ctx),
});

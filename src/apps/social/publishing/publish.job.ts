import { z } from 'zod';
import { defineJob } from '../../../platform/jobs/define-job.js';
import { publishTarget } from './publish-target.js';

/**
 * One target of one post. Its own retries (rate limits, 5xx) are new jobs queued for the
 * network's Retry-After or the backoff, so the wait is the network's, not pg-boss's; pg-boss's
 * own retries only cover a crashed or timed-out run, which publishTarget treats as "in doubt".
 */
export const publishTargetJob = defineJob({
  name: 'social.publish',
  schema: z.object({ targetId: z.string().uuid() }),
  retryLimit: 2,
  retryDelaySeconds: 10,
  expireInSeconds: 15 * 60,
  // A run mostly waits on the network, and a due minute brings thousands at once: each worker
  // fetches a batch, whose claims and records share statements (publish-target.ts).
  concurrency: 8,
  batchSize: 100,
  // The target's own state (queued → publishing → published or failed, with the reason) is
  // what the workspace sees; a job_runs row beside it per publication only cost statements.
  trackRuns: false,
  async handler(ctx, job) {
    const outcome = await publishTarget(ctx, job.orgId, job.data.targetId);
    if (outcome.kind === 'retry') await ctx.jobs.enqueue(publishTargetJob, { orgId: job.orgId, targetId: job.data.targetId }, { startAfter: outcome.afterSeconds });
    return outcome;
  },
});

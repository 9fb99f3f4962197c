import { z } from 'zod';
import { defineJob } from '../../../platform/jobs/define-job.js';
import { publishDue } from './publish-due.js';

/**
 * A workspace's publisher for one due instant (publisher-wakeups.ts queues it, once per
 * instant however many targets are due then). The targets' own retries (rate limits, 5xx)
 * wake a later publisher for the network's Retry-After or the backoff; pg-boss's retries
 * only cover a run that died or failed, and the retried run resolves what it left in doubt.
 */
export const publishDueJob = defineJob({
  name: 'social.publish-due',
  schema: z.object({ dueAt: z.iso.datetime({ offset: true }) }),
  retryLimit: 3,
  retryDelaySeconds: 5,
  // A run stops claiming after MAX_RUN_MS (publish-due.ts) and queues its successor.
  expireInSeconds: 15 * 60,
  // Each run keeps several batches in flight itself; a few workspaces due at once run side by side.
  concurrency: 4,
  // The targets' own states (queued → publishing → published or failed, with the reason) are
  // what the workspace sees, live; a job_runs row per due instant would only repeat them.
  trackRuns: false,
  handler: (ctx, job) => publishDue(ctx, job.orgId, { id: job.id, attempt: job.attempt, signal: job.signal }),
});

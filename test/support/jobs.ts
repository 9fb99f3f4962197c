import { z } from 'zod';
import type { TestPlatform } from './platform.js';
import { defineJob } from '../../src/platform/jobs/define-job.js';
import { jobTopic } from '../../src/platform/jobs/job-runner.js';

/**
 * A job whose handler starts, says so (`started`) and waits at a gate until `open()`: a job
 * held running for as long as a test needs (leases, takeovers, queue metrics). Open the gate
 * before closing the platform, or its shutdown waits for the handler.
 */
export function gatedJob(name: string, options: { concurrency?: number } = {}) {
  let open!: () => void;
  const gate = new Promise<void>((resolve) => (open = resolve));
  let markStarted!: () => void;
  const started = new Promise<void>((resolve) => (markStarted = resolve));
  const job = defineJob({
    name,
    schema: z.object({}),
    ...options,
    handler: async () => {
      markStarted();
      await gate;
      return {};
    },
  });
  return { job, started, open };
}

/**
 * Resolves when the job is completed or failed: listens for the job's own realtime updates and
 * reads its state once after subscribing (so an end that came first is not missed). The bound
 * only turns a hang into a failure with the job's last state.
 */
export async function waitForJobEnd(t: TestPlatform, orgId: string, jobId: string, timeoutMs = 120_000) {
  const ended = (state?: string) => state === 'completed' || state === 'failed';
  let unsubscribe = () => {};
  const event = new Promise<void>((resolve) => {
    unsubscribe = t.platform.ctx.events.subscribe(orgId, [jobTopic(jobId)], (e) => {
      if (ended((e.payload as { state?: string } | undefined)?.state)) resolve();
    });
  });
  let timer: NodeJS.Timeout | undefined;
  try {
    const now = await t.platform.ctx.jobs.get(orgId, jobId);
    if (!ended(now?.state)) {
      await Promise.race([event, new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`job ${jobId} did not finish in ${timeoutMs} ms`)), timeoutMs); })]);
    }
  } finally {
    clearTimeout(timer);
    unsubscribe();
  }
  const job = await t.platform.ctx.jobs.get(orgId, jobId);
  if (!job) throw new Error(`job ${jobId} vanished`);
  return job;
}

import type { PlatformContext } from '../context.js';
import { publishJob } from './job-runner.js';
import type { JobView } from './job-runs.js';

/**
 * Realtime updates of job runs, told in order but off the jobs' own path. What a run did is in
 * job_runs either way (events are a convenience, delivered at most once), so neither a handler
 * nor the worker's next job waits for the bus: two round trips fewer for every job, and none
 * for a progress report (docs/benchmarks.md, `jobs`). Each run's updates still go out one
 * after another, so a subscriber never sees "active" after "completed"; shutdown waits for
 * the last.
 */
export class RunEvents {
  private readonly pending = new Set<Promise<void>>();

  constructor(private readonly ctx: Pick<PlatformContext, 'events' | 'log'>) {}

  /** The teller of one run's updates: call it with each new view of the run. */
  forRun(orgId: string): (view: JobView) => void {
    let last: Promise<void> = Promise.resolve();
    return (view) => {
      // publishJob logs and swallows its own failures: the chain never rejects.
      const next = last.then(() => publishJob(this.ctx, orgId, view));
      last = next;
      this.pending.add(next);
      void next.then(() => this.pending.delete(next));
    };
  }

  /** Resolves once every update told so far has been handed to the bus, or after `timeoutMs` (a stuck bus must not hold a shutdown). */
  async drained(timeoutMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const waited = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)));
    await Promise.race([Promise.all([...this.pending]), waited]);
    clearTimeout(timer);
  }
}

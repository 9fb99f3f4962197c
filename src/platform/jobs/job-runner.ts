import type { Compilable } from 'kysely';
import type PgBoss from 'pg-boss';
import type { PlatformContext } from '../context.js';
import { writeAsTenant } from '../db/tenant-read.js';
import { isRetryable } from '../errors.js';
import type { JobDefinition, JobProgress, OrgJob, ReportProgressOptions, SystemJob } from './define-job.js';
import { finishRunStatement, progressStatement, startedRun, startRunStatement, type JobView } from './job-runs.js';
import type { JobLeases } from './job-leases.js';
import type { RunEvents } from './run-events.js';

/** What travels in the pg-boss job: the org it runs for and the validated data. */
export interface JobEnvelope {
  orgId: string | null;
  data: unknown;
}

export class JobAbortedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JobAbortedError';
  }
}

/** A job whose envelope cannot be run: running it again would fail the same way. */
class UnrunnableJobError extends Error {
  readonly retryable = false;
  constructor(message: string) {
    super(message);
    this.name = 'UnrunnableJobError';
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Topics a job's changes are published on: its own, and the org-wide feed of all jobs. */
export const jobTopic = (jobId: string) => `job:${jobId}`;
export const JOBS_TOPIC = 'jobs';

export async function publishJob(ctx: Pick<PlatformContext, 'events' | 'log'>, orgId: string, view: JobView): Promise<void> {
  try {
    await ctx.events.publish(orgId, [jobTopic(view.id), JOBS_TOPIC], view);
  } catch (err) {
    // Realtime is a convenience: the state is in job_runs either way.
    ctx.log.warn({ err, jobId: view.id }, 'could not publish job update');
  }
}

function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message || err.name;
  return typeof err === 'string' ? err : 'Job failed';
}

/**
 * Run one pg-boss job through its definition: record the attempt, give the handler its
 * progress reporter and abort signal, enforce the timeout, and record the outcome. A thrown
 * error is rethrown so pg-boss applies the retry policy (and the dead letter at the end);
 * an error that says it is not retryable (`isRetryable`, e.g. a 4xx AppError) first spends the
 * job's remaining attempts through `stopRetries`, so it fails at once instead of repeating the
 * same answer after each retry delay.
 */
export interface JobRunnerDeps {
  /** The abort controllers of the handlers running in this process (shutdown aborts them). */
  running: Set<AbortController>;
  /** Spends a job's remaining attempts (its error is not retryable). */
  stopRetries: (jobId: string) => Promise<void>;
  leases: JobLeases | null;
  events: RunEvents;
}

export async function runJob(def: JobDefinition<unknown>, bossJob: PgBoss.JobWithMetadata<JobEnvelope>, ctx: PlatformContext, deps: JobRunnerDeps): Promise<unknown> {
  const { running, stopRetries, leases } = deps;
  const envelope = bossJob.data ?? { orgId: null, data: undefined };
  const orgId = envelope.orgId ?? null;
  if (def.scope === 'org' && (typeof orgId !== 'string' || !UUID.test(orgId))) {
    throw new UnrunnableJobError(`Job ${def.name} ${bossJob.id} has no org id: enqueue org jobs through JobService.enqueue`);
  }
  const attempt = bossJob.retryCount + 1;
  const maxAttempts = bossJob.retryLimit + 1;
  const run = { id: bossJob.id, orgId: orgId ?? '', name: def.name, attempt, maxAttempts };
  const db = ctx.database.db;
  const log = ctx.log.child({ job: def.name, jobId: bossJob.id, attempt, orgId });
  // The org whose job_runs row this run keeps up to date (none for untracked jobs).
  const trackedOrg = def.trackRuns ? orgId : null;
  const tell = trackedOrg ? deps.events.forRun(trackedOrg) : () => {};
  /** One record of the run in job_runs (its start, progress or end): one statement, one round trip. */
  const record = async <R>(org: string, statement: Compilable<R>) => (await writeAsTenant(db, { orgId: org }, statement))[0];

  const controller = new AbortController();
  running.add(controller);
  const timeoutSeconds = Number(bossJob.expireInSeconds) || def.expireInSeconds;
  const timer = setTimeout(
    () => controller.abort(new JobAbortedError(`Job timed out after ${timeoutSeconds} s (expireInSeconds of ${def.name})`)),
    timeoutSeconds * 1000,
  );

  try {
    // Before the handler, so a process that dies from here on is noticed within a lease, not
    // at expiry. The lease (the queue's pool) and the start (the tenant's) are independent:
    // one round trip of waiting for both. Both settle before a failure is recorded, so the
    // start can never land after it.
    const [held, startRow] = await Promise.allSettled([leases?.hold(bossJob.id, def.name, controller), trackedOrg ? record(trackedOrg, startRunStatement(db, run)) : undefined]);
    if (held.status === 'rejected') throw held.reason;
    if (startRow.status === 'rejected') throw startRow.reason;
    let previous: { progress: number; stage: string | null; checkpoint: unknown } | null = null;
    if (trackedOrg) {
      const started = startedRun(startRow.value, attempt);
      previous = started.previous;
      tell(started.view);
    }
    const parsed = def.schema.safeParse(envelope.data);
    if (!parsed.success) {
      throw new UnrunnableJobError(`Job data no longer matches the schema of ${def.name}: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'data'} ${i.message}`).join('; ')}`);
    }

    const reportProgress = async (pct: number, stage: string | null = null, options: ReportProgressOptions = {}) => {
      if (controller.signal.aborted) throw controller.signal.reason;
      if (typeof pct !== 'number' || !Number.isFinite(pct)) throw new TypeError(`reportProgress needs a number from 0 to 100, got ${String(pct)}`);
      const value = Math.round(Math.min(100, Math.max(0, pct)));
      const label = stage === null ? null : String(stage).slice(0, 200);
      if (!trackedOrg) {
        log.debug({ progress: value, stage: label }, 'job progress');
        return;
      }
      const statement = progressStatement(db, run, value, label, options.checkpoint);
      // In the handler's own transaction when it gives one (the checkpoint commits with its work).
      const view = options.tx ? (await options.tx.executeQuery(statement.compile())).rows[0] : await record(trackedOrg, statement);
      if (view) tell(view);
    };
    const lastProgress: JobProgress | null = previous ? { pct: previous.progress, stage: previous.stage } : null;
    const job = {
      id: bossJob.id,
      name: def.name,
      data: parsed.data,
      orgId,
      attempt,
      maxAttempts,
      lastProgress,
      checkpoint: previous?.checkpoint ?? null,
      signal: controller.signal,
      reportProgress,
    } as OrgJob<unknown> | SystemJob<unknown>;

    const work = def.handler(ctx, job);
    // The race may settle first on an abort; the handler's own later rejection is then moot.
    work.catch(() => {});
    const aborted = new Promise<never>((_, reject) => {
      if (controller.signal.aborted) reject(controller.signal.reason);
      controller.signal.addEventListener('abort', () => reject(controller.signal.reason), { once: true });
    });
    const result = await Promise.race([work, aborted]);

    if (trackedOrg) {
      const view = await record(trackedOrg, finishRunStatement(db, run, { state: 'completed', result })).catch((err) => {
        log.error({ err }, 'job completed but its completion could not be recorded');
        return undefined;
      });
      if (view) tell(view);
    }
    log.debug('job completed');
    return result;
  } catch (err) {
    const message = errorMessage(err);
    let final = attempt >= maxAttempts;
    if (!final && !isRetryable(err)) {
      try {
        await stopRetries(bossJob.id);
        final = true;
      } catch (e) {
        log.error({ err: e }, 'could not stop the retries of a job whose error is not retryable');
      }
    }
    if (trackedOrg) {
      const view = await record(trackedOrg, finishRunStatement(db, run, { state: final ? 'failed' : 'retry', error: message })).catch((e) => {
        log.error({ err: e }, 'could not record the job failure');
        return undefined;
      });
      if (view) tell(view);
    }
    log[final ? 'error' : 'warn']({ err }, final ? 'job failed for good' : 'job failed: will retry');
    throw err;
  } finally {
    clearTimeout(timer);
    running.delete(controller);
    // Renewed until the end is recorded, however slow that is. Its row stays until pg-boss has
    // settled the job (job-leases.ts): a job still active without a lease is an orphan to the sweep.
    leases?.letGo(bossJob.id);
  }
}

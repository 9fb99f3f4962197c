import type { Transaction } from 'kysely';
import type { ZodType } from 'zod';
import type { PlatformContext } from '../context.js';
import type { PlatformTables } from '../db/schema.js';

/** Where a running job is in its work, as shown to the org and published on `job:<id>`. */
export interface JobProgress {
  /** 0-100. */
  pct: number;
  stage: string | null;
}

export interface ReportProgressOptions {
  /** Saved with the progress; the next attempt receives it as job.checkpoint to resume from. */
  checkpoint?: unknown;
  /**
   * Pass the transaction the handler holds, if any: on embedded PGlite (one connection) a
   * second transaction beside it would wait forever.
   */
  tx?: Transaction<PlatformTables>;
}

interface RunningJobBase<T> {
  id: string;
  name: string;
  data: T;
  /** 1 for the first run; retries (after a failure, timeout or crash) count up. */
  attempt: number;
  maxAttempts: number;
  /** Progress recorded by an earlier attempt (null on the first). */
  lastProgress: JobProgress | null;
  /** The checkpoint an earlier attempt saved through reportProgress (null if none). */
  checkpoint: unknown;
  /** Aborted when the job times out or the worker shuts down: stop work and throw. */
  signal: AbortSignal;
  /** Record progress (0-100) and an optional stage label; throws once the job is aborted. */
  reportProgress(pct: number, stage?: string | null, options?: ReportProgressOptions): Promise<void>;
}

/** A job run on behalf of one org: its queries go through withTenant(ctx.database.db, {orgId}, …). */
export interface OrgJob<T> extends RunningJobBase<T> {
  orgId: string;
}

/** A platform job across all orgs (maintenance, cron); progress goes to the log only. */
export interface SystemJob<T> extends RunningJobBase<T> {
  orgId: null;
}

interface JobSpecBase {
  /** Queue name, e.g. "storage.derivatives" or "genads.render". */
  name: string;
  /** Retries after the first failure (pg-boss retryLimit). Default 2. */
  retryLimit?: number;
  /** Seconds before a retry. Default 5. */
  retryDelaySeconds?: number;
  /** Double the delay on each retry, with jitter. Default true. */
  retryBackoff?: boolean;
  /**
   * Timeout: a run longer than this is aborted and retried. A job whose worker died is not
   * held this long: its lease lapses within JOB_LEASE_SECONDS and another worker takes it over
   * (job-leases.ts). Default 15 minutes.
   */
  expireInSeconds?: number;
  /** Keep jobs that exhausted their retries in the queue "<name>.dead" for inspection. Default true. */
  deadLetter?: boolean;
  /** Handlers running at once per process; default JOB_CONCURRENCY. */
  concurrency?: number;
  /**
   * Jobs fetched together by one worker, 1-1000 (default 1): their handlers run at once, and
   * their leases and completions are one statement each instead of one per job. For a queue
   * that receives bursts of short jobs (a minute's posts): `concurrency` workers each run up
   * to this many handlers, and a worker fetches again when its whole batch has ended.
   */
  batchSize?: number;
  /**
   * Record each run in job_runs (state, progress, checkpoint) and publish it on the job's
   * realtime topics. Default true. A high-volume job whose own rows already show the org
   * where its work stands (a post target's queued → publishing → published) may say false:
   * each run then spares the job_runs insert at enqueue, two tenant transactions and four
   * realtime events; it has no progress, no checkpoint and no entry in the jobs list.
   */
  trackRuns?: boolean;
}

export interface OrgJobSpec<T> extends JobSpecBase {
  scope?: 'org';
  /** Validates the job data (without orgId) on enqueue and again before each run. */
  schema: ZodType<T>;
  handler(ctx: PlatformContext, job: OrgJob<T>): Promise<unknown>;
}

export interface SystemJobSpec<T> extends JobSpecBase {
  scope: 'system';
  schema: ZodType<T>;
  /** Cron expression (5 fields, UTC) for a recurring run, e.g. "17 3 * * *". */
  schedule?: string;
  handler(ctx: PlatformContext, job: SystemJob<T>): Promise<unknown>;
}

export interface JobDefinition<T = unknown> {
  name: string;
  scope: 'org' | 'system';
  schema: ZodType<T>;
  retryLimit: number;
  retryDelaySeconds: number;
  retryBackoff: boolean;
  expireInSeconds: number;
  deadLetter: string | null;
  concurrency: number | undefined;
  batchSize: number;
  trackRuns: boolean;
  schedule: string | null;
  handler(ctx: PlatformContext, job: OrgJob<T> | SystemJob<T>): Promise<unknown>;
}

const NAME = /^[a-z][a-z0-9_-]*(\.[a-z0-9_-]+)*$/;
/** pg-boss refuses expirations of 24 hours or more. */
const MAX_EXPIRE_SECONDS = 24 * 3600 - 1;

/**
 * Declare a background job. Apps list their definitions in TenantryApp.jobs; the platform
 * registers its own. Handlers must be idempotent: a job whose worker crashed runs again
 * (job.attempt > 1), ideally resuming from job.checkpoint.
 */
export function defineJob<T>(spec: OrgJobSpec<T>): JobDefinition<T>;
export function defineJob<T>(spec: SystemJobSpec<T>): JobDefinition<T>;
export function defineJob<T>(spec: OrgJobSpec<T> | SystemJobSpec<T>): JobDefinition<T> {
  if (!NAME.test(spec.name) || spec.name.length > 100) {
    throw new Error(`Job name "${spec.name}" must be lower-case dotted words, e.g. "storage.derivatives"`);
  }
  if (spec.name.endsWith('.dead')) throw new Error(`Job name "${spec.name}" must not end in ".dead" (reserved for dead letters)`);
  const retryLimit = spec.retryLimit ?? 2;
  const retryDelaySeconds = spec.retryDelaySeconds ?? 5;
  const expireInSeconds = spec.expireInSeconds ?? 15 * 60;
  if (!Number.isInteger(retryLimit) || retryLimit < 0) throw new Error(`Job ${spec.name}: retryLimit must be an integer >= 0`);
  if (!Number.isInteger(retryDelaySeconds) || retryDelaySeconds < 0) throw new Error(`Job ${spec.name}: retryDelaySeconds must be an integer >= 0`);
  if (!Number.isInteger(expireInSeconds) || expireInSeconds < 1 || expireInSeconds > MAX_EXPIRE_SECONDS) {
    throw new Error(`Job ${spec.name}: expireInSeconds must be an integer from 1 to ${MAX_EXPIRE_SECONDS}`);
  }
  if (spec.concurrency !== undefined && (!Number.isInteger(spec.concurrency) || spec.concurrency < 1)) {
    throw new Error(`Job ${spec.name}: concurrency must be an integer >= 1`);
  }
  const batchSize = spec.batchSize ?? 1;
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 1000) throw new Error(`Job ${spec.name}: batchSize must be an integer from 1 to 1000`);
  const schedule = spec.scope === 'system' ? (spec.schedule ?? null) : null;
  if (schedule !== null && schedule.trim().split(/\s+/).length !== 5) {
    throw new Error(`Job ${spec.name}: schedule "${schedule}" must be a 5-field cron expression, e.g. "17 3 * * *"`);
  }
  return {
    name: spec.name,
    scope: spec.scope ?? 'org',
    schema: spec.schema,
    retryLimit,
    retryDelaySeconds,
    retryBackoff: spec.retryBackoff ?? true,
    expireInSeconds,
    deadLetter: spec.deadLetter === false ? null : `${spec.name}.dead`,
    concurrency: spec.concurrency,
    batchSize,
    trackRuns: spec.trackRuns ?? true,
    schedule,
    handler: spec.handler as JobDefinition<T>['handler'],
  };
}

import { randomUUID } from 'node:crypto';
import pg from 'pg';
import PgBoss from 'pg-boss';
import type { Logger } from 'pino';
import { CompiledQuery, sql } from 'kysely';
import type { Config } from '../config/config.js';
import type { PlatformContext } from '../context.js';
import type { Database } from '../db/database.js';
import { surviveBrokenConnections } from '../db/pool-errors.js';
import type { JobRunState } from '../db/schema.js';
import { withSystem, withTenant } from '../db/tenant.js';
import { afterCommit } from '../db/after-commit.js';
import { fetchPage, type Page, type PageRequest } from '../db/page.js';
import { unprocessable } from '../errors.js';
import type { EventBus } from '../realtime/event-bus.js';
import { BossDb, oneTripTenantBossDb, transactionBossDb, type QueryRunner } from './boss-db.js';
import { letTenantLoginQueueOwnJobs } from './tenant-enqueue.js';
import type { JobDefinition } from './define-job.js';
import { JOB_VIEW_FIELDS, TERMINAL_STATES, type JobView } from './job-runs.js';
import { publishJob, runJob, type JobEnvelope, type JobRunnerDeps } from './job-runner.js';
import { JobLeases, type TakenOverJob } from './job-leases.js';
import { RunEvents } from './run-events.js';

export interface EnqueueOptions {
  /**
   * Queue inside this transaction (a withTenant transaction of the same org, or withSystem
   * for system jobs): the job exists exactly if the transaction commits. Required when
   * enqueuing while holding a transaction on embedded PGlite.
   */
  tx?: QueryRunner;
  /** The user who asked for the job (recorded on the job). */
  createdBy?: string | null;
  /** Run no earlier than this date, or this many seconds from now. */
  startAfter?: Date | number;
  priority?: number;
}

/** Org jobs take {orgId, ...data}; system jobs take their data alone. */
export type EnqueueInput<T> = T extends Record<string, never> ? { orgId?: string } : T & { orgId?: string };

/** Due jobs are woken for this long after their time: the database's clock decides when they are due. */
const DUE_WAKE_MARGIN_MS = 100;
/** Jobs due further ahead are left to the polls: a process rarely lives to wake them. */
const DUE_WAKE_HORIZON_MS = 24 * 3600 * 1000;
const quoteIdentifier = (name: string) => `"${name.replaceAll('"', '""')}"`;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const BOSS_STATE: Record<string, JobRunState> = {
  created: 'queued', retry: 'retry', active: 'active', completed: 'completed', cancelled: 'cancelled', failed: 'failed',
};

/**
 * Background jobs on pg-boss, in the platform's own database (PGlite or PostgreSQL).
 *
 * Every process can enqueue and read jobs; processes started with workers also run
 * handlers, pg-boss maintenance (expiring the jobs of crashed workers so they are retried)
 * and cron. What the org sees of a job lives in job_runs (RLS-protected); pg-boss's tables
 * are platform-internal.
 */
export class JobService {
  private readonly definitions = new Map<string, JobDefinition<unknown>>();
  private readonly running = new Set<AbortController>();
  private readonly runEvents: RunEvents;
  private readonly workerIds = new Map<string, string[]>();
  /** wakeWhenDue's timers, by queue and due second. */
  private readonly dueTimers = new Map<string, NodeJS.Timeout>();
  private boss: PgBoss | null = null;
  private bossDb: BossDb | null = null;
  private leases: JobLeases | null = null;
  private ownPool: pg.Pool | null = null;
  private stopping = false;

  constructor(private readonly deps: { config: Config; database: Database; events: EventBus; log: Logger }) {
    this.runEvents = new RunEvents(deps);
  }

  /** Add job definitions; all must be registered before start(). */
  register(definitions: readonly JobDefinition<unknown>[]): void {
    if (this.boss) throw new Error('Register job definitions before the job service starts');
    for (const def of definitions) {
      if (this.definitions.has(def.name)) throw new Error(`Job "${def.name}" is defined twice`);
      this.definitions.set(def.name, def);
    }
  }

  get names(): string[] {
    return [...this.definitions.keys()];
  }

  get workersRunning(): boolean {
    return this.workerIds.size > 0;
  }

  async start(ctx: PlatformContext, options: { workers: boolean }): Promise<void> {
    const { config, database, log } = this.deps;
    let pool: pg.Pool;
    if (database.kind === 'postgres') {
      // A small pool of its own: queue polling and completions never wait behind API
      // traffic for a connection, and a burst of jobs cannot take the API's connections.
      this.ownPool = surviveBrokenConnections(new pg.Pool({ connectionString: config.databaseUrl, max: config.jobs.databasePoolSize, application_name: 'tenantry-jobs' }));
      pool = this.ownPool;
    } else {
      // PGlite is one connection: pg-boss must share it (its queries queue behind ours).
      pool = database.pool;
    }
    this.bossDb = new BossDb(pool);
    const boss = new PgBoss({
      db: this.bossDb,
      schema: config.jobs.schema,
      migrate: true,
      // Only worker processes maintain the queue (expire, archive) and fire cron; pg-boss
      // itself lets one instance per interval do it when several run.
      supervise: options.workers,
      schedule: options.workers,
      maintenanceIntervalSeconds: config.jobs.maintenanceIntervalSeconds,
      pollingIntervalSeconds: config.jobs.pollIntervalSeconds,
    });
    boss.on('error', (err: Error) => {
      if (this.stopping) log.debug({ err }, 'job queue error during shutdown');
      else log.error({ err }, 'job queue error');
    });
    this.boss = boss;
    try {
      await boss.start();
      for (const def of this.definitions.values()) {
        if (def.deadLetter) await retryOnDeadlock(() => boss.createQueue(def.deadLetter!, { name: def.deadLetter! }));
        const queue = {
          name: def.name,
          retryLimit: def.retryLimit,
          retryDelay: def.retryDelaySeconds,
          retryBackoff: def.retryBackoff,
          expireInSeconds: def.expireInSeconds,
          ...(def.deadLetter ? { deadLetter: def.deadLetter } : {}),
        };
        await retryOnDeadlock(() => boss.createQueue(def.name, queue));
        // createQueue keeps an existing queue's settings; bring them in line with the code.
        await retryOnDeadlock(() => boss.updateQueue(def.name, queue));
      }
      if (database.tenant && config.databaseAppUrl) await letTenantLoginQueueOwnJobs(pool, config.jobs.schema, config.databaseAppUrl);
      if (options.workers) {
        this.leases = new JobLeases(
          this.bossDb,
          { leaseSeconds: config.jobs.leaseSeconds, heartbeatSeconds: config.jobs.heartbeatSeconds, schema: config.jobs.schema },
          () => this.names,
          (queue, id, output) => boss.fail(queue, id, output),
          (job) => this.recordTakeover(job),
          // Let an idle local worker fetch the retried jobs now.
          (jobs) => {
            for (const name of new Set(jobs.map((j) => j.queue))) this.wake(name);
          },
          log,
        );
        // The embedded database's lock proves its previous process is gone: its jobs are
        // taken over now, before this process's workers fetch anything.
        if (database.kind !== 'postgres') await this.leases.takeOver({ everyoneElseIsDead: true });
        await this.startWorkers(ctx);
        this.leases.start();
      }
    } catch (err) {
      await this.stop();
      throw err;
    }
  }

  /**
   * Spend the remaining attempts of an active job, so the failure its handler is about to
   * report is final (and reaches the dead letter) instead of being retried. pg-boss 10 has no
   * call for this: its failure path retries while retry_count < retry_limit, so this lowers the
   * limit on the job's row, the one place pg-boss reads it.
   */
  private async stopRetries(queue: string, jobId: string): Promise<void> {
    const table = `${quoteIdentifier(this.deps.config.jobs.schema)}.job`;
    await this.bossDb!.executeSql(
      `UPDATE ${table} SET retry_limit = retry_count WHERE name = $1 AND id = $2 AND state = 'active'`,
      [queue, jobId],
    );
  }

  /** What the org sees of a job taken over from a dead worker: retrying (or failed, if that was its last attempt). */
  private async recordTakeover(job: TakenOverJob): Promise<void> {
    if (!job.orgId || !UUID.test(job.orgId)) return;
    const orgId = job.orgId;
    const state: JobRunState = job.final ? 'failed' : 'retry';
    const view = (await withTenant(this.deps.database.db, { orgId }, (tx) =>
      tx
        .updateTable('job_runs')
        .set({
          state,
          error: 'The worker running this job stopped; another worker resumes it from its last checkpoint',
          ...(job.final ? { finished_at: sql<Date>`now()` } : {}),
          updated_at: sql<Date>`now()`,
        })
        .where('org_id', '=', orgId)
        .where('id', '=', job.id)
        // The dead attempt's run only, should a later attempt have started anyway.
        .where('attempts', '=', job.attempt)
        .where('state', '=', 'active')
        .returning(JOB_VIEW_FIELDS)
        .executeTakeFirst(),
    ).catch((err) => {
      this.deps.log.warn({ err, jobId: job.id }, 'could not record a job takeover in job_runs (the next run records its start)');
      return undefined;
    })) as JobView | undefined;
    if (view) await publishJob(this.deps, orgId, view);
  }

  private async startWorkers(ctx: PlatformContext) {
    const boss = this.boss!;
    const { config, log } = this.deps;
    for (const def of this.definitions.values()) {
      const ids: string[] = [];
      const concurrency = def.concurrency ?? config.jobs.concurrency;
      // pg-boss 10 runs one job at a time per work() call: concurrency = that many workers.
      for (let i = 0; i < concurrency; i++) {
        const deps = { running: this.running, stopRetries: (id: string) => this.stopRetries(def.name, id), leases: this.leases, events: this.runEvents };
        const workerId: string = await boss.work<JobEnvelope>(def.name, { includeMetadata: true, batchSize: def.batchSize, pollingIntervalSeconds: config.jobs.pollIntervalSeconds }, async (jobs) => {
          try {
            if (jobs.length === 1) return await runJob(def, jobs[0]!, ctx, deps);
            await this.runBatch(def, jobs, ctx, deps);
          } finally {
            // pg-boss 10 waits a whole polling interval after every fetch, even a fruitful one:
            // wake the worker so a busy queue drains at handler speed, not one job per interval.
            if (!this.stopping) boss.notifyWorker(workerId);
          }
        });
        ids.push(workerId);
      }
      this.workerIds.set(def.name, ids);
      if (def.schedule) {
        await boss.schedule(def.name, def.schedule, { orgId: null, data: {} } satisfies JobEnvelope, { tz: 'UTC', ...this.sendOptions(def) });
      }
    }
    log.info({ queues: this.names }, 'job workers started');
  }

  /**
   * The handlers of a fetched batch, run at once, each with its own outcome. pg-boss would
   * settle the whole batch alike (all completed when its callback returns, all failed when it
   * throws), so the jobs that succeeded are completed here first, in one statement, and each
   * failed one is failed with its own error. Should that fail, the callback throws and pg-boss
   * fails whatever is still active: a failure is never recorded as a success; at worst a
   * finished job runs again, which handlers must allow anyway.
   */
  private async runBatch(def: JobDefinition<unknown>, jobs: PgBoss.JobWithMetadata<JobEnvelope>[], ctx: PlatformContext, deps: JobRunnerDeps): Promise<void> {
    const boss = this.boss!;
    const outcomes = await Promise.allSettled(jobs.map((job) => runJob(def, job, ctx, deps)));
    const succeeded = jobs.filter((_, i) => outcomes[i]!.status === 'fulfilled').map((job) => job.id);
    if (succeeded.length > 0) await boss.complete(def.name, succeeded);
    await Promise.all(outcomes.map((outcome, i) => (outcome.status === 'rejected' ? boss.fail(def.name, jobs[i]!.id, outcome.reason) : undefined)));
  }

  private sendOptions(def: JobDefinition<unknown>) {
    return {
      retryLimit: def.retryLimit,
      retryDelay: def.retryDelaySeconds,
      retryBackoff: def.retryBackoff,
      expireInSeconds: def.expireInSeconds,
      ...(def.deadLetter ? { deadLetter: def.deadLetter } : {}),
    };
  }

  private definition(job: string | JobDefinition<unknown>): JobDefinition<unknown> {
    const name = typeof job === 'string' ? job : job.name;
    const def = this.definitions.get(name);
    if (!def) throw new Error(`Unknown job "${name}": add its definition to the app's jobs (or the platform's) so every process knows it`);
    return def;
  }

  /**
   * Queue a job and return its id. Org jobs: `enqueue(def, {orgId, ...data})`; the data is
   * validated against the definition's schema (422 INVALID_JOB_DATA when it does not fit).
   */
  async enqueue<T>(job: string | JobDefinition<T>, input: EnqueueInput<T>, options: EnqueueOptions = {}): Promise<string> {
    const boss = this.boss;
    if (!boss || this.stopping) throw new Error('The job service is not running');
    const def = this.definition(job);
    const { orgId, ...rest } = (input ?? {}) as EnqueueInput<Record<string, unknown>>;
    if (def.scope === 'org' && (typeof orgId !== 'string' || !UUID.test(orgId))) {
      throw new Error(`Job ${def.name} runs for an org: enqueue it with {orgId, ...data}`);
    }
    if (def.scope === 'system' && orgId !== undefined) throw new Error(`Job ${def.name} is a system job: enqueue it without orgId`);
    const parsed = def.schema.safeParse(rest);
    if (!parsed.success) {
      throw unprocessable(
        `Invalid data for job ${def.name}`,
        'INVALID_JOB_DATA',
        parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
      );
    }
    const id = randomUUID();
    const envelope: JobEnvelope = { orgId: orgId ?? null, data: parsed.data };
    const runRow = orgId && def.trackRuns
      ? CompiledQuery.raw('insert into job_runs (id, org_id, name, max_attempts, created_by) values ($1, $2, $3, $4, $5)', [id, orgId, def.name, def.retryLimit + 1, options.createdBy ?? null])
      : null;
    const send = async (db: PgBoss.Db) => {
      const sent = await boss.send(def.name, envelope, {
        ...this.sendOptions(def),
        id,
        ...(options.priority !== undefined ? { priority: options.priority } : {}),
        ...(options.startAfter !== undefined ? { startAfter: options.startAfter } : {}),
        db,
      });
      // pg-boss answers null only for a singleton or throttled send, which the platform never asks for.
      if (!sent) throw new Error(`pg-boss did not queue the ${def.name} job`);
    };
    const inTransaction = async (tx: QueryRunner) => {
      if (runRow) await tx.executeQuery(runRow);
      await send(transactionBossDb(tx));
    };
    const scope = orgId ? { orgId, userId: options.createdBy ?? null } : null;
    if (options.tx) await inTransaction(options.tx);
    // The common case, an org's job queued on its own: the row and the insert in one round trip.
    else if (scope) await send(oneTripTenantBossDb(this.deps.database.db, scope, runRow ? [runRow] : []));
    else await withSystem(this.deps.database.db, inTransaction);
    // Inside a caller's transaction the job becomes visible at its commit: wake a worker then.
    const due = () => (options.startAfter === undefined ? this.wake(def.name) : this.wakeWhenDue(def.name, options.startAfter));
    if (!options.tx) due();
    else afterCommit(options.tx, due);
    return id;
  }

  /** Let an idle local worker (or every one, for a burst) fetch now instead of at its next poll. */
  private wake(name: string, everyone = false) {
    const ids = this.workerIds.get(name) ?? [];
    for (const id of everyone ? ids : ids.slice(0, 1)) this.boss?.notifyWorker(id);
  }

  /**
   * A job queued for later is fetched at the poll after it is due (up to JOB_POLL_INTERVAL_SECONDS
   * late), unless a worker here is woken then. One timer per queue and due instant, waking all
   * of the queue's workers: a scheduled minute's jobs are due together. Other processes poll.
   */
  private wakeWhenDue(name: string, startAfter: Date | number) {
    const at = typeof startAfter === 'number' ? Date.now() + startAfter * 1000 : startAfter.getTime();
    const wait = at - Date.now() + DUE_WAKE_MARGIN_MS;
    if (wait <= DUE_WAKE_MARGIN_MS) return this.wake(name);
    if (!this.workerIds.has(name) || wait > DUE_WAKE_HORIZON_MS) return;
    const key = `${name}@${Math.ceil(at / 1000)}`;
    if (this.dueTimers.has(key)) return;
    const timer = setTimeout(() => {
      this.dueTimers.delete(key);
      if (!this.stopping) this.wake(name, true);
    }, wait);
    timer.unref();
    this.dueTimers.set(key, timer);
  }

  /** Status and progress of an org's job; null when it does not exist in that org. */
  async get(orgId: string, jobId: string): Promise<JobView | null> {
    if (!UUID.test(jobId)) return null;
    const row = (await withTenant(this.deps.database.db, { orgId }, (tx) =>
      tx.selectFrom('job_runs').select(JOB_VIEW_FIELDS).where('org_id', '=', orgId).where('id', '=', jobId).executeTakeFirst(),
    )) as JobView | undefined;
    if (!row) return null;
    if (TERMINAL_STATES.has(row.state)) return row;
    return this.reconcile(orgId, row);
  }

  /**
   * A worker that died cannot record what happened to its job; pg-boss can (it expires the
   * job and retries or fails it). Bring an unfinished row in line with the queue's state.
   */
  private async reconcile(orgId: string, row: JobView): Promise<JobView> {
    if (!this.boss || this.stopping) return row;
    const queued = await this.boss.getJobById<JobEnvelope>(row.name, row.id, { includeArchive: true }).catch(() => null);
    const state = queued ? BOSS_STATE[queued.state] : undefined;
    if (!queued || !state || state === row.state) return row;
    const output = queued.output as { message?: string; value?: { message?: string } } | null;
    const error = state === 'failed' || state === 'retry' ? (output?.message ?? output?.value?.message ?? row.error ?? 'Job failed') : row.error;
    const updated = (await withTenant(this.deps.database.db, { orgId }, (tx) =>
      tx
        .updateTable('job_runs')
        .set({
          state,
          error,
          ...(TERMINAL_STATES.has(state) ? { finished_at: sql<Date>`coalesce(finished_at, now())` } : {}),
          updated_at: sql<Date>`now()`,
        })
        .where('org_id', '=', orgId)
        .where('id', '=', row.id)
        .where('state', '=', row.state)
        .returning(JOB_VIEW_FIELDS)
        .executeTakeFirst(),
    )) as JobView | undefined;
    if (!updated) return (await this.get(orgId, row.id)) ?? row;
    await publishJob(this.deps, orgId, updated);
    return updated;
  }

  async list(orgId: string, page: PageRequest & { state?: JobRunState; name?: string }): Promise<Page<JobView>> {
    return withTenant(this.deps.database.db, { orgId }, async (tx) => {
      let q = tx.selectFrom('job_runs').where('org_id', '=', orgId);
      if (page.state) q = q.where('state', '=', page.state);
      if (page.name) q = q.where('name', '=', page.name);
      const found = await fetchPage(q, page, (filtered) => filtered.select(JOB_VIEW_FIELDS).orderBy('created_at', 'desc').orderBy('id', 'desc'));
      return found as Page<JobView>;
    });
  }

  /** pg-boss's view of a queue, for operators and tests (dead letters, sizes). */
  async queueSize(name: string): Promise<number> {
    if (!this.boss) throw new Error('The job service is not running');
    return this.boss.getQueueSize(name);
  }

  /** The underlying pg-boss instance, for platform maintenance code only. */
  get queue(): PgBoss {
    if (!this.boss) throw new Error('The job service is not running');
    return this.boss;
  }

  /**
   * Stop taking jobs, let running handlers finish (up to JOB_SHUTDOWN_TIMEOUT_SECONDS; a
   * second before that their signal is aborted), then release the queue's connections.
   * Jobs cut off are failed and retried by pg-boss; a process killed outright stops renewing
   * its jobs' leases, and another worker (or this one restarted) takes them over once they
   * lapse (job-leases.ts).
   */
  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    for (const timer of this.dueTimers.values()) clearTimeout(timer);
    this.dueTimers.clear();
    const boss = this.boss;
    const timeoutMs = this.deps.config.jobs.shutdownTimeoutSeconds * 1000;
    const abortTimer = setTimeout(() => {
      for (const c of this.running) c.abort(new Error('The worker is shutting down'));
    }, Math.max(0, timeoutMs - 1000));
    try {
      if (boss) await boss.stop({ graceful: true, wait: true, close: false, timeout: timeoutMs });
      // A poll in flight when the workers stopped may still hand a job to a handler:
      // wait for it, so nothing runs against a database that is being closed.
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline && (this.running.size > 0 || (this.bossDb?.busy ?? false))) {
        await new Promise((r) => setTimeout(r, 50));
      }
    } finally {
      clearTimeout(abortTimer);
      // The runs' last realtime updates, before the bus closes after us.
      await this.runEvents.drained(5000);
      // Leases were renewed while the handlers drained (however long the shutdown timeout);
      // only now, with nothing left running, does the renewal stop.
      await this.leases?.stop();
      await this.bossDb?.drain(5000);
      await this.ownPool?.end().catch(() => {});
      this.workerIds.clear();
    }
  }
}

/**
 * Processes starting together (API nodes, workers) may create the same new queue at once;
 * pg-boss's create_queue then deadlocks on PostgreSQL (it creates a partition and inserts the
 * queue row). Creation is idempotent, so the loser simply tries again.
 */
async function retryOnDeadlock<T>(fn: () => Promise<T>, attempts = 5): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await fn();
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (i >= attempts || (code !== '40P01' && code !== '23505')) throw err;
      await new Promise((r) => setTimeout(r, 50 * i + Math.floor(Math.random() * 100)));
    }
  }
}

import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import type PgBoss from 'pg-boss';
import { coalesce } from '../db/coalesce.js';
import { JobAbortedError } from './job-runner.js';

const quoteIdentifier = (name: string) => `"${name.replaceAll('"', '""')}"`;

export interface LeaseSettings {
  leaseSeconds: number;
  heartbeatSeconds: number;
  /** pg-boss's schema (JOB_SCHEMA). */
  schema: string;
}

export interface TakenOverJob {
  id: string;
  queue: string;
  orgId: string | null;
  /**
   * The attempt whose worker died (pg-boss's retry_count + 1 while it ran). The retried job can
   * be fetched and started again before its takeover is recorded in job_runs, so the record
   * names the dead attempt and never touches the next one's.
   */
  attempt: number;
  /** True when the job has no attempts left: pg-boss failed it for good. */
  final: boolean;
}

/**
 * Leases of the jobs this process runs (table job_leases), so a dead worker is noticed in
 * seconds rather than at its jobs' expiry (three hours for a generation).
 *
 * - A handler's lease is taken as it starts and let go as it ends; a timer renews every lease
 *   this process holds every JOB_HEARTBEAT_SECONDS. The timer, not the handler's progress
 *   reports, renews: a handler busy for minutes between reports keeps its lease. The renewal
 *   runs on the queue's connections (the job pool on PostgreSQL), not behind API traffic.
 * - A lease let go is no longer renewed, and its row is deleted by the next sweep once pg-boss
 *   has settled the job: pg-boss records a handler's outcome only after the handler returns,
 *   and until then the job is still active.
 * - The same timer looks for leases that lapsed (not renewed for JOB_LEASE_SECONDS) and for
 *   active jobs that never got one (a process killed between fetching a job and leasing it),
 *   and fails those jobs in pg-boss: they are retried at once from their checkpoint.
 * - A process never takes over its own leases: it knows its handlers are alive. That is what
 *   keeps the embedded database (one connection) safe: a long transaction there delays the
 *   renewal, but no other process shares that database to judge the lease lapsed.
 * - A renewal that finds its lease gone (another worker judged this process dead, e.g. after a
 *   network partition longer than the lease) aborts the handler, so two runs do not race on.
 *
 * A takeover counts as an attempt, as pg-boss's own expiry does: a job that kills its worker
 * every time (out of memory on one input) must end in the dead letter, not loop forever. The
 * retry starts at once, though: the retry delay and backoff are for failing dependencies, and
 * a dead worker says nothing about those.
 */
export class JobLeases {
  readonly owner = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  private readonly held = new Map<string, AbortController>();
  private timer: NodeJS.Timeout | null = null;
  private ticking: Promise<void> | null = null;
  private readonly job: string;

  constructor(
    private readonly db: PgBoss.Db,
    private readonly settings: LeaseSettings,
    private readonly queues: () => string[],
    /** pg-boss's fail(): the last attempt's failure must reach the dead letter like any other. */
    private readonly fail: (queue: string, id: string, output: object) => Promise<unknown>,
    /**
     * Records one takeover where users see it (job_runs), called before the job is made due
     * again: once it is, a worker may start the next attempt at once, and the dead attempt's
     * end must be shown before that attempt's start, never over it.
     */
    private readonly recordTakeover: (job: TakenOverJob) => Promise<void>,
    /** After a sweep that retried jobs: wake the local workers of their queues. */
    private readonly afterTakeovers: (jobs: TakenOverJob[]) => void,
    private readonly log: Logger,
  ) {
    this.job = `${quoteIdentifier(settings.schema)}.job`;
  }

  /**
   * Lease a job this process has just started; `controller` is aborted if the lease is lost.
   * The jobs of a batch start together: their leases are written in one statement.
   */
  async hold(jobId: string, queue: string, controller: AbortController): Promise<void> {
    await this.insertLease('leases', { jobId, queue });
    this.held.set(jobId, controller);
  }

  private readonly insertLease = coalesce<{ jobId: string; queue: string }, void>(async (_, leases) => {
    await this.db.executeSql(
      `insert into job_leases (job_id, queue, owner, lease_until)
       select job_id, queue, $3, now() + $4 * interval '1 second' from unnest($1::uuid[], $2::text[]) as l(job_id, queue)
       on conflict (job_id) do update set queue = excluded.queue, owner = excluded.owner, lease_until = excluded.lease_until, taken_at = now()`,
      [leases.map((l) => l.jobId), leases.map((l) => l.queue), this.owner, this.settings.leaseSeconds],
    );
    return leases.map(() => undefined);
  }, { max: 1000 });

  /**
   * The handler has ended: stop renewing its lease. The row stays until pg-boss has settled the
   * job (sweepSettled): deleted at once, it left the job active without a lease in the moment
   * before pg-boss marked it complete, and a sweep then (of any process, a long job's start
   * being more than a lease ago) took it for an orphan and ran the finished job again. Left
   * behind by a process that dies before pg-boss settles the job, the row lapses like any lease.
   */
  letGo(jobId: string): void {
    this.held.delete(jobId);
  }

  /** Renew and sweep from now on, every JOB_HEARTBEAT_SECONDS. */
  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.tick(), this.settings.heartbeatSeconds * 1000);
    // The timer alone must not keep a stopping process alive.
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.ticking;
    // The leases let go since the last sweep, not left behind for another process to clear.
    await this.sweepSettled().catch((err: unknown) => this.log.warn({ err }, 'could not delete the leases of finished jobs'));
  }

  /** One renewal and sweep; ticks never overlap (a slow database skips a beat rather than piling up). */
  tick(): Promise<void> {
    if (this.ticking) return this.ticking;
    this.ticking = (async () => {
      try {
        await this.renew();
        await this.sweepSettled();
        await this.takeOver();
      } catch (err) {
        this.log.warn({ err }, 'job lease renewal or sweep failed; trying again at the next heartbeat');
      } finally {
        this.ticking = null;
      }
    })();
    return this.ticking;
  }

  private async renew(): Promise<void> {
    const ids = [...this.held.keys()];
    if (ids.length === 0) return;
    const { rows } = await this.db.executeSql(
      `update job_leases set lease_until = now() + $2 * interval '1 second' where owner = $1 and job_id = any($3::uuid[]) returning job_id`,
      [this.owner, this.settings.leaseSeconds, ids],
    );
    const renewed = new Set((rows as { job_id: string }[]).map((r) => r.job_id));
    for (const id of ids) {
      const controller = this.held.get(id);
      if (renewed.has(id) || !controller) continue;
      this.held.delete(id);
      this.log.warn({ jobId: id }, 'job lease lost (another worker took the job over): stopping this run');
      controller.abort(new JobAbortedError('Another worker took this job over: its lease lapsed while this process did not renew it'));
    }
  }

  /** Delete this process's let-go leases of jobs pg-boss has settled (or already removed). */
  private async sweepSettled(): Promise<void> {
    await this.db.executeSql(
      `delete from job_leases l where l.owner = $1 and not (l.job_id = any($2::uuid[]))
        and not exists (select 1 from ${this.job} j where j.name = l.queue and j.id = l.job_id and j.state = 'active')`,
      [this.owner, [...this.held.keys()]],
    );
  }

  /**
   * Fail the jobs of dead workers so pg-boss retries them. `everyoneElseIsDead` is for the
   * embedded database at start: its data-directory lock proves no other process runs, so every
   * active job there belongs to a process that died, however fresh its lease looks.
   */
  async takeOver(options: { everyoneElseIsDead?: boolean } = {}): Promise<TakenOverJob[]> {
    const queues = this.queues();
    if (queues.length === 0) return [];
    const lapsedBefore = options.everyoneElseIsDead ? `'infinity'::timestamptz` : 'now()';
    // Only leases of this job schema's jobs: a database may hold several (JOB_SCHEMA; each test
    // file has its own on the shared PostgreSQL), and another schema's leases are its own
    // workers' to judge. A starved process elsewhere must not lose its lease to a stranger.
    // This process's own lapsed leases go too, but only those it let go: one it still holds
    // lapsed because the renewal was late (a long transaction on the embedded database), not
    // because its handler died. One it let go that lapsed with its job still active means pg-boss
    // never settled the job (its completion failed): taken over like a dead worker's.
    await this.db.executeSql(
      `delete from job_leases l where l.lease_until < ${lapsedBefore} and not (l.owner = $1 and l.job_id = any($2::uuid[]))
        and exists (select 1 from ${this.job} j where j.name = l.queue and j.id = l.job_id)`,
      [this.owner, [...this.held.keys()]],
    );
    // Active jobs without a lease: their lease lapsed (deleted just now, here or by another
    // worker), or their process died before taking one. A live worker leases a job within
    // milliseconds of fetching it, so one started a whole lease ago without one is orphaned.
    const startedBefore = options.everyoneElseIsDead ? `'infinity'::timestamptz` : `now() - $3 * interval '1 second'`;
    const { rows } = await this.db.executeSql(
      `select j.id, j.name, j.data->>'orgId' as org_id, j.retry_count, j.retry_limit from ${this.job} j
        where j.state = 'active' and j.name = any($1::text[]) and j.started_on < ${startedBefore}
          and not exists (select 1 from job_leases l where l.job_id = j.id)
          and not (j.id = any($2::uuid[]))`,
      options.everyoneElseIsDead ? [queues, [...this.held.keys()]] : [queues, [...this.held.keys()], this.settings.leaseSeconds],
    );
    const taken: TakenOverJob[] = [];
    const schema = quoteIdentifier(this.settings.schema);
    const message = 'The worker running this job stopped (its lease lapsed): taken over by another worker';
    for (const row of rows as { id: string; name: string; org_id: string | null; retry_count: number; retry_limit: number }[]) {
      const attempt = Number(row.retry_count) + 1;
      const job: TakenOverJob = { id: row.id, queue: row.name, orgId: row.org_id, attempt, final: Number(row.retry_count) >= Number(row.retry_limit) };
      // Another sweeper may claim it first: both record the same, and a record only changes an
      // active run of this attempt, so the second finds nothing to change.
      await this.recordTakeover(job);
      // One conditional statement claims the job, so two sweepers cannot both retry it; the
      // retry is due now. A job with no attempts left goes through pg-boss's own failure
      // path instead, which also files it in its dead letter queue.
      const { rows: retried } = await this.db.executeSql(
        `update ${this.job} set state = 'retry'::${schema}.job_state, start_after = now(), output = $3::jsonb
          where name = $1 and id = $2 and state = 'active' and retry_count < retry_limit returning id`,
        [row.name, row.id, JSON.stringify({ message })],
      );
      if (retried.length > 0) {
        taken.push(job);
        continue;
      }
      const { rows: last } = await this.db.executeSql(`select 1 from ${this.job} where name = $1 and id = $2 and state = 'active'`, [row.name, row.id]);
      if (last.length === 0) continue;
      await this.fail(row.name, row.id, { message });
      taken.push(job);
    }
    if (taken.length === 0) return taken;
    await this.db.executeSql(
      `insert into job_lease_takeovers as t (queue, total) select q, count(*) from unnest($1::text[]) q group by q
       on conflict (queue) do update set total = t.total + excluded.total`,
      [taken.map((t) => t.queue)],
    );
    this.log.warn({ jobs: taken.map((t) => ({ id: t.id, queue: t.queue, final: t.final })) }, 'took over jobs whose worker stopped renewing their lease');
    this.afterTakeovers(taken);
    return taken;
  }
}

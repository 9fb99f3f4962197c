import type { PlatformContext } from '../context.js';
import type { AppMetric, AppMetricSample } from '../http/app-metrics.js';

interface QueueRow {
  queue: string;
  waiting: string;
  active: string;
  failed: string;
  oldest_seconds: number | null;
}

interface QueueStats {
  queues: QueueRow[];
  takeovers: { queue: string; total: string }[];
}

const quoteIdentifier = (name: string) => `"${name.replaceAll('"', '""')}"`;
/** One scrape asks for several figures; they come from one read, fresh for this long. */
const STATS_TTL_MS = 1000;

/**
 * The job queue as operators watch it on /metrics, read from the database at each scrape so
 * every process (API node or worker) answers the same: jobs waiting per queue (dead letter
 * queues "<name>.dead" included: jobs that failed for good), the age of the oldest job ready to
 * run and still waiting (a stalled or too-small worker pool), active jobs, failed jobs pg-boss
 * still keeps, and jobs taken over from dead workers (job-leases.ts).
 */
export function jobMetrics(ctx: PlatformContext): AppMetric[] {
  let cached: { at: number; stats: Promise<QueueStats> } | null = null;
  const stats = (): Promise<QueueStats> => {
    if (cached && Date.now() - cached.at < STATS_TTL_MS) return cached.stats;
    const read = readStats(ctx);
    cached = { at: Date.now(), stats: read };
    read.catch(() => (cached = null));
    return read;
  };
  const perQueue = (pick: (r: QueueRow) => number | null) => async (): Promise<AppMetricSample[]> =>
    (await stats()).queues.flatMap((r) => {
      const value = pick(r);
      return value === null ? [] : [{ labels: { queue: r.queue }, value }];
    });
  return [
    { name: 'jobs_queue_depth', help: 'Jobs waiting to run (queued or waiting for a retry), per queue', type: 'gauge', labelNames: ['queue'], collect: perQueue((r) => Number(r.waiting)) },
    { name: 'jobs_oldest_waiting_seconds', help: 'Age of the oldest job due to run and not yet started, per queue', type: 'gauge', labelNames: ['queue'], collect: perQueue((r) => r.oldest_seconds) },
    { name: 'jobs_active', help: 'Jobs running now, per queue', type: 'gauge', labelNames: ['queue'], collect: perQueue((r) => Number(r.active)) },
    { name: 'jobs_failed', help: 'Jobs failed for good that the queue still keeps (until pg-boss archives them), per queue', type: 'gauge', labelNames: ['queue'], collect: perQueue((r) => Number(r.failed)) },
    {
      name: 'jobs_leases_taken_over_total',
      help: 'Running jobs taken over from a worker that stopped renewing their lease (a dead process), per queue',
      type: 'counter',
      labelNames: ['queue'],
      collect: async () => (await stats()).takeovers.map((t) => ({ labels: { queue: t.queue }, value: Number(t.total) })),
    },
  ];
}

async function readStats(ctx: PlatformContext): Promise<QueueStats> {
  const db = ctx.jobs.queue.getDb();
  const job = `${quoteIdentifier(ctx.config.jobs.schema)}.job`;
  const { rows } = await db.executeSql(
    `select name as queue,
            count(*) filter (where state in ('created', 'retry')) as waiting,
            count(*) filter (where state = 'active') as active,
            count(*) filter (where state = 'failed') as failed,
            extract(epoch from now() - min(created_on) filter (where state in ('created', 'retry') and start_after <= now()))::float8 as oldest_seconds
       from ${job} group by name order by name`,
    [],
  );
  const { rows: takeovers } = await db.executeSql('select queue, total from job_lease_takeovers order by queue', []);
  return { queues: rows as QueueRow[], takeovers: takeovers as QueueStats['takeovers'] };
}

import { sql, type Transaction } from 'kysely';
import type { PlatformContext } from '../../../platform/context.js';
import type { SocialTables } from '../schema.js';
import { publishDueJob } from './publish-due.job.js';

/**
 * Make sure a publisher runs for the workspace at `at`, inside the transaction that made
 * targets due then (a schedule, a retry): the job commits with them or not at all.
 *
 * One job per workspace and instant, however many calls ask: the first inserts the wakeup row
 * and queues the job, the others find the row. Finding it is an update of the row, not a read,
 * so that it stays locked until the caller commits: the publisher's first step deletes the
 * due rows (takeDueWakeups), which therefore waits for every caller that relied on the row,
 * and the publisher's picks that follow see their targets. A caller that comes after the
 * delete inserts a new row and queues a new job. Call it last in the transaction: the lock
 * is held until the commit, and the next caller for the same instant waits that long.
 */
export async function wakePublisherAt(ctx: PlatformContext, tx: Transaction<SocialTables>, orgId: string, at: Date, createdBy?: string | null): Promise<void> {
  // A later instant is rounded up to its second, so the retries one batch asks for share a job
  // (up, never down: the job must not start before its targets are due). Now stays now.
  const dueAt = at.getTime() <= Date.now() ? at : new Date(Math.ceil(at.getTime() / 1000) * 1000);
  const { rows } = await sql<{ inserted: boolean }>`
    insert into social_publish_wakeups (org_id, due_at) values (${orgId}, ${dueAt.toISOString()}::timestamptz)
    on conflict (org_id, due_at) do update set due_at = excluded.due_at
    returning (xmax = 0) as inserted`.execute(tx);
  if (!rows[0]!.inserted) return;
  await ctx.jobs.enqueue(publishDueJob, { orgId, dueAt: dueAt.toISOString() }, { tx, startAfter: dueAt, createdBy: createdBy ?? undefined });
}

/**
 * The publisher's first step, in its own transaction: the wakeups due by `horizon` (the
 * instant its picks use) are answered by this run (see wakePublisherAt).
 */
export async function takeDueWakeups(tx: Transaction<SocialTables>, orgId: string, horizon: Date): Promise<void> {
  await tx.deleteFrom('social_publish_wakeups').where('org_id', '=', orgId).where('due_at', '<=', horizon).execute();
}

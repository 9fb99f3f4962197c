import type { PlatformContext } from '../../../platform/context.js';
import { genadsDb } from '../db.js';
import type { CampaignRow } from '../campaigns/campaigns.service.js';

const ENDED = new Set(['completed', 'failed', 'cancelled']);

/**
 * A campaign stays "processing" only while its job can still run. A job can end without its
 * handler saying so (a worker killed during the last attempt, a job cancelled by an operator):
 * such a campaign is marked failed when next read, so it can be generated again or deleted
 * instead of being stuck.
 */
export async function settleStalledGeneration(ctx: PlatformContext, c: CampaignRow): Promise<CampaignRow> {
  if (c.status !== 'processing' || !c.job_id) return c;
  const job = await ctx.jobs.get(c.org_id, c.job_id);
  if (job && !ENDED.has(job.state)) return c;
  const reason = job?.error ? `Generation stopped: ${job.error}` : 'Generation stopped unexpectedly';
  const settled = await genadsDb.withTenant(ctx, { orgId: c.org_id }, (tx) =>
    tx
      .updateTable('genads_campaigns')
      .set({ status: 'failed', progress_stage: 'failed', error_message: `${reason}: generate the campaign again`.slice(0, 2000), updated_at: new Date() })
      .where('org_id', '=', c.org_id)
      .where('campaign_id', '=', c.campaign_id)
      .where('status', '=', 'processing')
      .where('job_id', '=', c.job_id)
      .returningAll()
      .executeTakeFirst(),
  );
  return settled ?? c;
}

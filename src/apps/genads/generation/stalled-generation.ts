import type { PlatformContext } from '../../../platform/context.js';
import { genadsDb } from '../db.js';
import type { CampaignRow } from '../campaigns/campaigns.service.js';
import { failTake } from './takes.js';

const ENDED = new Set(['completed', 'failed', 'cancelled']);

/**
 * A campaign stays "processing" only while its job can still run. A job can end without its
 * handler saying so (a worker killed during the last attempt, a job cancelled by an operator):
 * such a campaign is marked failed when next read (the take shown, if any, stays), so it can be
 * generated again or deleted instead of being stuck.
 */
export async function settleStalledGeneration(ctx: PlatformContext, c: CampaignRow): Promise<CampaignRow> {
  if (c.status !== 'processing' || !c.job_id) return c;
  const job = await ctx.jobs.get(c.org_id, c.job_id);
  if (job && !ENDED.has(job.state)) return c;
  const reason = job?.error ? `Generation stopped: ${job.error}` : 'Generation stopped unexpectedly';
  const take = Math.max(1, c.takes_started);
  const settled = await failTake(ctx, { orgId: c.org_id, campaignId: c.campaign_id, jobId: c.job_id, take, tally: null }, `${reason}: generate the campaign again`.slice(0, 2000));
  if (!settled) return c;
  const row = await genadsDb.withTenant(ctx, { orgId: c.org_id }, (tx) =>
    tx.selectFrom('genads_campaigns').selectAll().where('org_id', '=', c.org_id).where('campaign_id', '=', c.campaign_id).executeTakeFirst(),
  );
  return row ?? c;
}

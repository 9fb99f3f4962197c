import type { Transaction } from 'kysely';
import type { PlatformContext } from '../../../platform/context.js';
import { deleteObjectsUnder } from '../../../platform/storage/replace.js';
import { recordUsage } from '../../../platform/usage/usage.service.js';
import type { CampaignJson } from '../campaigns/campaign-json.js';
import { genadsDb } from '../db.js';
import type { GenAdsTables } from '../schema.js';
import { takeFilesPrefix } from '../storage-layout.js';
import type { RunTallyState } from './run-tally.js';

/**
 * How a generation run (a take) ends. The new take's files were written beside the take the
 * campaign shows (storage-layout.ts), so ending is one transaction on the campaign row:
 *  - completed: campaign_json switches to the new take, the selection is cleared (the old
 *    variations are gone), the run's spend is added to the campaign's total; only then are
 *    the replaced take's files and a failed take's drafts deleted;
 *  - failed: the take shown, its selection and its files stay; the failure and how far the
 *    run got are recorded (campaign_json.failedRun) and its drafts kept; the spend still counts.
 * Both only touch a campaign whose job is still this run's (job_id): a stale run changes nothing.
 */

export interface RunEnd {
  orgId: string;
  campaignId: string;
  jobId: string;
  take: number;
  /** What the run spent and how long its stages took; null when unknown (a run found dead, stalled-generation.ts). */
  tally: RunTallyState | null;
}

const round2 = (n: number) => Math.round(n * 100) / 100;

export async function completeTake(ctx: PlatformContext, run: RunEnd, result: { campaignJson: CampaignJson }): Promise<boolean> {
  const scope = { orgId: run.orgId };
  const switched = await genadsDb.withTenant(ctx, scope, async (tx) => {
    const c = await tx.selectFrom('genads_campaigns').selectAll().where('org_id', '=', run.orgId).where('campaign_id', '=', run.campaignId).where('job_id', '=', run.jobId).forUpdate().executeTakeFirst();
    if (!c || c.status !== 'processing') return null;
    const replaced = [c.campaign_json.take, c.campaign_json.failedRun?.take].filter((t): t is number => typeof t === 'number' && t !== run.take);
    const total = round2(Number(c.cost) + (run.tally?.cost ?? 0));
    await tx
      .updateTable('genads_campaigns')
      .set({
        status: 'completed', progress: 100, progress_stage: 'completed', cost: total,
        campaign_json: JSON.stringify({ ...result.campaignJson, take: run.take }),
        selected_variation_index: null, variations_completed: c.num_variations, error_message: null, updated_at: new Date(),
      })
      .where('org_id', '=', run.orgId)
      .where('campaign_id', '=', run.campaignId)
      .execute();
    await finishRun(tx, run, 'completed', null);
    await recordUsage(tx, {
      orgId: run.orgId, action: 'genads.campaign.generated',
      metadata: { campaign_id: run.campaignId, take: run.take, variations: c.num_variations, seconds: c.target_duration, cost_usd: run.tally?.cost ?? 0 },
    });
    return { replaced, brandId: c.brand_id, perfumeId: c.perfume_id, total };
  });
  if (!switched) return false;
  await removeTakes(ctx, run, switched, switched.replaced);
  return true;
}

export async function failTake(ctx: PlatformContext, run: RunEnd, message: string): Promise<boolean> {
  const scope = { orgId: run.orgId };
  const failed = await genadsDb.withTenant(ctx, scope, async (tx) => {
    const c = await tx.selectFrom('genads_campaigns').selectAll().where('org_id', '=', run.orgId).where('campaign_id', '=', run.campaignId).where('job_id', '=', run.jobId).forUpdate().executeTakeFirst();
    if (!c || c.status !== 'processing') return null;
    const earlierFailure = c.campaign_json.failedRun?.take;
    const json: CampaignJson = {
      ...c.campaign_json,
      failedRun: { take: run.take, errorMessage: message, failedAt: new Date().toISOString(), concepts: run.tally?.concepts ?? [], variationsCompleted: c.variations_completed },
    };
    await tx
      .updateTable('genads_campaigns')
      .set({ status: 'failed', progress_stage: 'failed', error_message: message, cost: round2(Number(c.cost) + (run.tally?.cost ?? 0)), campaign_json: JSON.stringify(json), updated_at: new Date() })
      .where('org_id', '=', run.orgId)
      .where('campaign_id', '=', run.campaignId)
      .execute();
    await finishRun(tx, run, 'failed', message);
    // Only the latest failure's drafts are kept: an earlier failed take is superseded by this one.
    const replaced = earlierFailure !== undefined && earlierFailure !== run.take && earlierFailure !== c.campaign_json.take ? [earlierFailure] : [];
    return { replaced, brandId: c.brand_id, perfumeId: c.perfume_id };
  });
  if (!failed) return false;
  await removeTakes(ctx, run, failed, failed.replaced);
  return true;
}

async function finishRun(tx: Transaction<GenAdsTables>, run: RunEnd, status: 'completed' | 'failed', message: string | null) {
  await tx
    .updateTable('genads_generation_runs')
    .set({
      status, error_message: message, finished_at: new Date(),
      ...(run.tally ? { cost: run.tally.cost, stage_seconds: JSON.stringify(run.tally.stageSeconds), concepts: JSON.stringify(run.tally.concepts) } : {}),
    })
    .where('org_id', '=', run.orgId)
    .where('campaign_id', '=', run.campaignId)
    .where('take', '=', run.take)
    .execute();
}

/** After the switch has committed: a crash here leaves unreferenced files, never a campaign pointing at missing ones. */
async function removeTakes(ctx: PlatformContext, run: RunEnd, c: { brandId: string; perfumeId: string }, takes: number[]) {
  for (const take of takes) {
    try {
      await deleteObjectsUnder(ctx, { orgId: run.orgId }, takeFilesPrefix(c.brandId, c.perfumeId, run.campaignId, take));
    } catch (err) {
      ctx.log.warn({ err, campaignId: run.campaignId, take }, 'could not delete the files of a replaced take; they expire with their lifecycle rule');
    }
  }
}

import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { PlatformContext } from '../../../platform/context.js';
import { z } from 'zod';
import { defineJob } from '../../../platform/jobs/define-job.js';
import { recordUsage } from '../../../platform/usage/usage.service.js';
import { isRetryable } from '../../../platform/errors.js';
import { CampaignProgress, publishCampaign } from './campaign-progress.js';
import type { PipelineKit } from './pipeline-kit.js';
import { runGeneration, type GenerationCheckpoint } from './run-generation.js';
import { genadsDb } from '../db.js';

/**
 * The generation pipeline as a background job (the seed enqueues it "in RQ"). The campaign
 * row says which job owns it (job_id): a stale job, one whose campaign was regenerated or
 * deleted meanwhile, does nothing. A failed attempt is retried from its checkpoint; when the
 * last attempt fails, or the failure is one retrying cannot fix (quota, missing asset), the
 * campaign turns "failed" with the reason, and the drafts made so far are kept.
 */
export const GENERATE_JOB = 'genads.generate';

export const generateCampaignJob = (kitFor: (ctx: PlatformContext) => PipelineKit) => defineJob({
  name: GENERATE_JOB,
  schema: z.object({ campaignId: z.uuid() }),
  retryLimit: 2,
  retryDelaySeconds: 5,
  // A 60 s ad with three variations takes minutes on two cores; hosted models take longer.
  expireInSeconds: 3 * 3600,
  async handler(ctx, job) {
    const scope = { orgId: job.orgId };
    const loaded = await genadsDb.withTenant(ctx, scope, async (tx) => {
      const campaign = await tx.selectFrom('genads_campaigns').selectAll().where('org_id', '=', job.orgId).where('campaign_id', '=', job.data.campaignId).executeTakeFirst();
      if (!campaign || campaign.status !== 'processing' || campaign.job_id !== job.id) return null;
      const perfume = await tx.selectFrom('genads_perfumes').selectAll().where('org_id', '=', job.orgId).where('perfume_id', '=', campaign.perfume_id).executeTakeFirstOrThrow();
      const brand = await tx.selectFrom('genads_brands').selectAll().where('org_id', '=', job.orgId).where('brand_id', '=', campaign.brand_id).executeTakeFirstOrThrow();
      return { campaign, perfume, brand };
    });
    if (!loaded) return { skipped: true };
    const { campaign } = loaded;

    const progress = new CampaignProgress(ctx, job, campaign.campaign_id);
    const workDir = await mkdtemp(path.join(os.tmpdir(), `genads-${campaign.campaign_id.slice(0, 8)}-`));
    try {
      const kit = kitFor(ctx);
      const result = await runGeneration(ctx, kit, {
        orgId: job.orgId, ...loaded, workDir, progress, signal: job.signal,
        checkpoint: (job.checkpoint as GenerationCheckpoint | null) ?? null,
      });
      const saved = await genadsDb.withTenant(ctx, scope, async (tx) => {
        const row = await tx
          .updateTable('genads_campaigns')
          .set({ status: 'completed', progress: 100, progress_stage: 'completed', cost: result.cost.total, campaign_json: JSON.stringify(result.campaignJson), error_message: null, updated_at: new Date() })
          .where('org_id', '=', job.orgId)
          .where('campaign_id', '=', campaign.campaign_id)
          .where('job_id', '=', job.id)
          .returning(['campaign_id'])
          .executeTakeFirst();
        if (row) {
          await recordUsage(tx, {
            orgId: job.orgId, action: 'genads.campaign.generated',
            metadata: { campaign_id: campaign.campaign_id, variations: campaign.num_variations, seconds: campaign.target_duration, cost_usd: result.cost.total },
          });
        }
        return !!row;
      });
      if (saved) await publishCampaign(ctx, job.orgId, campaign.campaign_id, { status: 'completed', progress: 100, stage: 'completed', cost: result.cost.total });
      return { campaignId: campaign.campaign_id, cost: result.cost.total };
    } catch (err) {
      const final = job.attempt >= job.maxAttempts || !isRetryable(err);
      const message = (err instanceof Error ? err.message : String(err)).slice(0, 2000);
      await genadsDb.withTenant(ctx, scope, (tx) =>
        tx
          .updateTable('genads_campaigns')
          .set(final
            ? { status: 'failed', progress_stage: 'failed', error_message: message, updated_at: new Date() }
            : { progress_stage: `retrying after: ${message}`.slice(0, 100), updated_at: new Date() })
          .where('org_id', '=', job.orgId)
          .where('campaign_id', '=', campaign.campaign_id)
          .where('job_id', '=', job.id)
          .execute(),
      ).catch((updateErr) => ctx.log.error({ err: updateErr }, 'could not record the generation failure'));
      if (final) await publishCampaign(ctx, job.orgId, campaign.campaign_id, { status: 'failed', error_message: message });
      throw err;
    } finally {
      await rm(workDir, { recursive: true, force: true });
    }
  },
});

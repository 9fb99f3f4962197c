import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { PlatformContext } from '../../../platform/context.js';
import { z } from 'zod';
import { defineJob } from '../../../platform/jobs/define-job.js';
import { isRetryable } from '../../../platform/errors.js';
import { CampaignProgress, publishCampaign } from './campaign-progress.js';
import type { PipelineKit } from './pipeline-kit.js';
import { runGeneration, type GenerationCheckpoint } from './run-generation.js';
import { genadsDb } from '../db.js';
import { RunTally } from './run-tally.js';
import { completeTake, failTake } from './takes.js';

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

    // The row belongs to this job (checked above): on a retried attempt its progress is this run's so far.
    const progress = new CampaignProgress(ctx, job, campaign.campaign_id, campaign.progress);
    const take = Math.max(1, campaign.takes_started);
    const tally = new RunTally();
    const run = () => ({ orgId: job.orgId, campaignId: campaign.campaign_id, jobId: job.id, take, tally: tally.state() });
    const workDir = await mkdtemp(path.join(os.tmpdir(), `genads-${campaign.campaign_id.slice(0, 8)}-`));
    try {
      const kit = kitFor(ctx);
      const shown = campaign.campaign_json;
      const result = await runGeneration(ctx, kit, {
        orgId: job.orgId, ...loaded, workDir, progress, signal: job.signal, take, tally,
        avoidConcepts: [...(shown.variations ?? []).map((v) => v.concept), ...(shown.failedRun?.concepts ?? [])],
        checkpoint: (job.checkpoint as GenerationCheckpoint | null) ?? null,
      });
      await progress.settled();
      const saved = await completeTake(ctx, run(), result);
      if (saved) await publishCampaign(ctx, job.orgId, campaign.campaign_id, { status: 'completed', progress: 100, stage: 'completed', take, variations_completed: campaign.num_variations });
      return { campaignId: campaign.campaign_id, take, cost: tally.state().cost };
    } catch (err) {
      const final = job.attempt >= job.maxAttempts || !isRetryable(err);
      const message = (err instanceof Error ? err.message : String(err)).slice(0, 2000);
      await progress.settled();
      const recorded = final
        ? failTake(ctx, run(), message)
        : genadsDb.withTenant(ctx, scope, (tx) =>
          tx
            .updateTable('genads_campaigns')
            .set({ progress_stage: `retrying after: ${message}`.slice(0, 100), updated_at: new Date() })
            .where('org_id', '=', job.orgId)
            .where('campaign_id', '=', campaign.campaign_id)
            .where('job_id', '=', job.id)
            .execute(),
        );
      await Promise.resolve(recorded).catch((updateErr) => ctx.log.error({ err: updateErr }, 'could not record the generation failure'));
      // The next attempt resumes from the last checkpoint: it also carries what this attempt spent since.
      const latest = (progress.lastCheckpoint ?? job.checkpoint) as GenerationCheckpoint | null;
      if (!final && latest?.take === take) {
        await job.reportProgress(progress.current.pct, progress.current.stage || null, { checkpoint: { ...latest, tally: tally.state() } })
          .catch((saveErr) => ctx.log.warn({ err: saveErr }, 'could not save the spend of the failed attempt'));
      }
      if (final) await publishCampaign(ctx, job.orgId, campaign.campaign_id, { status: 'failed', error_message: message, take });
      throw err;
    } finally {
      await rm(workDir, { recursive: true, force: true });
    }
  },
});

import type { Transaction } from 'kysely';
import { genadsDb } from '../db.js';
import type { PlatformContext } from '../../../platform/context.js';
import type { Principal } from '../../../platform/auth/principal.js';
import { recordAudit, type RequestMeta } from '../../../platform/audit/audit.service.js';
import { conflict, notFound, unprocessable } from '../../../platform/errors.js';
import type { GenAdsTables } from '../schema.js';
import type { BrandRow } from '../brands/brands.service.js';
import { CampaignsService, campaignView, type CampaignRow } from '../campaigns/campaigns.service.js';
import { GENERATE_JOB } from './generate.job.js';

/** Starting a campaign's generation, following it, and choosing the variation to keep. */
export class GenerationService {
  private readonly campaigns: CampaignsService;

  constructor(private readonly ctx: PlatformContext) {
    this.campaigns = new CampaignsService(ctx);
  }


  /**
   * POST /api/generation/campaigns/:id/generate: queue the pipeline. The campaign turns
   * "processing" and the job is queued in one transaction, so a campaign is never marked
   * processing without a job (or the reverse). Generating again (after a failure, or for new
   * takes) is allowed whenever nothing is running; its files replace the previous ones.
   */
  async start(p: Principal, brand: BrandRow, campaignId: string, meta: RequestMeta) {
    await this.campaigns.get(p, brand, campaignId); // settles a stalled generation first
    return genadsDb.withTenant(this.ctx, p, async (tx) => {
      const c = await this.lock(tx, p, brand, campaignId);
      if (c.status === 'processing') throw conflict('This campaign is already being generated: follow GET /genads/api/generation/campaigns/:id/progress', 'GENERATION_IN_PROGRESS');
      const jobId = await this.ctx.jobs.enqueue(GENERATE_JOB, { orgId: p.orgId, campaignId }, { tx, createdBy: p.userId });
      const row = await tx
        .updateTable('genads_campaigns')
        .set({ status: 'processing', progress: 0, progress_stage: 'queued', error_message: null, selected_variation_index: null, job_id: jobId, updated_at: new Date() })
        .where('org_id', '=', p.orgId)
        .where('campaign_id', '=', campaignId)
        .returningAll()
        .executeTakeFirstOrThrow();
      await recordAudit(tx, p, { orgId: p.orgId, action: 'genads.campaign.generation_started', targetType: 'genads_campaign', targetId: campaignId, metadata: { job_id: jobId, previous_status: c.status } }, meta);
      return { campaign_id: row.campaign_id, status: row.status, progress: row.progress, job_id: jobId, progress_url: `/genads/api/generation/campaigns/${campaignId}/progress` };
    });
  }

  async progress(p: Principal, brand: BrandRow, campaignId: string) {
    return progressView(await this.campaigns.get(p, brand, campaignId));
  }

  /** POST …/select-variation: only once generated, and only a variation that exists (422). */
  async selectVariation(p: Principal, brand: BrandRow, campaignId: string, index: number, meta: RequestMeta) {
    return genadsDb.withTenant(this.ctx, p, async (tx) => {
      const c = await this.lock(tx, p, brand, campaignId);
      if (c.status !== 'completed') throw conflict(`Variations can be selected once generation has completed (status is ${c.status})`, 'CAMPAIGN_NOT_COMPLETED');
      if (index >= c.num_variations) {
        throw unprocessable(`Variation ${index} does not exist: this campaign has ${c.num_variations} variation${c.num_variations === 1 ? '' : 's'} (0-${c.num_variations - 1})`, 'VARIATION_NOT_FOUND');
      }
      if (!c.campaign_json.variationPaths?.[`variation_${index}`]) throw conflict(`Variation ${index} has no video: generate the campaign again`, 'VARIATION_NOT_READY');
      const row = await tx
        .updateTable('genads_campaigns')
        .set({ selected_variation_index: index, updated_at: new Date() })
        .where('org_id', '=', p.orgId)
        .where('campaign_id', '=', campaignId)
        .returningAll()
        .executeTakeFirstOrThrow();
      await recordAudit(tx, p, { orgId: p.orgId, action: 'genads.campaign.variation_selected', targetType: 'genads_campaign', targetId: campaignId, metadata: { variation_index: index } }, meta);
      return campaignView(row);
    });
  }

  private async lock(tx: Transaction<GenAdsTables>, p: Principal, brand: BrandRow, campaignId: string): Promise<CampaignRow> {
    const c = await tx
      .selectFrom('genads_campaigns')
      .selectAll()
      .where('org_id', '=', p.orgId)
      .where('brand_id', '=', brand.brand_id)
      .where('campaign_id', '=', campaignId)
      .forUpdate()
      .executeTakeFirst();
    if (!c) throw notFound('Campaign');
    return c;
  }
}

export function progressView(c: CampaignRow) {
  const done = Object.keys(c.campaign_json.variationPaths ?? {}).length;
  return {
    campaign_id: c.campaign_id,
    status: c.status,
    progress: c.progress,
    stage: c.progress_stage ?? undefined,
    variations_completed: c.status === 'processing' ? (c.campaign_json.variations?.length ?? 0) : done,
    num_variations: c.num_variations,
    cost: Number(c.cost),
    error_message: c.error_message ?? undefined,
    job_id: c.job_id ?? undefined,
    updated_at: c.updated_at.toISOString(),
  };
}

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
   * processing without a job (or the reverse). Generating again (after a failure, or for a new
   * take) is allowed whenever nothing is running: the new take is written beside the one shown,
   * which stays listed and selectable until the new one completes (takes.ts).
   */
  async start(p: Principal, brand: BrandRow, campaignId: string, meta: RequestMeta) {
    await this.campaigns.get(p, brand, campaignId); // settles a stalled generation first
    return genadsDb.withTenant(this.ctx, p, async (tx) => {
      const c = await this.lock(tx, p, brand, campaignId);
      if (c.status === 'processing') throw conflict('This campaign is already being generated: follow GET /genads/api/generation/campaigns/:id/progress', 'GENERATION_IN_PROGRESS');
      const jobId = await this.ctx.jobs.enqueue(GENERATE_JOB, { orgId: p.orgId, campaignId }, { tx, createdBy: p.userId });
      const take = c.takes_started + 1;
      await tx.insertInto('genads_generation_runs').values({ org_id: p.orgId, campaign_id: campaignId, take, job_id: jobId }).execute();
      const row = await tx
        .updateTable('genads_campaigns')
        .set({ status: 'processing', progress: 0, progress_stage: 'queued', error_message: null, takes_started: take, variations_completed: 0, job_id: jobId, updated_at: new Date() })
        .where('org_id', '=', p.orgId)
        .where('campaign_id', '=', campaignId)
        .returningAll()
        .executeTakeFirstOrThrow();
      await recordAudit(tx, p, { orgId: p.orgId, action: 'genads.campaign.generation_started', targetType: 'genads_campaign', targetId: campaignId, metadata: { job_id: jobId, previous_status: c.status, take } }, meta);
      return {
        campaign_id: row.campaign_id, status: row.status, progress: row.progress, job_id: jobId, take,
        shown_take: row.campaign_json.take ?? undefined,
        progress_url: `/genads/api/generation/campaigns/${campaignId}/progress`,
      };
    });
  }

  async progress(p: Principal, brand: BrandRow, campaignId: string) {
    return progressView(await this.campaigns.get(p, brand, campaignId));
  }

  /**
   * POST …/select-variation: a variation of the take shown, whatever runs meanwhile (a new take
   * clears the selection only when it replaces this one); 422 for an index the campaign lacks.
   */
  async selectVariation(p: Principal, brand: BrandRow, campaignId: string, index: number, meta: RequestMeta) {
    return genadsDb.withTenant(this.ctx, p, async (tx) => {
      const c = await this.lock(tx, p, brand, campaignId);
      if (!c.campaign_json.variationPaths) throw conflict(`Variations can be selected once a generation has completed (status is ${c.status})`, 'CAMPAIGN_NOT_COMPLETED');
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
      await recordAudit(tx, p, { orgId: p.orgId, action: 'genads.campaign.variation_selected', targetType: 'genads_campaign', targetId: campaignId, metadata: { variation_index: index, take: c.campaign_json.take ?? 1 } }, meta);
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
  return {
    campaign_id: c.campaign_id,
    status: c.status,
    progress: c.progress,
    stage: c.progress_stage ?? undefined,
    // Of the run in progress (or the last run), counted as each variation finishes.
    variations_completed: c.variations_completed,
    num_variations: c.num_variations,
    /** The run in progress, or the last one (absent before the first). */
    take: c.takes_started || undefined,
    /** The take whose videos the campaign shows and whose variations can be selected. */
    shown_take: c.campaign_json.take ?? undefined,
    cost: Number(c.cost),
    error_message: c.error_message ?? undefined,
    job_id: c.job_id ?? undefined,
    updated_at: c.updated_at.toISOString(),
  };
}

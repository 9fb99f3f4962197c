import type { Selectable } from 'kysely';
import { genadsDb } from '../db.js';
import type { PlatformContext } from '../../../platform/context.js';
import type { Principal } from '../../../platform/auth/principal.js';
import { recordAudit, type RequestMeta } from '../../../platform/audit/audit.service.js';
import { conflict, isUniqueViolation, notFound } from '../../../platform/errors.js';
import { deleteObjectsUnder } from '../../../platform/storage/replace.js';
import { fetchPage } from '../../../platform/db/page.js';
import type { CampaignStatus, GenAdsCampaignsTable } from '../schema.js';
import type { AdStyle } from '../pipeline/types.js';
import type { BrandRow } from '../brands/brands.service.js';
import { campaignPrefix } from '../storage-layout.js';
import { settleStalledGeneration } from '../generation/stalled-generation.js';

export type CampaignRow = Selectable<GenAdsCampaignsTable>;

export interface CreateCampaignInput {
  perfume_id: string;
  campaign_name: string;
  creative_prompt: string;
  selected_style: AdStyle;
  target_duration: number;
  num_variations: number;
}

export interface ListCampaignsQuery {
  perfume_id?: string;
  status?: CampaignStatus;
  page: number;
  limit: number;
  sort: 'created_at' | 'cost';
  order: 'asc' | 'desc';
}

export function campaignView(c: CampaignRow) {
  return {
    campaign_id: c.campaign_id,
    perfume_id: c.perfume_id,
    brand_id: c.brand_id,
    campaign_name: c.campaign_name,
    creative_prompt: c.creative_prompt,
    selected_style: c.selected_style,
    target_duration: c.target_duration,
    num_variations: c.num_variations,
    selected_variation_index: c.selected_variation_index ?? undefined,
    status: c.status,
    progress: c.progress,
    cost: Number(c.cost),
    error_message: c.error_message ?? undefined,
    campaign_json: c.campaign_json,
    /** Generation runs started; the latest is take number takes_started. */
    takes_started: c.takes_started,
    /** The take whose videos are shown (campaign_json.take); absent before a run completes. */
    shown_take: c.campaign_json.take ?? undefined,
    variations_completed: c.variations_completed,
    created_at: c.created_at.toISOString(),
    updated_at: c.updated_at.toISOString(),
  };
}

/** Ad campaigns per perfume (seed: "campaigns"): names unique per perfume, not deletable while processing. */
export class CampaignsService {
  constructor(private readonly ctx: PlatformContext) {}


  async create(p: Principal, brand: BrandRow, input: CreateCampaignInput, meta: RequestMeta): Promise<CampaignRow> {
    try {
      return await genadsDb.withTenant(this.ctx, p, async (tx) => {
        const perfume = await tx.selectFrom('genads_perfumes').select('perfume_id').where('org_id', '=', p.orgId).where('brand_id', '=', brand.brand_id).where('perfume_id', '=', input.perfume_id).executeTakeFirst();
        if (!perfume) throw notFound('Perfume');
        const row = await tx
          .insertInto('genads_campaigns')
          .values({ org_id: p.orgId, brand_id: brand.brand_id, ...input, campaign_json: JSON.stringify({}) })
          .returningAll()
          .executeTakeFirstOrThrow();
        await recordAudit(tx, p, { orgId: p.orgId, action: 'genads.campaign.created', targetType: 'genads_campaign', targetId: row.campaign_id, metadata: { campaign_name: input.campaign_name, perfume_id: input.perfume_id } }, meta);
        return row;
      });
    } catch (err) {
      if (isUniqueViolation(err)) throw conflict(`A campaign named "${input.campaign_name}" already exists for this perfume: choose another name`, 'CAMPAIGN_NAME_TAKEN');
      throw err;
    }
  }

  async list(p: Principal, brand: BrandRow, q: ListCampaignsQuery) {
    return genadsDb.withTenant(this.ctx, p, async (tx) => {
      if (q.perfume_id) {
        const perfume = await tx.selectFrom('genads_perfumes').select('perfume_id').where('org_id', '=', p.orgId).where('brand_id', '=', brand.brand_id).where('perfume_id', '=', q.perfume_id).executeTakeFirst();
        if (!perfume) throw notFound('Perfume');
      }
      let base = tx.selectFrom('genads_campaigns').where('org_id', '=', p.orgId).where('brand_id', '=', brand.brand_id);
      if (q.perfume_id) base = base.where('perfume_id', '=', q.perfume_id);
      if (q.status) base = base.where('status', '=', q.status);
      const { items, ...page } = await fetchPage(base, q, (filtered) => filtered
        .selectAll()
        .orderBy(q.sort, q.order)
        .orderBy('created_at', q.order)
        .orderBy('campaign_id', q.order));
      return {
        campaigns: items.map((c) => ({
          campaign_id: c.campaign_id,
          perfume_id: c.perfume_id,
          brand_id: c.brand_id,
          campaign_name: c.campaign_name,
          status: c.status,
          progress: c.progress,
          cost: Number(c.cost),
          target_duration: c.target_duration,
          num_variations: c.num_variations,
          selected_variation_index: c.selected_variation_index ?? undefined,
          created_at: c.created_at.toISOString(),
        })),
        ...page,
      };
    });
  }

  /** A campaign of this brand, or 404 (other orgs' ids included). */
  async get(p: Principal, brand: BrandRow, campaignId: string): Promise<CampaignRow> {
    const row = await genadsDb.withTenant(this.ctx, p, (tx) =>
      tx.selectFrom('genads_campaigns').selectAll().where('org_id', '=', p.orgId).where('brand_id', '=', brand.brand_id).where('campaign_id', '=', campaignId).executeTakeFirst(),
    );
    if (!row) throw notFound('Campaign');
    return settleStalledGeneration(this.ctx, row);
  }

  /** DELETE: refused while generating (seed rule 6); the campaign's videos go with it. */
  async delete(p: Principal, brand: BrandRow, campaignId: string, meta: RequestMeta): Promise<void> {
    await this.get(p, brand, campaignId); // 404 first, and a stalled generation no longer blocks
    const removed = await genadsDb.withTenant(this.ctx, p, async (tx) => {
      const row = await tx
        .selectFrom('genads_campaigns')
        .select(['campaign_id', 'perfume_id', 'status', 'campaign_name'])
        .where('org_id', '=', p.orgId)
        .where('brand_id', '=', brand.brand_id)
        .where('campaign_id', '=', campaignId)
        .forUpdate()
        .executeTakeFirst();
      if (!row) throw notFound('Campaign');
      if (row.status === 'processing') throw conflict('This campaign is being generated: wait until it finishes before deleting it', 'CAMPAIGN_PROCESSING');
      await tx.deleteFrom('genads_campaigns').where('org_id', '=', p.orgId).where('campaign_id', '=', campaignId).execute();
      await recordAudit(tx, p, { orgId: p.orgId, action: 'genads.campaign.deleted', targetType: 'genads_campaign', targetId: campaignId, metadata: { campaign_name: row.campaign_name } }, meta);
      return row;
    });
    await deleteObjectsUnder(this.ctx, p, campaignPrefix(brand.brand_id, removed.perfume_id, campaignId));
  }
}

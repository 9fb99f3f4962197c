import type { PlatformContext } from '../../../platform/context.js';
import type { Principal } from '../../../platform/auth/principal.js';
import { AssetLinks, LINK_TTL_SECONDS } from '../assets/asset-links.js';
import type { CampaignRow } from './campaigns.service.js';
import type { FailedRun } from './campaign-json.js';
import { listKeysUnder } from '../../../platform/storage/replace.js';
import { takeFileOf, takeFilesPrefix } from '../storage-layout.js';
import { notFound } from '../../../platform/errors.js';
import { genadsDb } from '../db.js';
import { captionsVtt } from './captions.js';

interface FileLink {
  path: string;
  url: string | null;
  expired: boolean;
}

/**
 * Download links for a campaign's videos: what a results page or the variation picker shows.
 * The variations are those of the take shown; a failed later run's files are listed apart.
 */
export class CampaignVideos {
  private readonly assets: AssetLinks;

  constructor(private readonly ctx: PlatformContext) {
    this.assets = new AssetLinks(ctx);
  }

  private async fileLink(p: Principal, key: string): Promise<FileLink> {
    const url = await this.assets.tryPresign(p, key);
    return { path: key, url, expired: url === null };
  }

  async links(p: Principal, c: CampaignRow) {
    const paths = c.campaign_json.variationPaths ?? {};
    const variations = [];
    for (let i = 0; i < c.num_variations; i++) {
      const v = paths[`variation_${i}`];
      if (!v) {
        variations.push({ variation_index: i, ready: false, final: null, draft: {} });
        continue;
      }
      const draft: Record<string, FileLink> = {};
      for (const [name, key] of Object.entries(v.draft)) draft[name] = await this.fileLink(p, key);
      variations.push({
        variation_index: i,
        ready: true,
        selected: c.selected_variation_index === i,
        final: await this.fileLink(p, v.final),
        captions_url: `/genads/api/campaigns/${c.campaign_id}/variations/${i}/captions.vtt`,
        draft,
      });
    }
    return {
      campaign_id: c.campaign_id,
      status: c.status,
      take: c.campaign_json.take ?? undefined,
      selected_variation_index: c.selected_variation_index ?? undefined,
      expires_in: LINK_TTL_SECONDS,
      variations,
      failed_run: c.campaign_json.failedRun ? await this.failedRun(p, c, c.campaign_json.failedRun) : undefined,
    };
  }

  /** A rendered variation's on-screen words as WebVTT (captions.ts); 404 until it is rendered. */
  async captions(p: Principal, c: CampaignRow, index: number): Promise<string> {
    const record = c.campaign_json.variations?.find((v) => v.index === index);
    if (!record || !c.campaign_json.variationPaths?.[`variation_${index}`]) {
      throw notFound('Captions', 'CAPTIONS_NOT_READY', 'This variation has not been rendered yet: its captions come with its video');
    }
    const perfume = await genadsDb.withTenant(this.ctx, p, (tx) =>
      tx.selectFrom('genads_perfumes').select('perfume_name').where('org_id', '=', p.orgId).where('perfume_id', '=', c.perfume_id).executeTakeFirst(),
    );
    return captionsVtt(record.scenes, perfume?.perfume_name ?? '');
  }

  /** The drafts (and any finished final video) a failed run left, per variation, with why it failed. */
  private async failedRun(p: Principal, c: CampaignRow, run: FailedRun) {
    const prefix = takeFilesPrefix(c.brand_id, c.perfume_id, c.campaign_id, run.take);
    const byVariation = new Map<number, { final: FileLink | null; draft: Record<string, FileLink> }>();
    for (const key of await listKeysUnder(this.ctx, p, prefix)) {
      const file = takeFileOf(prefix, key);
      if (!file) continue;
      const entry = byVariation.get(file.variation) ?? { final: null, draft: {} };
      const link = await this.fileLink(p, key);
      if (file.file === 'final') entry.final = link;
      else entry.draft[file.file] = link;
      byVariation.set(file.variation, entry);
    }
    return {
      take: run.take,
      error_message: run.errorMessage,
      failed_at: run.failedAt,
      concepts: run.concepts,
      variations_completed: run.variationsCompleted,
      variations: [...byVariation].sort(([a], [b]) => a - b).map(([index, v]) => ({ variation_index: index, final: v.final, draft: v.draft })),
    };
  }
}

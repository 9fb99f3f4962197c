import type { PlatformContext } from '../../../platform/context.js';
import type { Principal } from '../../../platform/auth/principal.js';
import { AssetLinks, LINK_TTL_SECONDS } from '../assets/asset-links.js';
import type { CampaignRow } from './campaigns.service.js';

interface FileLink {
  path: string;
  url: string | null;
  expired: boolean;
}

/** Download links for a campaign's videos: what a results page or the variation picker shows. */
export class CampaignVideos {
  private readonly assets: AssetLinks;

  constructor(ctx: PlatformContext) {
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
      variations.push({ variation_index: i, ready: true, selected: c.selected_variation_index === i, final: await this.fileLink(p, v.final), draft });
    }
    return { campaign_id: c.campaign_id, status: c.status, selected_variation_index: c.selected_variation_index ?? undefined, expires_in: LINK_TTL_SECONDS, variations };
  }
}

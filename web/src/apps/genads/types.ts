/**
 * GenAds answers, named from the generated client (src/api/schema.d.ts): the routes declare
 * their response schemas, so nothing here is written by hand.
 */
import type { paths } from '../../api/schema';

type Json<P extends keyof paths, M extends keyof paths[P], S extends number> = paths[P][M] extends { responses: { [K in S]: { content: { 'application/json': infer T } } } } ? T : never;

export type Brand = Json<'/genads/api/brands/me', 'get', 200>;
export type BrandStats = Json<'/genads/api/brands/me/stats', 'get', 200>;
export type OnboardedBrand = Json<'/genads/api/brands/onboard', 'post', 201>;
export type PerfumeList = Json<'/genads/api/perfumes', 'get', 200>;
export type PerfumeSummary = PerfumeList['perfumes'][number];
export type Perfume = Json<'/genads/api/perfumes/{perfumeId}', 'get', 200>;
export type CreatedPerfume = Json<'/genads/api/perfumes', 'post', 201>;
export type Campaign = Json<'/genads/api/campaigns/{campaignId}', 'get', 200>;
export type CampaignSummary = Json<'/genads/api/campaigns', 'get', 200>['campaigns'][number];
export type CampaignVideos = Json<'/genads/api/campaigns/{campaignId}/videos', 'get', 200>;
export type Progress = Json<'/genads/api/generation/campaigns/{id}/progress', 'get', 200>;
export type CampaignStatus = Campaign['status'];

/** What the realtime topic `genads:campaign:<id>` carries (src/apps/genads/generation/campaign-progress.ts). */
export interface CampaignProgressEvent {
  type: 'genads.campaign.progress';
  campaign_id: string;
  status: CampaignStatus;
  progress?: number;
  stage?: string;
  cost?: number;
  error_message?: string;
  variations_completed?: number;
  take?: number;
}

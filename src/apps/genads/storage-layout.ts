import type { LifecycleRule } from '../../platform/storage/lifecycle-rules.js';
import type { ProductAngle } from './pipeline/types.js';

/**
 * The seed's storage hierarchy ("S3 Storage Architecture") and its object tags. Keys are
 * tenant-relative: the platform stores each under "{org_id}/", so on S3 the full key is
 * "{org_id}/brands/{brand_id}/…". Every function here is the one place its path is spelled.
 */

export const UPLOAD_KINDS = {
  image: 'genads.image',
  guidelines: 'genads.guidelines',
  video: 'genads.video',
  audio: 'genads.audio',
} as const;

export const GUIDELINES_TYPES = {
  'application/pdf': 'pdf',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'docx',
} as const;
export type GuidelinesType = keyof typeof GUIDELINES_TYPES;

/** Every GenAds file lives under this prefix; the app owns it (read-only in the generic files API). */
export const BRANDS_PREFIX = 'brands/';
export const brandPrefix = (brandId: string) => `${BRANDS_PREFIX}${brandId}/`;
export const perfumePrefix = (brandId: string, perfumeId: string) => `${brandPrefix(brandId)}perfumes/${perfumeId}/`;
export const campaignPrefix = (brandId: string, perfumeId: string, campaignId: string) => `${perfumePrefix(brandId, perfumeId)}campaigns/${campaignId}/`;
/**
 * Each generation run (a "take") writes its own files, so a new take never overwrites the one
 * the campaign shows. Take 1 is the seed's own hierarchy (campaigns/{id}/variations/…); later
 * takes go under campaigns/{id}/takes/take_{n}/variations/…. The take's files are everything
 * under takeFilesPrefix: a replaced or failed take is deleted by that prefix.
 */
const takeRoot = (brandId: string, perfumeId: string, campaignId: string, take: number) =>
  take <= 1 ? campaignPrefix(brandId, perfumeId, campaignId) : `${campaignPrefix(brandId, perfumeId, campaignId)}takes/take_${take}/`;
export const takeFilesPrefix = (brandId: string, perfumeId: string, campaignId: string, take: number) =>
  `${takeRoot(brandId, perfumeId, campaignId, take)}variations/`;
export const variationPrefix = (brandId: string, perfumeId: string, campaignId: string, variation: number, take = 1) =>
  `${takeFilesPrefix(brandId, perfumeId, campaignId, take)}variation_${variation}/`;

/**
 * Reads a key under a take's files back: which variation, and which file (the draft names of
 * variationPaths: "scene_1" … "music", or "final"). Null for anything else.
 */
export function takeFileOf(takePrefix: string, key: string): { variation: number; file: string } | null {
  if (!key.startsWith(takePrefix)) return null;
  const m = /^variation_(\d+)\/(?:draft\/(scene_\d+)_bg\.mp4|draft\/(music)\.mp3|(final)_video\.mp4)$/.exec(key.slice(takePrefix.length));
  return m ? { variation: Number(m[1]), file: m[2] ?? m[3] ?? m[4] } : null;
}

/** Logos are stored as PNG whatever was uploaded, so the seed's fixed name is honest. */
export const brandLogoKey = (brandId: string) => `${brandPrefix(brandId)}brand_logo.png`;
/** The seed names it .pdf; a DOCX keeps its own extension. */
export const brandGuidelinesKey = (brandId: string, type: GuidelinesType) => `${brandPrefix(brandId)}brand_guidelines.${GUIDELINES_TYPES[type]}`;
export const perfumeImageKey = (brandId: string, perfumeId: string, angle: ProductAngle) => `${perfumePrefix(brandId, perfumeId)}${angle}.png`;
/** Scenes are numbered from 1, as in the seed's scene_1_bg.mp4 … scene_4_bg.mp4. */
export const draftSceneKey = (brandId: string, perfumeId: string, campaignId: string, variation: number, scene: number, take = 1) =>
  `${variationPrefix(brandId, perfumeId, campaignId, variation, take)}draft/scene_${scene}_bg.mp4`;
export const draftMusicKey = (brandId: string, perfumeId: string, campaignId: string, variation: number, take = 1) =>
  `${variationPrefix(brandId, perfumeId, campaignId, variation, take)}draft/music.mp3`;
export const finalVideoKey = (brandId: string, perfumeId: string, campaignId: string, variation: number, take = 1) =>
  `${variationPrefix(brandId, perfumeId, campaignId, variation, take)}final_video.mp4`;

export const brandAssetTags = (brandId: string) => ({ type: 'brand_asset', brand_id: brandId, lifecycle: 'permanent' });
export const perfumeImageTags = (brandId: string, perfumeId: string, angle: ProductAngle) => ({
  type: 'perfume_image', brand_id: brandId, perfume_id: perfumeId, angle, lifecycle: 'permanent',
});
export function campaignVideoTags(ids: { brandId: string; perfumeId: string; campaignId: string }, variation: number, subtype: 'draft' | 'final') {
  return {
    type: 'campaign_video',
    subtype,
    brand_id: ids.brandId,
    perfume_id: ids.perfumeId,
    campaign_id: ids.campaignId,
    variation_index: String(variation),
    lifecycle: subtype === 'draft' ? '30days' : '90days',
  };
}

/** The seed's two lifecycle rules: drafts go after 30 days, finals after 90; brand and perfume assets stay. */
export const LIFECYCLE_RULES: LifecycleRule[] = [
  {
    name: 'genads-draft',
    prefix: 'brands/',
    tag: { key: 'subtype', value: 'draft' },
    expireAfterDays: 30,
    s3: { id: 'DeleteDraftVideosAfter30Days', tags: { type: 'campaign_video', subtype: 'draft' }, noncurrentVersionDays: 1 },
  },
  {
    name: 'genads-final',
    prefix: 'brands/',
    tag: { key: 'subtype', value: 'final' },
    expireAfterDays: 90,
    s3: { id: 'DeleteFinalVideosAfter90Days', tags: { type: 'campaign_video', subtype: 'final' }, noncurrentVersionDays: 1 },
  },
];
export const LIFECYCLE_CLASS = { draft: 'genads-draft', final: 'genads-final' } as const;

import type { ColumnType, Generated } from 'kysely';
import type { PlatformTables } from '../../platform/db/schema.js';
import type { AdStyle, BrandStyle, PerfumeGender } from './pipeline/types.js';
import type { CampaignJson } from './campaigns/campaign-json.js';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
/** numeric columns come back from PostgreSQL as strings, to keep their precision. */
type Decimal = ColumnType<string, number | string | undefined, number | string>;
type Json<T> = ColumnType<T, string | undefined, string>;

export type CampaignStatus = 'pending' | 'processing' | 'completed' | 'failed';

export interface GenAdsBrandsTable {
  brand_id: Generated<string>;
  org_id: string;
  user_id: string | null;
  brand_name: string;
  brand_logo_url: string;
  brand_guidelines_url: string;
  onboarding_completed: ColumnType<boolean, boolean | undefined, boolean>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface GenAdsPerfumesTable {
  perfume_id: Generated<string>;
  org_id: string;
  brand_id: string;
  perfume_name: string;
  perfume_gender: PerfumeGender;
  front_image_url: string;
  back_image_url: string | null;
  top_image_url: string | null;
  left_image_url: string | null;
  right_image_url: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface GenAdsCampaignsTable {
  campaign_id: Generated<string>;
  org_id: string;
  perfume_id: string;
  brand_id: string;
  campaign_name: string;
  creative_prompt: string;
  selected_style: AdStyle;
  target_duration: number;
  num_variations: ColumnType<number, number | undefined, number>;
  selected_variation_index: number | null;
  status: ColumnType<CampaignStatus, CampaignStatus | undefined, CampaignStatus>;
  progress: ColumnType<number, number | undefined, number>;
  cost: Decimal;
  error_message: string | null;
  campaign_json: Json<CampaignJson>;
  job_id: string | null;
  progress_stage: string | null;
  /** Generation runs started so far; the one running (or last run) is take number takes_started. */
  takes_started: ColumnType<number, number | undefined, number>;
  /** Variations of the run in progress (or of the last run) that have finished. */
  variations_completed: ColumnType<number, number | undefined, number>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export type GenerationRunStatus = 'running' | 'completed' | 'failed';

export interface GenAdsGenerationRunsTable {
  run_id: Generated<string>;
  org_id: string;
  campaign_id: string;
  take: number;
  job_id: string;
  status: ColumnType<GenerationRunStatus, GenerationRunStatus | undefined, GenerationRunStatus>;
  concepts: Json<string[]>;
  cost: Decimal;
  stage_seconds: Json<Record<string, number>>;
  error_message: string | null;
  started_at: Timestamp;
  finished_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

export interface GenAdsBrandStylesTable {
  brand_id: string;
  org_id: string;
  guidelines_sha256: string;
  style: Json<BrandStyle>;
  cost: Decimal;
  extracted_at: Timestamp;
}

export interface GenAdsTables extends PlatformTables {
  genads_brands: GenAdsBrandsTable;
  genads_perfumes: GenAdsPerfumesTable;
  genads_campaigns: GenAdsCampaignsTable;
  genads_brand_styles: GenAdsBrandStylesTable;
  genads_generation_runs: GenAdsGenerationRunsTable;
}

import type { ColumnType, Generated } from 'kysely';
import type { PlatformTables } from '../../platform/db/schema.js';
import type { Archetype } from './identity/archetypes.js';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
type Json<T> = ColumnType<T, string | undefined, string>;

export const BRAND_STATUSES = ['draft', 'in_progress', 'submitted', 'published'] as const;
export type BrandStatus = (typeof BRAND_STATUSES)[number];
export const ASSET_TYPES = ['logo', 'mockup', 'brand_guide'] as const;
export type AssetType = (typeof ASSET_TYPES)[number];
export const MOCKUP_STATUSES = ['generated', 'approved', 'rejected'] as const;
export type MockupStatus = (typeof MOCKUP_STATUSES)[number];
export const SOCIAL_PLATFORMS = ['instagram', 'tiktok', 'twitter'] as const;
export type SocialPlatform = (typeof SOCIAL_PLATFORMS)[number];
export const PALETTE_ROLES = ['primary', 'secondary', 'accent', 'neutral', 'background'] as const;
export type PaletteRole = (typeof PALETTE_ROLES)[number];

export interface PaletteColor {
  hex: string;
  role: PaletteRole;
}
export interface BrandFonts {
  pairing?: string;
  heading?: string;
  body?: string;
  heading_weight?: number;
  body_weight?: number;
}

export interface BrandkitProfilesTable {
  org_id: string;
  user_id: string;
  phone: string | null;
  full_name: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface BrandkitBrandsTable {
  id: Generated<string>;
  org_id: string;
  user_id: string;
  status: ColumnType<BrandStatus, BrandStatus | undefined, BrandStatus>;
  name: string | null;
  description: string | null;
  vision: string | null;
  color_palette: Json<PaletteColor[]>;
  fonts: Json<BrandFonts>;
  logo_style: string | null;
  /** The migration's check constraint keeps it among the twelve. */
  brand_archetype: Archetype | null;
  brand_values: Json<string[]>;
  target_audience: string | null;
  label_design: string | null;
  step_url: string;
  wizard_step: ColumnType<number, number | undefined, number>;
  submitted_at: NullableTimestamp;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface BrandkitProductsTable {
  id: Generated<string>;
  sku: string;
  name: string;
  category: string;
  description: string | null;
  is_active: ColumnType<boolean, boolean | undefined, boolean>;
  image_key: string | null;
  mask_key: string | null;
  image_meta: Json<Record<string, unknown>>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface BrandkitBrandAssetsTable {
  id: Generated<string>;
  org_id: string;
  brand_id: string;
  asset_type: AssetType;
  file_key: string;
  file_name: string;
  metadata: Json<Record<string, unknown>>;
  is_primary: ColumnType<boolean, boolean | undefined, boolean>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface BrandkitBrandMockupsTable {
  id: Generated<string>;
  org_id: string;
  brand_id: string;
  product_id: string | null;
  mockup_key: string | null;
  label_key: string | null;
  prompt_used: string | null;
  generation_params: Json<Record<string, unknown>>;
  variation_number: ColumnType<number, number | undefined, number>;
  status: ColumnType<MockupStatus, MockupStatus | undefined, MockupStatus>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface BrandkitBrandProductsTable {
  id: Generated<string>;
  org_id: string;
  brand_id: string;
  product_id: string;
  quantity: ColumnType<number, number | undefined, number>;
  notes: string | null;
  selected_at: Timestamp;
}

export interface SocialPasted {
  bio?: string;
  captions?: string[];
}

export interface BrandkitUserSocialsTable {
  id: Generated<string>;
  org_id: string;
  user_id: string;
  platform: SocialPlatform;
  handle: string;
  profile_url: string | null;
  pasted: Json<SocialPasted>;
  analysis_data: ColumnType<Record<string, unknown> | null, string | null | undefined, string | null>;
  analyzed_at: NullableTimestamp;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface BrandkitGhlContactsTable {
  id: Generated<string>;
  org_id: string;
  user_id: string;
  ghl_contact_id: string;
  ghl_location_id: string;
  sync_data: Json<Record<string, unknown>>;
  last_synced_at: NullableTimestamp;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface BrandkitTables extends PlatformTables {
  brandkit_profiles: BrandkitProfilesTable;
  brandkit_brands: BrandkitBrandsTable;
  brandkit_products: BrandkitProductsTable;
  brandkit_brand_assets: BrandkitBrandAssetsTable;
  brandkit_brand_mockups: BrandkitBrandMockupsTable;
  brandkit_brand_products: BrandkitBrandProductsTable;
  brandkit_user_socials: BrandkitUserSocialsTable;
  brandkit_ghl_contacts: BrandkitGhlContactsTable;
}

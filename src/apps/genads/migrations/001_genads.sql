-- GenAds (seed 000, "Table Definitions"): brands → perfumes → campaigns.
-- The seed's auth.users is the platform's users; a brand belongs to an org (one brand per org,
-- created by onboarding), and user_id records who onboarded it. Every table carries org_id with
-- forced row-level security (tenantry_protect). Storage "urls" hold the tenant-relative storage
-- paths the seed gives (brands/{brand_id}/…); the API turns them into presigned URLs.

create table genads_brands (
  brand_id uuid primary key default gen_random_uuid(),
  org_id uuid not null unique references orgs(id) on delete cascade,
  -- The seed cascades a user's deletion to the brand; here the brand is the org's, so losing
  -- the onboarding user (one member among several) must not delete it.
  user_id uuid references users(id) on delete set null,
  brand_name varchar(100) not null,
  brand_logo_url varchar(500) not null,
  brand_guidelines_url varchar(500) not null,
  onboarding_completed boolean not null default false,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint check_brand_name_length check (char_length(brand_name) >= 2 and char_length(brand_name) <= 100)
);
-- Brand names are unique across every org, case-insensitively (the seed's idx_brands_name).
create unique index idx_genads_brands_name on genads_brands (lower(brand_name));
create index idx_genads_brands_user_id on genads_brands (user_id);
create index idx_genads_brands_onboarding on genads_brands (onboarding_completed);
select tenantry_protect('genads_brands');

create table genads_perfumes (
  perfume_id uuid primary key default gen_random_uuid(),
  org_id uuid not null references orgs(id) on delete cascade,
  brand_id uuid not null references genads_brands(brand_id) on delete cascade,
  perfume_name varchar(200) not null,
  perfume_gender varchar(20) not null check (perfume_gender in ('masculine', 'feminine', 'unisex')),
  front_image_url varchar(500) not null,
  back_image_url varchar(500),
  top_image_url varchar(500),
  left_image_url varchar(500),
  right_image_url varchar(500),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint unique_perfume_per_brand unique (brand_id, perfume_name),
  constraint check_perfume_name_length check (char_length(perfume_name) >= 2 and char_length(perfume_name) <= 200)
);
create index idx_genads_perfumes_brand_id on genads_perfumes (org_id, brand_id, created_at desc);
create index idx_genads_perfumes_gender on genads_perfumes (org_id, perfume_gender);
create index idx_genads_perfumes_name on genads_perfumes (org_id, perfume_name);
select tenantry_protect('genads_perfumes');

create table genads_campaigns (
  campaign_id uuid primary key default gen_random_uuid(),
  org_id uuid not null references orgs(id) on delete cascade,
  perfume_id uuid not null references genads_perfumes(perfume_id) on delete cascade,
  brand_id uuid not null references genads_brands(brand_id) on delete cascade,
  campaign_name varchar(200) not null,
  creative_prompt text not null,
  selected_style varchar(50) not null check (selected_style in ('gold_luxe', 'dark_elegance', 'romantic_floral')),
  target_duration integer not null check (target_duration between 15 and 60),
  num_variations integer not null default 1 check (num_variations between 1 and 3),
  selected_variation_index integer check (selected_variation_index is null or selected_variation_index between 0 and 2),
  status varchar(50) not null default 'pending' check (status in ('pending', 'processing', 'completed', 'failed')),
  progress integer not null default 0 check (progress between 0 and 100),
  cost decimal(10, 2) not null default 0,
  error_message text,
  campaign_json jsonb not null default '{}'::jsonb,
  -- The generation job now (or last) running for this campaign, and its stage label.
  job_id uuid,
  progress_stage varchar(100),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint unique_campaign_per_perfume unique (perfume_id, campaign_name),
  constraint check_campaign_name_length check (char_length(campaign_name) >= 2 and char_length(campaign_name) <= 200),
  constraint check_creative_prompt_length check (char_length(creative_prompt) >= 10 and char_length(creative_prompt) <= 2000),
  constraint check_selected_variation_exists check (selected_variation_index is null or selected_variation_index < num_variations)
);
create index idx_genads_campaigns_perfume_id on genads_campaigns (org_id, perfume_id, created_at desc);
create index idx_genads_campaigns_brand_id on genads_campaigns (org_id, brand_id, created_at desc);
create index idx_genads_campaigns_status on genads_campaigns (org_id, status);
create index idx_genads_campaigns_cost on genads_campaigns (org_id, cost);
select tenantry_protect('genads_campaigns');

-- The seed caches each brand's extracted guidelines "until brand guidelines updated": kept in
-- the database (not process memory) so every worker shares it, keyed by the document's hash.
create table genads_brand_styles (
  brand_id uuid primary key references genads_brands(brand_id) on delete cascade,
  org_id uuid not null references orgs(id) on delete cascade,
  guidelines_sha256 varchar(64) not null,
  style jsonb not null,
  cost decimal(10, 4) not null default 0,
  extracted_at timestamptz not null default now()
);
create index idx_genads_brand_styles_org on genads_brand_styles (org_id);
select tenantry_protect('genads_brand_styles');

-- Brand names are unique across orgs, but RLS hides other orgs' brands from a tenant's
-- transaction. This answers only "is this name taken?" so onboarding can say so before any
-- file is stored; the unique index above remains the guard.
create or replace function genads_brand_name_taken(name text) returns boolean
  language sql stable security definer set search_path = public
  as $$ select exists (select 1 from genads_brands where lower(brand_name) = lower(name)) $$;
revoke all on function genads_brand_name_taken(text) from public;
grant execute on function genads_brand_name_taken(text) to tenantry_app;

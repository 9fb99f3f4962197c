-- Brandkit (seed 004): the brand-creation wizard. The seed's profiles are the platform's users
-- (email, password hash and tc_accepted_at already live there) plus brandkit_profiles for the
-- seed's phone and full_name. Every table the seed keys by user also carries org_id: a user's
-- brands belong to them inside one organisation, and row-level security isolates the orgs.
-- The product catalog is the one table without org_id: platform-wide, written by the
-- superadmin (through the system connection), read by every tenant.

create table brandkit_profiles (
  org_id uuid not null references orgs(id) on delete cascade,
  user_id uuid not null references users(id) on delete cascade,
  phone varchar(32) check (phone ~ '^\+?[0-9][0-9 ().-]{5,30}$'),
  full_name varchar(200) check (length(btrim(full_name)) between 1 and 200),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (org_id, user_id)
);
create index idx_brandkit_profiles_phone on brandkit_profiles (org_id, phone);
select tenantry_protect('brandkit_profiles');

create table brandkit_brands (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null references orgs(id) on delete cascade,
  user_id uuid not null references users(id) on delete cascade,
  status varchar(20) not null default 'draft' check (status in ('draft', 'in_progress', 'submitted', 'published')),
  name varchar(120) check (length(btrim(name)) between 1 and 120),
  description text check (length(description) <= 4000),
  vision text check (length(vision) <= 4000),
  -- [{hex, role}]: hex is #rrggbb, roles are unique, and a saved palette has a primary.
  color_palette jsonb not null default '[]'::jsonb check (jsonb_typeof(color_palette) = 'array' and jsonb_array_length(color_palette) <= 12),
  fonts jsonb not null default '{}'::jsonb check (jsonb_typeof(fonts) = 'object'),
  logo_style varchar(40),
  brand_archetype varchar(20) check (brand_archetype in (
    'innocent', 'everyman', 'hero', 'outlaw', 'explorer', 'creator',
    'ruler', 'magician', 'lover', 'caregiver', 'jester', 'sage')),
  brand_values jsonb not null default '[]'::jsonb check (jsonb_typeof(brand_values) = 'array' and jsonb_array_length(brand_values) <= 10),
  target_audience text check (length(target_audience) <= 2000),
  label_design text check (length(label_design) <= 2000),
  step_url varchar(300) not null,
  wizard_step integer not null default 1 check (wizard_step between 1 and 20),
  submitted_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  check (status <> 'submitted' or submitted_at is not null)
);
create index idx_brandkit_brands_user on brandkit_brands (org_id, user_id, updated_at desc, id desc);
create index idx_brandkit_brands_status on brandkit_brands (org_id, status);
select tenantry_protect('brandkit_brands');

create table brandkit_products (
  id uuid primary key default gen_random_uuid(),
  sku varchar(64) not null check (sku ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$'),
  name varchar(200) not null check (length(btrim(name)) between 1 and 200),
  category varchar(60) not null check (length(btrim(category)) between 1 and 60),
  description text check (length(description) <= 2000),
  is_active boolean not null default true,
  -- Full storage keys (the superadmin's org prefix included) of the catalog photo and its mask.
  image_key varchar(1000),
  mask_key varchar(1000),
  image_meta jsonb not null default '{}'::jsonb,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create unique index idx_brandkit_products_sku on brandkit_products (lower(sku));
create index idx_brandkit_products_category on brandkit_products (category, name);
create index idx_brandkit_products_active on brandkit_products (is_active, category);
-- Read by every tenant; written only by the superadmin through the system connection.
alter table brandkit_products enable row level security;
alter table brandkit_products force row level security;
create policy brandkit_products_read on brandkit_products for select using (true);
grant select on brandkit_products to tenantry_app;

create table brandkit_brand_assets (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null references orgs(id) on delete cascade,
  brand_id uuid not null references brandkit_brands(id) on delete cascade,
  asset_type varchar(20) not null check (asset_type in ('logo', 'mockup', 'brand_guide')),
  -- The storage key (tenant-relative); file_url in answers is a signed URL made from it.
  file_key varchar(1000) not null,
  file_name varchar(255) not null,
  metadata jsonb not null default '{}'::jsonb,
  is_primary boolean not null default false,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (org_id, file_key)
);
create index idx_brandkit_assets_brand on brandkit_brand_assets (org_id, brand_id, asset_type, created_at desc);
-- The seed: "Primary asset of this type": at most one per brand and type.
create unique index idx_brandkit_assets_one_primary on brandkit_brand_assets (brand_id, asset_type) where is_primary;
select tenantry_protect('brandkit_brand_assets');

create table brandkit_brand_mockups (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null references orgs(id) on delete cascade,
  brand_id uuid not null references brandkit_brands(id) on delete cascade,
  product_id uuid references brandkit_products(id) on delete set null,
  mockup_key varchar(1000),
  label_key varchar(1000),
  prompt_used text,
  generation_params jsonb not null default '{}'::jsonb,
  variation_number integer not null default 1 check (variation_number between 1 and 100),
  status varchar(20) not null default 'generated' check (status in ('generated', 'approved', 'rejected')),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index idx_brandkit_mockups_brand on brandkit_brand_mockups (org_id, brand_id, created_at desc, id desc);
select tenantry_protect('brandkit_brand_mockups');

create table brandkit_brand_products (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null references orgs(id) on delete cascade,
  brand_id uuid not null references brandkit_brands(id) on delete cascade,
  product_id uuid not null references brandkit_products(id) on delete restrict,
  quantity integer not null default 1 check (quantity between 1 and 100000),
  notes text check (length(notes) <= 2000),
  selected_at timestamptz not null default now(),
  unique (brand_id, product_id)
);
create index idx_brandkit_brand_products_brand on brandkit_brand_products (org_id, brand_id, selected_at);
select tenantry_protect('brandkit_brand_products');

create table brandkit_user_socials (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null references orgs(id) on delete cascade,
  user_id uuid not null references users(id) on delete cascade,
  platform varchar(20) not null check (platform in ('instagram', 'tiktok', 'twitter')),
  handle varchar(100) not null check (handle ~ '^[A-Za-z0-9._]{1,100}$'),
  profile_url varchar(500),
  -- What the user pasted (bio, recent captions): the offline analyser's input.
  pasted jsonb not null default '{}'::jsonb,
  analysis_data jsonb,
  analyzed_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (org_id, user_id, platform)
);
create index idx_brandkit_socials_handle on brandkit_user_socials (org_id, user_id, handle);
select tenantry_protect('brandkit_user_socials');

create table brandkit_ghl_contacts (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null references orgs(id) on delete cascade,
  user_id uuid not null references users(id) on delete cascade,
  ghl_contact_id varchar(100) not null,
  ghl_location_id varchar(100) not null,
  sync_data jsonb not null default '{}'::jsonb,
  last_synced_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (org_id, user_id)
);
create unique index idx_brandkit_ghl_contact on brandkit_ghl_contacts (ghl_contact_id);
select tenantry_protect('brandkit_ghl_contacts');

-- Visant: camera devices and their captures (seed 002, "Database Schema Details").
-- The seed's organizations/users are the platform's orgs/users; its device api_key is a
-- platform API key scoped to the device (api_keys, stored as a hash).

create table visant_devices (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null references orgs(id) on delete cascade,
  device_id varchar(255) not null check (device_id ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,254}$'),
  friendly_name varchar(255),
  api_key_id uuid references api_keys(id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  last_seen_at timestamptz,
  last_ip varchar(45),
  status varchar(50) not null default 'active' check (status in ('active', 'inactive', 'transferred')),
  device_version varchar(50),
  config jsonb not null default '{}'::jsonb,
  unique (org_id, device_id)
);
create index idx_visant_devices_org on visant_devices (org_id, created_at desc);
create index idx_visant_devices_last_seen on visant_devices (org_id, last_seen_at desc);
create index idx_visant_devices_api_key on visant_devices (api_key_id);
select tenantry_protect('visant_devices');

create table visant_captures (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null references orgs(id) on delete cascade,
  record_id varchar(255) not null check (record_id ~ '^[A-Za-z0-9][A-Za-z0-9._:-]{0,254}$'),
  device_uuid uuid not null references visant_devices(id) on delete cascade,
  captured_at timestamptz not null,
  ingested_at timestamptz not null default now(),
  image_key varchar(500),
  thumbnail_key varchar(500),
  image_stored boolean not null default false,
  thumbnail_stored boolean not null default false,
  state varchar(50) check (state in ('normal', 'abnormal', 'uncertain')),
  score double precision check (score between 0 and 1),
  reason text,
  agent_details jsonb,
  evaluation_status varchar(50) not null default 'pending'
    check (evaluation_status in ('pending', 'processing', 'completed', 'failed')),
  evaluated_at timestamptz,
  evaluation_attempts integer not null default 0,
  trigger_label varchar(100),
  normal_description_file varchar(500),
  capture_metadata jsonb not null default '{}'::jsonb,
  -- A person marked this capture as showing the device's normal scene: the offline
  -- evaluator learns its baseline from these.
  marked_normal boolean not null default false,
  -- 64x64 grayscale thumbnail (4096 bytes) computed at ingest: the offline evaluator compares
  -- fingerprints, so judging a capture never has to fetch the baseline images from storage.
  fingerprint bytea,
  unique (org_id, record_id)
);
create index idx_visant_captures_org_date on visant_captures (org_id, captured_at desc, id desc);
create index idx_visant_captures_device_date on visant_captures (org_id, device_uuid, captured_at desc, id desc);
create index idx_visant_captures_state on visant_captures (org_id, state, captured_at desc);
create index idx_visant_captures_ingested on visant_captures (org_id, ingested_at desc);
create index idx_visant_captures_evaluation_status on visant_captures (evaluation_status, ingested_at desc);
create index idx_visant_captures_baseline on visant_captures (org_id, device_uuid) where marked_normal;
select tenantry_protect('visant_captures');

-- Abnormal-result notifications: one row per email sent, so the cooldown holds across
-- processes (the newest row per device tells when the last one went out).
create table visant_notifications (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null references orgs(id) on delete cascade,
  device_uuid uuid not null references visant_devices(id) on delete cascade,
  capture_id uuid references visant_captures(id) on delete set null,
  recipients text[] not null,
  sent_at timestamptz not null default now()
);
create index idx_visant_notifications_device on visant_notifications (org_id, device_uuid, sent_at desc);
select tenantry_protect('visant_notifications');

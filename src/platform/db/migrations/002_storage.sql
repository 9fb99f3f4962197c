-- Object storage catalog (src/platform/storage).
--
-- One row per stored object. A row is created as 'pending' when an upload starts: it holds
-- the key (so two uploads cannot race for it) and the bytes reserved against the org's
-- quota while the body streams. Committing flips it to 'active' and moves the reservation
-- into orgs.storage_used_bytes in the same transaction (DESIGN.md invariant 3).

-- Bytes promised to uploads in flight. Quota check: used + reserved + wanted <= limit,
-- done as one conditional UPDATE on the org row, so concurrent uploads cannot overshoot.
alter table orgs add column storage_reserved_bytes bigint not null default 0 check (storage_reserved_bytes >= 0);
grant update (storage_reserved_bytes) on orgs to tenantry_app;

create table storage_objects (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null references orgs(id) on delete cascade,
  -- The tenant-relative key clients see; the driver key is always "{org_id}/{key}".
  key text not null check (length(key) between 1 and 512),
  storage_key text not null,
  status text not null default 'pending' check (status in ('pending', 'active')),
  kind text not null,
  size_bytes bigint not null default 0 check (size_bytes >= 0),
  reserved_bytes bigint not null default 0 check (reserved_bytes >= 0),
  content_type text not null default 'application/octet-stream',
  sha256 text check (sha256 ~ '^[0-9a-f]{64}$'),
  tags jsonb not null default '{}'::jsonb,
  lifecycle_class text,
  expires_at timestamptz,
  trashed_at timestamptz,
  -- Derivatives (thumbnails…) point at their original and go to trash / away with it.
  derived_from uuid references storage_objects(id),
  variant text,
  created_by uuid references users(id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (org_id, key)
);
create index storage_objects_org_list on storage_objects (org_id, created_at desc, id desc);
create index storage_objects_org_prefix on storage_objects (org_id, key text_pattern_ops);
create index storage_objects_trashed on storage_objects (trashed_at) where trashed_at is not null;
create index storage_objects_expiring on storage_objects (expires_at) where expires_at is not null;
create index storage_objects_pending on storage_objects (updated_at) where status = 'pending';
create unique index storage_objects_variant on storage_objects (derived_from, variant) where derived_from is not null;
select tenantry_protect('storage_objects');

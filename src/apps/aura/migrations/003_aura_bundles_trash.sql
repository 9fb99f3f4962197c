-- Aura Pro: bundles, trash and retention (issue #11 items 6 and 7; seed "Deletion Handling",
-- "6C Data Safety").

-- The seed's bundles (id, name, photo_ids[], org_id, created_by, created_at), with photo_ids[]
-- normalised into a junction table: a foreign key per photo (a photo deleted for good leaves
-- every bundle at once) and an index to ask "which bundles hold this photo".
create table aura_bundles (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null references orgs(id) on delete cascade,
  name varchar(200) not null check (length(name) between 1 and 200),
  created_by uuid references users(id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index idx_aura_bundles_org on aura_bundles (org_id, created_at desc, id desc);
select tenantry_protect('aura_bundles');

create table aura_bundle_photos (
  org_id uuid not null references orgs(id) on delete cascade,
  bundle_id uuid not null references aura_bundles(id) on delete cascade,
  photo_id uuid not null references aura_photos(id) on delete cascade,
  added_by uuid references users(id) on delete set null,
  added_at timestamptz not null default now(),
  primary key (bundle_id, photo_id)
);
create index idx_aura_bundle_photos_photo on aura_bundle_photos (org_id, photo_id);
select tenantry_protect('aura_bundle_photos');

-- The seed's matrix for bundles (aura_caller_access() in 001): employees create bundles and
-- add photos; renaming, taking photos out and deleting are the admins'.
create policy aura_bundles_insert on aura_bundles as restrictive for insert
  with check ((select aura_caller_access()) in ('admin', 'employee', 'system'));
create policy aura_bundles_update on aura_bundles as restrictive for update
  using ((select aura_caller_access()) in ('admin', 'system'));
create policy aura_bundles_delete on aura_bundles as restrictive for delete
  using ((select aura_caller_access()) in ('admin', 'system'));
create policy aura_bundle_photos_insert on aura_bundle_photos as restrictive for insert
  with check ((select aura_caller_access()) in ('admin', 'employee', 'system'));
create policy aura_bundle_photos_delete on aura_bundle_photos as restrictive for delete
  using ((select aura_caller_access()) in ('admin', 'system'));

-- Trash: a trashed photo keeps its row. Its objects live under "photos/{org_slug}/_trash/…"
-- and full_path/full_key/thumb_key point there (the catalog never points at missing bytes);
-- trashed_from keeps the original full_path, where a restore puts it back.
alter table aura_photos
  add column trashed_at timestamptz,
  add column trashed_by uuid references users(id) on delete set null,
  add column trashed_from varchar(1000),
  -- An admin's "keep" (POST /photos/{id}/keep): the retention sweep never moves this
  -- event_temp photo to trash. source_type stays event_temp: it still says where it came from.
  add column kept_permanently boolean not null default false,
  add constraint aura_photos_trash_consistent check ((trashed_at is null) = (trashed_from is null));
create index idx_aura_photos_trashed on aura_photos (org_id, trashed_at desc, id desc) where trashed_at is not null;
create index idx_aura_photos_event_temp on aura_photos (org_id, created_at) where source_type = 'event_temp' and trashed_at is null and not kept_permanently;

-- The org's trash retention, on the Aura settings row of 001. The seed's retention: 30 days by
-- default, bounded 1..365.
alter table aura_settings
  add column trash_retention_days integer not null default 30 check (trash_retention_days between 1 and 365),
  add column updated_by uuid references users(id) on delete set null;

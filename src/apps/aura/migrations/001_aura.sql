-- Aura Pro (seed 001): photo studios. The seed's organizations and profiles are the platform's
-- orgs (slug, plan, storage limit and usage, status) and users + memberships; its roles map
-- onto the platform's (docs/aura.md). This file holds the catalog's spine: events (the seed's
-- "event_or_folder" grouping) and photos. Faces, people, bundles and trash add their own
-- files after it.

create table aura_events (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null references orgs(id) on delete cascade,
  name varchar(200) not null check (length(name) between 1 and 200),
  -- The {event_or_folder} segment of the storage path: lower-case, safe in a key and a folder name.
  folder varchar(100) not null check (folder ~ '^[a-z0-9][a-z0-9_-]{0,99}$'),
  event_date date,
  -- Guest scan (/scan/<token>): off until an admin turns it on; the token is 256 random bits
  -- (unguessable, so it can stay readable for the QR code); rotating it kills old links.
  guest_access boolean not null default false,
  guest_expires_at timestamptz,
  guest_token varchar(64) not null unique check (guest_token ~ '^[A-Za-z0-9_-]{43}$'),
  created_by uuid references users(id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (org_id, folder)
);
create index idx_aura_events_org on aura_events (org_id, created_at desc, id desc);
select tenantry_protect('aura_events');

create table aura_photos (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null references orgs(id) on delete cascade,
  event_id uuid references aura_events(id) on delete set null,
  -- The seed's path (file name inside the folder) and full_path (the original's storage key).
  path varchar(255) not null,
  full_path varchar(1000) not null,
  -- The optimised variants (storage-layout.ts): 2000 px and 400 px WebP; null until made.
  full_key varchar(1000),
  thumb_key varchar(1000),
  original_name varchar(255) not null,
  content_type varchar(100) not null,
  size_bytes bigint not null check (size_bytes >= 0),
  width integer check (width > 0),
  height integer check (height > 0),
  -- SHA-256 of the original's bytes: the same file arriving twice is one photo, and the sync
  -- agent's delta sync compares it.
  content_hash char(64) not null check (content_hash ~ '^[0-9a-f]{64}$'),
  source_type varchar(20) not null check (source_type in ('cloud', 'local_sync', 'event_temp')),
  photo_date timestamptz,
  metadata jsonb not null default '{}'::jsonb,
  created_by uuid references users(id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (org_id, full_path)
);
create unique index idx_aura_photos_hash on aura_photos (org_id, content_hash);
create index idx_aura_photos_org on aura_photos (org_id, created_at desc, id desc);
create index idx_aura_photos_event on aura_photos (org_id, event_id, created_at desc, id desc);
select tenantry_protect('aura_photos');

-- Aura's per-org settings (the seed's "settings" employees may not change) and the capture
-- station's state. pin_salt makes every PIN of one org hash to one argon2 value per PIN, so a
-- unique index can refuse a PIN another employee already has and a login finds its employee
-- with one argon2 computation (docs/aura.md, "Capture station").
create table aura_settings (
  org_id uuid primary key references orgs(id) on delete cascade,
  station_login_enabled boolean not null default false,
  pin_salt bytea not null check (length(pin_salt) = 16),
  -- Failed PIN logins in a row (any address) and how many lockouts followed; success resets both.
  station_failures integer not null default 0 check (station_failures >= 0),
  station_lockouts integer not null default 0 check (station_lockouts >= 0),
  station_locked_until timestamptz,
  updated_at timestamptz not null default now()
);
select tenantry_protect('aura_settings');

create table aura_station_pins (
  org_id uuid not null references orgs(id) on delete cascade,
  user_id uuid not null references users(id) on delete cascade,
  pin_hash varchar(200) not null,
  updated_at timestamptz not null default now(),
  primary key (org_id, user_id),
  unique (org_id, pin_hash)
);
select tenantry_protect('aura_station_pins');

-- The seed's RLS matrix, in the database: what the caller's role allows, read from their
-- membership (or their API key's role) by a security-definer function, so hand-written SQL in
-- an employee's transaction is refused like the API would refuse it. 'system' is the platform
-- acting for the org without a user or key (jobs, sweeps, guest pages); null is nobody.
create or replace function aura_caller_access() returns text
  language sql stable security definer set search_path = pg_catalog, public, pg_temp
  as $$
    select case
      when app_user_id() is not null then (
        select case
          when u.is_superadmin then 'admin'
          when m.role in ('owner', 'admin') then 'admin'
          when m.role in ('editor', 'member') then 'employee'
          when m.role = 'viewer' then 'read_only'
        end
        from users u
        left join memberships m on m.user_id = u.id and m.org_id = app_org_id()
        where u.id = app_user_id() and u.status = 'active')
      when nullif(current_setting('app.api_key_id', true), '') is not null then (
        select case
          when k.role in ('admin') then 'admin'
          when k.role in ('editor', 'member') then 'employee'
          when k.role = 'viewer' then 'read_only'
        end
        from api_keys k
        where k.id = nullif(current_setting('app.api_key_id', true), '')::uuid
          and k.org_id = app_org_id() and k.revoked_at is null)
      else 'system'
    end
  $$;
-- Functions are executable by PUBLIC by default: only the application role needs this one.
revoke all on function aura_caller_access() from public;
grant execute on function aura_caller_access() to tenantry_app;

-- Restrictive policies narrow tenant_isolation (both must pass). Everyone in the org reads;
-- employees add photos and events; changing or deleting them, and every setting, is the admins'.
create policy aura_photos_insert on aura_photos as restrictive for insert
  with check ((select aura_caller_access()) in ('admin', 'employee', 'system'));
create policy aura_photos_update on aura_photos as restrictive for update
  using ((select aura_caller_access()) in ('admin', 'system'));
create policy aura_photos_delete on aura_photos as restrictive for delete
  using ((select aura_caller_access()) in ('admin', 'system'));

create policy aura_events_insert on aura_events as restrictive for insert
  with check ((select aura_caller_access()) in ('admin', 'employee', 'system'));
create policy aura_events_update on aura_events as restrictive for update
  using ((select aura_caller_access()) in ('admin', 'system'));
create policy aura_events_delete on aura_events as restrictive for delete
  using ((select aura_caller_access()) in ('admin', 'system'));

create policy aura_settings_insert on aura_settings as restrictive for insert
  with check ((select aura_caller_access()) in ('admin', 'system'));
create policy aura_settings_delete on aura_settings as restrictive for delete
  using ((select aura_caller_access()) in ('admin', 'system'));
create policy aura_settings_update on aura_settings as restrictive for update
  using ((select aura_caller_access()) in ('admin', 'system'));

-- PIN hashes are not even readable by employees.
create policy aura_station_pins_admin on aura_station_pins as restrictive for all
  using ((select aura_caller_access()) in ('admin', 'system'))
  with check ((select aura_caller_access()) in ('admin', 'system'));

-- Platform core: tenancy, auth, API keys, audit, usage.
--
-- Isolation model (DESIGN.md invariant 1): requests run inside a transaction that does
-- SET LOCAL ROLE tenantry_app (a role without BYPASSRLS) and sets app.org_id / app.user_id
-- with set_config(..., true). Every table with an org_id column is protected by
-- tenantry_protect(), which enables and FORCES row-level security with an org policy.

do $$
begin
  if not exists (select 1 from pg_roles where rolname = 'tenantry_app') then
    create role tenantry_app nologin nobypassrls;
  end if;
end
$$;

-- The connecting user must be able to SET ROLE to the application role.
do $$
begin
  if not pg_has_role(current_user, 'tenantry_app', 'member') then
    execute format('grant tenantry_app to %I', current_user);
  end if;
end
$$;

grant usage on schema public to tenantry_app;

-- Wrapped in functions so policies read one place; called via a sub-select in policies
-- so Postgres evaluates them once per statement, not once per row.
create or replace function app_org_id() returns uuid
  language sql stable
  as $$ select nullif(current_setting('app.org_id', true), '')::uuid $$;

create or replace function app_user_id() returns uuid
  language sql stable
  as $$ select nullif(current_setting('app.user_id', true), '')::uuid $$;

grant execute on function app_org_id() to tenantry_app;
grant execute on function app_user_id() to tenantry_app;

-- Apply the standard tenant protection to a table with an org_id column:
-- RLS enabled and forced, one policy on org_id, CRUD granted to the application role.
-- Apps call this from their own migrations for every tenant table.
create or replace function tenantry_protect(tbl regclass, privileges text default 'select, insert, update, delete')
returns void language plpgsql as $$
begin
  execute format('alter table %s enable row level security', tbl);
  execute format('alter table %s force row level security', tbl);
  execute format('drop policy if exists tenant_isolation on %s', tbl);
  execute format(
    'create policy tenant_isolation on %s using (org_id = (select app_org_id())) with check (org_id = (select app_org_id()))',
    tbl);
  execute format('grant %s on %s to tenantry_app', privileges, tbl);
end
$$;

create table orgs (
  id uuid primary key default gen_random_uuid(),
  name text not null check (length(name) between 1 and 120),
  slug text not null unique check (slug ~ '^[a-z0-9][a-z0-9-]{1,62}$'),
  plan text not null default 'free' check (plan in ('free', 'pro', 'enterprise')),
  storage_limit_bytes bigint not null check (storage_limit_bytes >= 0),
  storage_used_bytes bigint not null default 0 check (storage_used_bytes >= 0),
  status text not null default 'active' check (status in ('active', 'suspended')),
  settings jsonb not null default '{}'::jsonb,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
alter table orgs enable row level security;
alter table orgs force row level security;
create policy tenant_isolation on orgs using (id = (select app_org_id()));
-- A tenant may rename itself and change its settings; plan, limits and status are the platform's.
grant select on orgs to tenantry_app;
grant update (name, settings, storage_used_bytes, updated_at) on orgs to tenantry_app;

create table users (
  id uuid primary key default gen_random_uuid(),
  email text not null check (length(email) between 3 and 254),
  password_hash text,
  display_name text check (length(display_name) <= 120),
  email_verified_at timestamptz,
  tc_accepted_at timestamptz,
  is_superadmin boolean not null default false,
  status text not null default 'active' check (status in ('active', 'disabled')),
  supabase_user_id uuid unique,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create unique index users_email_ci on users (lower(email));

create table memberships (
  org_id uuid not null references orgs(id) on delete cascade,
  user_id uuid not null references users(id) on delete cascade,
  role text not null check (role in ('owner', 'admin', 'editor', 'member', 'viewer')),
  created_at timestamptz not null default now(),
  primary key (org_id, user_id)
);
create index memberships_user on memberships (user_id);
select tenantry_protect('memberships');
-- A user may also see their own memberships in other orgs (to choose or switch org).
create policy own_memberships on memberships for select using (user_id = (select app_user_id()));

-- Users are global (one person, several orgs). Inside a tenant transaction a user sees
-- themself and the members of the current org, and may edit only themself.
alter table users enable row level security;
alter table users force row level security;
create policy self_and_org_members on users for select using (
  id = (select app_user_id())
  or exists (select 1 from memberships m where m.user_id = users.id and m.org_id = (select app_org_id()))
);
create policy self_update on users for update using (id = (select app_user_id()));
grant select (id, email, display_name, email_verified_at, tc_accepted_at, is_superadmin, status, created_at, updated_at) on users to tenantry_app;
grant update (display_name, tc_accepted_at, updated_at) on users to tenantry_app;

create table invites (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null references orgs(id) on delete cascade,
  email text not null,
  role text not null check (role in ('admin', 'editor', 'member', 'viewer', 'owner')),
  token_hash text not null unique,
  invited_by uuid references users(id) on delete set null,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  accepted_at timestamptz,
  revoked_at timestamptz
);
create index invites_org on invites (org_id, created_at desc);
select tenantry_protect('invites');

create table refresh_tokens (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null references orgs(id) on delete cascade,
  user_id uuid not null references users(id) on delete cascade,
  family_id uuid not null,
  token_hash text not null unique,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  rotated_at timestamptz,
  revoked_at timestamptz,
  ip text,
  user_agent text
);
create index refresh_tokens_family on refresh_tokens (family_id);
create index refresh_tokens_org on refresh_tokens (org_id);
select tenantry_protect('refresh_tokens');

-- Single-use tokens for password reset and email verification; hashed, global (per user).
create table user_tokens (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references users(id) on delete cascade,
  purpose text not null check (purpose in ('password_reset', 'email_verification')),
  token_hash text not null unique,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  used_at timestamptz
);
alter table user_tokens enable row level security;
alter table user_tokens force row level security;

create table api_keys (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null references orgs(id) on delete cascade,
  name text not null check (length(name) between 1 and 100),
  prefix text not null,
  key_hash text not null unique,
  scopes text[] not null default '{}',
  role text not null default 'member' check (role in ('admin', 'editor', 'member', 'viewer')),
  created_by uuid references users(id) on delete set null,
  created_at timestamptz not null default now(),
  last_used_at timestamptz,
  revoked_at timestamptz
);
create index api_keys_org on api_keys (org_id, created_at desc);
select tenantry_protect('api_keys');

-- Append-only: the application role may insert and read, never update or delete.
-- org_id has no foreign key so that the record of an org's deletion outlives the org.
create table audit_log (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null,
  actor_type text not null check (actor_type in ('user', 'api_key', 'system', 'superadmin')),
  actor_user_id uuid,
  actor_api_key_id uuid,
  action text not null,
  target_type text,
  target_id text,
  ip text,
  user_agent text,
  request_id text,
  metadata jsonb not null default '{}'::jsonb,
  created_at timestamptz not null default now()
);
create index audit_log_org_time on audit_log (org_id, created_at desc, id desc);
select tenantry_protect('audit_log', 'select, insert');

create table usage_events (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null references orgs(id) on delete cascade,
  user_id uuid,
  action text not null,
  bytes bigint not null default 0,
  metadata jsonb not null default '{}'::jsonb,
  created_at timestamptz not null default now()
);
create index usage_events_org_time on usage_events (org_id, created_at desc);
select tenantry_protect('usage_events', 'select, insert');

-- Failed login bookkeeping for per-account backoff (keyed by lower(email)); system only.
create table login_failures (
  account text primary key,
  failures integer not null default 0,
  last_failed_at timestamptz not null default now(),
  locked_until timestamptz
);
alter table login_failures enable row level security;
alter table login_failures force row level security;

-- Outgoing email, kept for the embedded outbox and as a delivery record; system only.
create table email_outbox (
  id uuid primary key default gen_random_uuid(),
  to_address text not null,
  subject text not null,
  text_body text not null,
  html_body text,
  status text not null default 'queued' check (status in ('queued', 'sent', 'failed', 'stored')),
  error text,
  created_at timestamptz not null default now(),
  sent_at timestamptz
);
alter table email_outbox enable row level security;
alter table email_outbox force row level security;

-- Aura Pro: guest scan (issue #11 item 5; seed "Guest scan").

-- Which org and event a guest link names. A guest has no account, so no tenant is known until
-- the token is read: this security-definer function answers for exactly one token (never a
-- list), and everything after it runs as that org's tenant with row-level security on.
create or replace function aura_event_by_guest_token(token text)
  returns table (org_id uuid, event_id uuid)
  language sql stable security definer set search_path = pg_catalog, public, pg_temp
  as $$ select e.org_id, e.id from aura_events e where e.guest_token = token $$;
revoke all on function aura_event_by_guest_token(text) from public;
grant execute on function aura_event_by_guest_token(text) to tenantry_app;

-- A guest's session after a search: which photos matched, so the guest may open and download
-- those and no others. The seed's privacy rule: never the selfie or its embedding, only the
-- ids. The session's bearer token is kept as its SHA-256 (no plain-text secrets).
create table aura_guest_sessions (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null references orgs(id) on delete cascade,
  event_id uuid not null references aura_events(id) on delete cascade,
  token_hash varchar(64) not null unique,
  photo_ids uuid[] not null,
  expires_at timestamptz not null,
  created_at timestamptz not null default now()
);
create index idx_aura_guest_sessions_expiry on aura_guest_sessions (org_id, expires_at);
select tenantry_protect('aura_guest_sessions');

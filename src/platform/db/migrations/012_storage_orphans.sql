-- Stored bytes that nothing points at any more and that could not be deleted when their row
-- went (the object store answered errors or did not answer). Kept here, rather than only in a
-- log line, so the storage.orphans sweep deletes them once the store answers again, and an
-- operator can see what is left (`select * from storage_orphans`). System only: no tenant
-- reads it; the key names the org ("{org_id}/…", "staging/{org_id}/…").
create table storage_orphans (
  storage_key text primary key check (length(storage_key) between 1 and 1024),
  reason text not null check (length(reason) <= 200),
  attempts integer not null default 0 check (attempts >= 0),
  next_attempt_at timestamptz not null default now(),
  last_error text check (length(last_error) <= 2000),
  created_at timestamptz not null default now()
);
create index idx_storage_orphans_due on storage_orphans (next_attempt_at);
alter table storage_orphans enable row level security;
alter table storage_orphans force row level security;

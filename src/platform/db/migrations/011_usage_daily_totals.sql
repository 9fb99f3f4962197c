-- Series for the usage charts that metered usage events cannot give:
--   storage_daily: each org's storage_used_bytes as the platform's snapshot job last saw it
--     that UTC day (usage.storage-snapshot, upserted per org and day);
--   request_daily: authenticated API requests per org and UTC day, added up from each API
--     node's in-process counter when it flushes (request-counter.ts), never one write a request.
-- The snapshot writes each org's row in that org's tenant transaction (forEachOrg), so RLS
-- checks it; the counter's flush writes as the platform (withSystem). Orgs read their own rows.
create table storage_daily (
  org_id uuid not null references orgs(id) on delete cascade,
  day date not null,
  storage_used_bytes bigint not null check (storage_used_bytes >= 0),
  recorded_at timestamptz not null default now(),
  primary key (org_id, day)
);
select tenantry_protect('storage_daily', 'select, insert, update');

create table request_daily (
  org_id uuid not null references orgs(id) on delete cascade,
  day date not null,
  requests bigint not null check (requests >= 0),
  primary key (org_id, day)
);
select tenantry_protect('request_daily', 'select');

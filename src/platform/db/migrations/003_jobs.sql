-- Background jobs (src/platform/jobs) and realtime spill-over (src/platform/realtime).
--
-- The queue itself is pg-boss, which installs and migrates its own schema ("pgboss") when
-- the job service starts. pg-boss tables carry no org_id and no RLS, so tenants never read
-- them: what a tenant may see of a job lives here, one row per job, keyed by the pg-boss
-- job id and protected like every other tenant table.

create table job_runs (
  id uuid primary key,
  org_id uuid not null references orgs(id) on delete cascade,
  name text not null,
  state text not null default 'queued' check (state in ('queued', 'active', 'retry', 'completed', 'failed', 'cancelled')),
  progress smallint not null default 0 check (progress between 0 and 100),
  stage text check (length(stage) <= 200),
  -- Attempts started so far; max_attempts = pg-boss retryLimit + 1.
  attempts integer not null default 0 check (attempts >= 0),
  max_attempts integer not null check (max_attempts >= 1),
  -- What a handler saved to resume from after a crash (reportProgress(..., {checkpoint})).
  checkpoint jsonb,
  error text,
  result jsonb,
  created_by uuid references users(id) on delete set null,
  created_at timestamptz not null default now(),
  started_at timestamptz,
  finished_at timestamptz,
  updated_at timestamptz not null default now()
);
create index job_runs_org_time on job_runs (org_id, created_at desc, id desc);
select tenantry_protect('job_runs');

-- Realtime events too large for a PostgreSQL NOTIFY payload (under 8000 bytes) are stored
-- here and the notification carries only the row id. Rows are short-lived: publishers
-- delete those older than a few minutes. Tenants insert and read their own rows only.
create table realtime_payloads (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null,
  body jsonb not null,
  created_at timestamptz not null default now()
);
create index realtime_payloads_created on realtime_payloads (created_at);
select tenantry_protect('realtime_payloads', 'select, insert');

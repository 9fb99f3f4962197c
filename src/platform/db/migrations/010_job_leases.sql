-- Leases of running jobs (src/platform/jobs/job-leases.ts). A live worker renews its jobs'
-- leases every JOB_HEARTBEAT_SECONDS; a lease left to lapse means the process that held it
-- died, and any worker fails the job in the queue so it is retried from its checkpoint at
-- once, instead of after the job's whole expiry (hours for a generation).
-- System only, like the queue itself: RLS forced and no grant to the tenant role.
create table job_leases (
  job_id uuid primary key,
  queue text not null,
  -- "<host>:<pid>:<random>", one per job service: operators see which process held it.
  owner text not null,
  lease_until timestamptz not null,
  taken_at timestamptz not null default now()
);
create index job_leases_lease_until on job_leases (lease_until);
alter table job_leases enable row level security;
alter table job_leases force row level security;

-- How many jobs were taken over from dead workers, per queue: /metrics reads it, so the
-- figure is the same whichever process answers the scrape.
create table job_lease_takeovers (
  queue text primary key,
  total bigint not null default 0
);
alter table job_lease_takeovers enable row level security;
alter table job_lease_takeovers force row level security;

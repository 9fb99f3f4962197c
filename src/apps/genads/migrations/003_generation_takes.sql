-- Generating a campaign again makes a new take (issue 16): the take being made is written
-- beside the one shown and replaces it only once complete. takes_started numbers the runs;
-- campaign_json.take says which take the campaign shows; variations_completed counts the
-- variations of the run in progress (or of the last run) as they finish.
alter table genads_campaigns add column takes_started integer not null default 0 check (takes_started >= 0);
alter table genads_campaigns add column variations_completed integer not null default 0 check (variations_completed >= 0);
update genads_campaigns set takes_started = 1 where status <> 'pending';
update genads_campaigns
  set variations_completed = (select count(*) from jsonb_object_keys(coalesce(campaign_json->'variationPaths', '{}'::jsonb)))
  where status = 'completed';
update genads_campaigns set campaign_json = campaign_json || '{"take": 1}'::jsonb
  where campaign_json ? 'variationPaths';

-- One row per generation run (a take): what it was, how it ended, what it cost and how long
-- each stage took. It outlives its campaign (history, and the /metrics totals), so it has no
-- foreign key to the campaign; it goes with the org.
create table genads_generation_runs (
  run_id uuid primary key default gen_random_uuid(),
  org_id uuid not null references orgs(id) on delete cascade,
  campaign_id uuid not null,
  take integer not null check (take >= 1),
  job_id uuid not null,
  status varchar(20) not null default 'running' check (status in ('running', 'completed', 'failed')),
  -- The creative concepts of the take's variations (their seeds are in campaign_json).
  concepts jsonb not null default '[]'::jsonb,
  cost decimal(10, 4) not null default 0,
  -- Seconds spent per stage (guidelines, planning, product, backgrounds, music, render, storage).
  stage_seconds jsonb not null default '{}'::jsonb,
  error_message text,
  started_at timestamptz not null default now(),
  finished_at timestamptz,
  constraint unique_generation_run_take unique (campaign_id, take)
);
create index idx_genads_generation_runs_campaign on genads_generation_runs (org_id, campaign_id, take desc);
create index idx_genads_generation_runs_job on genads_generation_runs (job_id);
select tenantry_protect('genads_generation_runs');

-- /metrics reads totals across every org: these answer only aggregates (no ids, no names), so
-- the metrics collector needs no access to any tenant's rows.
create or replace function genads_generation_totals()
  returns table (status text, runs bigint, cost numeric)
  language sql stable security definer set search_path = pg_catalog, public, pg_temp
  as $$ select status::text, count(*), coalesce(sum(cost), 0) from genads_generation_runs group by status $$;
revoke all on function genads_generation_totals() from public;
grant execute on function genads_generation_totals() to tenantry_app;

create or replace function genads_generation_stage_totals()
  returns table (stage text, runs bigint, seconds double precision)
  language sql stable security definer set search_path = pg_catalog, public, pg_temp
  as $$
    select s.key, count(*), sum(s.value::text::double precision)
    from genads_generation_runs r, jsonb_each(r.stage_seconds) s
    where r.status <> 'running' and jsonb_typeof(s.value) = 'number'
    group by s.key
  $$;
revoke all on function genads_generation_stage_totals() from public;
grant execute on function genads_generation_stage_totals() to tenantry_app;

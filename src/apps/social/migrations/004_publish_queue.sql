-- Publishing takes its work from the targets themselves (publishing/publish-due.ts): a target
-- is due when it is queued and its next_attempt_at has come. One durable job per workspace and
-- due instant wakes a publisher, instead of one job per target: a due minute of 10,000 posts
-- cost 10,000 queue rows fetched, leased and completed beside the targets' own two updates.

-- Which publishing run marked a target "publishing", and when. A run retried after its
-- worker died finds the targets it left in doubt by its own id; a claim older than any run
-- can last is in doubt whoever made it (publish-sweep.ts).
alter table social_post_platforms add column claimed_by uuid;
alter table social_post_platforms add column claimed_at timestamptz;
-- Targets an older version left "publishing" have no claim time: their last change stands in,
-- so the sweep resolves them like any claim whose run died.
update social_post_platforms set claimed_at = updated_at where state = 'publishing';

-- The publisher's pick: a workspace's due targets, oldest first.
create index social_post_platforms_due on social_post_platforms (org_id, next_attempt_at) where state = 'queued' and next_attempt_at is not null;
-- Claims still open: a retried run's own, and the sweep's stale ones.
create index social_post_platforms_claimed on social_post_platforms (claimed_at) where state = 'publishing';
-- The old pick for per-target jobs (queued or failed, across workspaces) has no reader left.
drop index if exists social_post_platforms_pending;

-- One row per workspace and instant a publisher is queued for, so the 10,000 schedule calls
-- of one minute queue one job between them (publishing/publisher-wakeups.ts). The publisher
-- deletes the rows that are due as it starts; a call after that queues a new one.
create table social_publish_wakeups (
  org_id uuid not null references orgs(id) on delete cascade,
  due_at timestamptz not null,
  created_at timestamptz not null default now(),
  primary key (org_id, due_at)
);
select tenantry_protect('social_publish_wakeups');

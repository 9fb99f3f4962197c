-- Social Media OS (seed 003): the seed's tables, prefixed social_. The seed's `workspaces` and
-- `users` are the platform's orgs and users (a workspace is an org; its admin/editor/viewer
-- roles map onto owner+admin / editor+member / viewer), and `workspace_invites` are the
-- platform's invites (POST /api/v1/invites with a role, hashed single-use tokens, expiry):
-- what the seed keeps per workspace lives in social_workspace_settings.
--
-- Every child table carries org_id and references its parent through (org_id, id), so a row
-- can never point at another workspace's post, account, campaign or media even if a query
-- forgot its org filter. Soft-deleted rows keep deleted_at; the indexes the lists use are
-- partial on "deleted_at is null".

create or replace function social_touch_updated_at() returns trigger language plpgsql as $$
begin
  new.updated_at := now();
  return new;
end
$$;

create table social_workspace_settings (
  org_id uuid primary key references orgs(id) on delete cascade,
  approval_required boolean not null default false,
  timezone varchar(64) not null default 'UTC' check (length(timezone) between 1 and 64),
  default_hashtags text[] not null default '{}' check (cardinality(default_hashtags) <= 30),
  -- Jaccard similarity of word shingles above which a new text is reported as a near duplicate.
  near_duplicate_threshold real not null default 0.8 check (near_duplicate_threshold between 0.5 and 1),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create trigger social_workspace_settings_touch before update on social_workspace_settings for each row execute function social_touch_updated_at();
select tenantry_protect('social_workspace_settings');

-- Connected network accounts, several per network. Tokens are sealed by the platform's
-- credential store (AES-256-GCM, bound to org, purpose and this row's id): never plain text.
create table social_accounts (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null references orgs(id) on delete cascade,
  network varchar(20) not null check (network in ('x', 'linkedin', 'facebook', 'instagram', 'bluesky', 'mastodon')),
  remote_account_id varchar(255) not null check (length(remote_account_id) > 0),
  display_name varchar(255) not null,
  handle varchar(255),
  -- Mastodon instance or Bluesky PDS; null for the networks with one API host.
  instance_url varchar(500),
  access_token_sealed text,
  refresh_token_sealed text,
  expires_at timestamptz,
  scopes text[] not null default '{}',
  status varchar(20) not null default 'active' check (status in ('active', 'reconnect_needed', 'disconnected')),
  last_error text,
  last_checked_at timestamptz,
  connected_by uuid references users(id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  deleted_at timestamptz,
  unique (org_id, id)
);
create unique index social_accounts_remote on social_accounts (org_id, network, remote_account_id) where deleted_at is null;
create index social_accounts_org on social_accounts (org_id, network, created_at desc) where deleted_at is null;
-- The token refresher looks for tokens about to expire across workspaces.
create index social_accounts_expiring on social_accounts (expires_at) where deleted_at is null and status = 'active';
create trigger social_accounts_touch before update on social_accounts for each row execute function social_touch_updated_at();
select tenantry_protect('social_accounts');

create table social_campaigns (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null references orgs(id) on delete cascade,
  name varchar(200) not null check (length(btrim(name)) > 0),
  description text check (length(description) <= 5000),
  color varchar(7) check (color ~ '^#[0-9a-fA-F]{6}$'),
  starts_on date,
  ends_on date,
  status varchar(20) not null default 'active' check (status in ('active', 'archived')),
  created_by uuid references users(id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  archived_at timestamptz,
  deleted_at timestamptz,
  check (ends_on is null or starts_on is null or ends_on >= starts_on),
  check ((status = 'archived') = (archived_at is not null)),
  unique (org_id, id)
);
create unique index social_campaigns_name on social_campaigns (org_id, lower(name)) where deleted_at is null;
create index social_campaigns_org on social_campaigns (org_id, status, created_at desc, id desc) where deleted_at is null;
create trigger social_campaigns_touch before update on social_campaigns for each row execute function social_touch_updated_at();
select tenantry_protect('social_campaigns');

create table social_posts (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null references orgs(id) on delete cascade,
  campaign_id uuid,
  author_id uuid references users(id) on delete set null,
  title varchar(200),
  status varchar(30) not null default 'draft' check (status in (
    'draft', 'pending_approval', 'approved', 'scheduled', 'publishing', 'published', 'partially_published', 'failed', 'cancelled')),
  scheduled_at timestamptz,
  -- The IANA zone the author scheduled in: the calendar and "9:00 every Monday" follow it.
  timezone varchar(64) not null default 'UTC',
  current_version integer not null default 1 check (current_version >= 1),
  -- The current version's text, kept here so search and lists need no join to the versions.
  current_text text not null default '' check (length(current_text) <= 10000),
  search_vector tsvector generated always as (to_tsvector('english', coalesce(title, '') || ' ' || current_text)) stored,
  submitted_at timestamptz,
  approved_at timestamptz,
  approved_by uuid references users(id) on delete set null,
  published_at timestamptz,
  cancelled_at timestamptz,
  last_error text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  deleted_at timestamptz,
  unique (org_id, id),
  foreign key (org_id, campaign_id) references social_campaigns (org_id, id)
);
create index social_posts_org_created on social_posts (org_id, created_at desc, id desc) where deleted_at is null;
create index social_posts_org_status on social_posts (org_id, status, created_at desc, id desc) where deleted_at is null;
create index social_posts_org_author on social_posts (org_id, author_id, created_at desc, id desc) where deleted_at is null;
create index social_posts_org_campaign on social_posts (org_id, campaign_id, created_at desc, id desc) where deleted_at is null;
-- Calendar and the publishing scheduler: posts by their slot.
create index social_posts_org_scheduled on social_posts (org_id, scheduled_at) where deleted_at is null and scheduled_at is not null;
create index social_posts_due on social_posts (scheduled_at) where deleted_at is null and status = 'scheduled';
create index social_posts_search on social_posts using gin (search_vector);
create trigger social_posts_touch before update on social_posts for each row execute function social_touch_updated_at();
select tenantry_protect('social_posts');

-- Every edit is a new version; versions are never changed or deleted (restoring copies an
-- old version into a new one). `variants` holds per-network text: {"x": {"text": "…"}, …}.
create table social_post_content (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null references orgs(id) on delete cascade,
  post_id uuid not null,
  version integer not null check (version >= 1),
  text text not null check (length(text) <= 10000),
  variants jsonb not null default '{}'::jsonb check (jsonb_typeof(variants) = 'object'),
  -- Media per network at this version: {"*": [media ids in order], "instagram": [...]}.
  media jsonb not null default '{}'::jsonb check (jsonb_typeof(media) = 'object'),
  restored_from integer,
  created_by uuid references users(id) on delete set null,
  created_at timestamptz not null default now(),
  unique (post_id, version),
  foreign key (org_id, post_id) references social_posts (org_id, id) on delete cascade
);
create index social_post_content_post on social_post_content (org_id, post_id, version desc);
select tenantry_protect('social_post_content', 'select, insert');

-- Junction: a post's targets, one row per connected account, each with its own publishing state.
create table social_post_platforms (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null references orgs(id) on delete cascade,
  post_id uuid not null,
  account_id uuid not null,
  state varchar(20) not null default 'queued' check (state in ('queued', 'publishing', 'published', 'failed')),
  remote_id varchar(500),
  remote_url varchar(2000),
  error text,
  attempts integer not null default 0 check (attempts >= 0),
  next_attempt_at timestamptz,
  published_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  -- Published means the network gave us its id: the job never publishes the same target twice.
  check (state <> 'published' or remote_id is not null),
  unique (post_id, account_id),
  unique (org_id, id),
  foreign key (org_id, post_id) references social_posts (org_id, id) on delete cascade,
  foreign key (org_id, account_id) references social_accounts (org_id, id)
);
create index social_post_platforms_post on social_post_platforms (org_id, post_id);
create index social_post_platforms_account on social_post_platforms (org_id, account_id, published_at desc);
create index social_post_platforms_pending on social_post_platforms (next_attempt_at) where state in ('queued', 'failed');
create trigger social_post_platforms_touch before update on social_post_platforms for each row execute function social_touch_updated_at();
select tenantry_protect('social_post_platforms');

create table social_media_assets (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null references orgs(id) on delete cascade,
  -- The platform's catalog row (storage_objects) and its tenant-relative key (storage-layout.ts).
  storage_object_id uuid not null,
  storage_key varchar(1024) not null,
  name varchar(255) not null check (length(btrim(name)) > 0),
  mime_type varchar(100) not null,
  media_type varchar(10) not null check (media_type in ('image', 'video')),
  size_bytes bigint not null check (size_bytes > 0),
  width integer check (width > 0),
  height integer check (height > 0),
  duration_seconds double precision check (duration_seconds >= 0),
  tags text[] not null default '{}' check (cardinality(tags) <= 50),
  alt_text varchar(1500),
  uploaded_by uuid references users(id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  deleted_at timestamptz,
  unique (org_id, id)
);
create index social_media_org on social_media_assets (org_id, created_at desc, id desc) where deleted_at is null;
create index social_media_tags on social_media_assets using gin (tags) where deleted_at is null;
create index social_media_name on social_media_assets (org_id, lower(name)) where deleted_at is null;
create trigger social_media_assets_touch before update on social_media_assets for each row execute function social_touch_updated_at();
select tenantry_protect('social_media_assets');

-- Junction: the media of a post's current version, in order; network '*' is every network.
create table social_post_media (
  org_id uuid not null references orgs(id) on delete cascade,
  post_id uuid not null,
  media_id uuid not null,
  network varchar(20) not null default '*' check (network in ('*', 'x', 'linkedin', 'facebook', 'instagram', 'bluesky', 'mastodon')),
  position smallint not null check (position between 0 and 99),
  primary key (post_id, network, media_id),
  foreign key (org_id, post_id) references social_posts (org_id, id) on delete cascade,
  foreign key (org_id, media_id) references social_media_assets (org_id, id)
);
create index social_post_media_media on social_post_media (org_id, media_id);
select tenantry_protect('social_post_media');

create table social_approvals (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null references orgs(id) on delete cascade,
  post_id uuid not null,
  version integer not null,
  requested_by uuid references users(id) on delete set null,
  requested_at timestamptz not null default now(),
  decision varchar(20) not null default 'pending' check (decision in ('pending', 'approved', 'rejected', 'withdrawn')),
  decided_by uuid references users(id) on delete set null,
  decided_at timestamptz,
  comment text check (length(comment) <= 2000),
  check ((decision = 'pending') = (decided_at is null)),
  foreign key (org_id, post_id) references social_posts (org_id, id) on delete cascade
);
create unique index social_approvals_one_pending on social_approvals (post_id) where decision = 'pending';
create index social_approvals_post on social_approvals (org_id, post_id, requested_at desc);
create index social_approvals_queue on social_approvals (org_id, requested_at) where decision = 'pending';
select tenantry_protect('social_approvals');

-- Time series: one row per collection of one target's metrics.
create table social_post_analytics (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null references orgs(id) on delete cascade,
  post_platform_id uuid not null,
  collected_at timestamptz not null default now(),
  impressions bigint check (impressions >= 0),
  reactions bigint check (reactions >= 0),
  comments bigint check (comments >= 0),
  shares bigint check (shares >= 0),
  clicks bigint check (clicks >= 0),
  raw jsonb not null default '{}'::jsonb,
  unique (post_platform_id, collected_at),
  foreign key (org_id, post_platform_id) references social_post_platforms (org_id, id) on delete cascade
);
create index social_post_analytics_series on social_post_analytics (org_id, post_platform_id, collected_at desc);
create index social_post_analytics_org on social_post_analytics (org_id, collected_at desc);
select tenantry_protect('social_post_analytics');

-- The workspace's audit trail: insert-only for the application.
create table social_activity_logs (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null references orgs(id) on delete cascade,
  user_id uuid references users(id) on delete set null,
  action varchar(100) not null,
  entity_type varchar(50) not null,
  entity_id uuid,
  ip varchar(45),
  user_agent varchar(500),
  request_id varchar(100),
  details jsonb not null default '{}'::jsonb,
  created_at timestamptz not null default now()
);
create index social_activity_org on social_activity_logs (org_id, created_at desc, id desc);
create index social_activity_entity on social_activity_logs (org_id, entity_type, entity_id, created_at desc, id desc);
create index social_activity_user on social_activity_logs (org_id, user_id, created_at desc, id desc);
create index social_activity_action on social_activity_logs (org_id, action, created_at desc, id desc);
select tenantry_protect('social_activity_logs', 'select, insert');

-- OAuth 2 authorisation requests in flight: single use (used_at), expiring (10 minutes by
-- default). The state is kept as its SHA-256 (the callback looks it up by hash), the PKCE
-- verifier sealed by the credential store.
create table social_oauth_states (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null references orgs(id) on delete cascade,
  user_id uuid references users(id) on delete cascade,
  network varchar(20) not null check (network in ('x', 'linkedin', 'facebook', 'instagram', 'bluesky', 'mastodon')),
  state_hash varchar(64) not null unique,
  code_verifier_sealed text not null,
  redirect_uri varchar(2000) not null,
  instance_url varchar(500),
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  used_at timestamptz,
  check (expires_at > created_at)
);
create index social_oauth_states_org on social_oauth_states (org_id, created_at desc);
create index social_oauth_states_expired on social_oauth_states (expires_at);
select tenantry_protect('social_oauth_states');

create table social_a_b_tests (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null references orgs(id) on delete cascade,
  name varchar(200) not null check (length(btrim(name)) > 0),
  campaign_id uuid,
  hypothesis text check (length(hypothesis) <= 2000),
  metric varchar(20) not null default 'engagement' check (metric in ('impressions', 'reactions', 'comments', 'shares', 'clicks', 'engagement')),
  status varchar(20) not null default 'draft' check (status in ('draft', 'running', 'completed', 'cancelled')),
  -- Significance level the winner must beat (two-proportion z-test or chi-square, named in test_method).
  alpha double precision not null default 0.05 check (alpha > 0 and alpha < 0.5),
  test_method varchar(50),
  p_value double precision check (p_value between 0 and 1),
  winner_variant_id uuid,
  started_at timestamptz,
  ended_at timestamptz,
  created_by uuid references users(id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  deleted_at timestamptz,
  unique (org_id, id),
  foreign key (org_id, campaign_id) references social_campaigns (org_id, id)
);
create index social_a_b_tests_org on social_a_b_tests (org_id, status, created_at desc, id desc) where deleted_at is null;
create trigger social_a_b_tests_touch before update on social_a_b_tests for each row execute function social_touch_updated_at();
select tenantry_protect('social_a_b_tests');

create table social_a_b_test_variants (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null references orgs(id) on delete cascade,
  test_id uuid not null,
  label varchar(50) not null check (length(btrim(label)) > 0),
  post_id uuid not null,
  account_id uuid,
  created_at timestamptz not null default now(),
  unique (test_id, label),
  unique (test_id, post_id),
  unique (org_id, id),
  foreign key (org_id, test_id) references social_a_b_tests (org_id, id) on delete cascade,
  foreign key (org_id, post_id) references social_posts (org_id, id),
  foreign key (org_id, account_id) references social_accounts (org_id, id)
);
create index social_a_b_test_variants_test on social_a_b_test_variants (org_id, test_id);
create index social_a_b_test_variants_post on social_a_b_test_variants (org_id, post_id);
select tenantry_protect('social_a_b_test_variants');
alter table social_a_b_tests add constraint social_a_b_tests_winner
  foreign key (org_id, winner_variant_id) references social_a_b_test_variants (org_id, id);

-- Campaign totals per day, rebuilt by the analytics job from social_post_analytics.
create table social_campaign_analytics (
  org_id uuid not null references orgs(id) on delete cascade,
  campaign_id uuid not null,
  day date not null,
  posts_published integer not null default 0 check (posts_published >= 0),
  impressions bigint not null default 0 check (impressions >= 0),
  reactions bigint not null default 0 check (reactions >= 0),
  comments bigint not null default 0 check (comments >= 0),
  shares bigint not null default 0 check (shares >= 0),
  clicks bigint not null default 0 check (clicks >= 0),
  updated_at timestamptz not null default now(),
  primary key (campaign_id, day),
  foreign key (org_id, campaign_id) references social_campaigns (org_id, id) on delete cascade
);
create index social_campaign_analytics_org on social_campaign_analytics (org_id, campaign_id, day desc);
create trigger social_campaign_analytics_touch before update on social_campaign_analytics for each row execute function social_touch_updated_at();
select tenantry_protect('social_campaign_analytics');

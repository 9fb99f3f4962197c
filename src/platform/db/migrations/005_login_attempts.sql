-- Failed-login pressure, counted per account and client address (source = the IP), and per
-- account over every address (source = '*'). Each score decays by half every few minutes, so
-- nothing needs cleaning up for the counts to fall. It replaces login_failures, whose single
-- per-account lock let anyone lock any user out with one wrong password every few minutes.
-- System only: RLS forced and no grant, like the table it replaces.
drop table if exists login_failures;

create table login_attempts (
  account text not null,
  source text not null,
  score double precision not null,
  updated_at timestamptz not null default now(),
  primary key (account, source)
);
alter table login_attempts enable row level security;
alter table login_attempts force row level security;

-- Aura Pro: face login at the capture station (issue #11 item 1; seed "POST /auth/face-login").
-- A face is not a secret (staff appear in the studio's photos), so it is only ever a second
-- factor next to the PIN, and only where an admin turned it on for the org.
alter table aura_settings add column station_face_login boolean not null default false;

-- One enrolled face per employee: the descriptor scaled to unit length, like aura_faces
-- (face-vectors.ts), never the image it came from.
create table aura_face_logins (
  org_id uuid not null references orgs(id) on delete cascade,
  user_id uuid not null references users(id) on delete cascade,
  descriptor real[] not null check (array_length(descriptor, 1) = 128),
  score real not null check (score between 0 and 1),
  enrolled_at timestamptz not null default now(),
  primary key (org_id, user_id)
);
select tenantry_protect('aura_face_logins');
-- Biometric data: an employee sees and changes only their own enrolment; admins (and the
-- platform, which checks it at login) every one of the org's.
create policy aura_face_logins_own on aura_face_logins as restrictive for all
  using ((select aura_caller_access()) in ('admin', 'system') or user_id = (select app_user_id()))
  with check ((select aura_caller_access()) in ('admin', 'system') or user_id = (select app_user_id()));

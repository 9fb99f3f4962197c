-- Aura Pro: people (issue #11 item 4, "group faces into people"). Each face of a photo belongs to
-- at most one person; new faces join the nearest person's centroid when it is close enough, or
-- start a new person (incremental clustering, as Immich does; people/clustering.ts).
create table aura_people (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null references orgs(id) on delete cascade,
  -- Null until an admin names them. Named people survive a recluster; unnamed ones are rebuilt.
  name varchar(200) check (name is null or length(name) between 1 and 200),
  hidden boolean not null default false,
  -- The mean of the person's face descriptors, scaled to unit length: a new face is compared to
  -- it (cosine = dot product), and it moves as faces join.
  centroid real[] not null check (array_length(centroid, 1) = 128),
  face_count integer not null default 0 check (face_count >= 0),
  -- The face shown for the person; null: their best-quality face.
  cover_face_id uuid references aura_faces(id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index idx_aura_people_org on aura_people (org_id, face_count desc, id);
select tenantry_protect('aura_people');

alter table aura_faces add constraint aura_faces_person_fk foreign key (person_id) references aura_people(id) on delete set null;
create index idx_aura_faces_person on aura_faces (org_id, person_id);

-- The seed's matrix: everyone in the org sees people; naming, merging, splitting and hiding are
-- the admins'; the platform (detection and clustering jobs) writes them too.
create policy aura_people_insert on aura_people as restrictive for insert
  with check ((select aura_caller_access()) in ('admin', 'system'));
create policy aura_people_update on aura_people as restrictive for update
  using ((select aura_caller_access()) in ('admin', 'system'));
create policy aura_people_delete on aura_people as restrictive for delete
  using ((select aura_caller_access()) in ('admin', 'system'));
-- Faces are written by the detection job and moved between people by admins: employees read them.
create policy aura_faces_insert on aura_faces as restrictive for insert
  with check ((select aura_caller_access()) in ('admin', 'system'));
create policy aura_faces_update on aura_faces as restrictive for update
  using ((select aura_caller_access()) in ('admin', 'system'));
create policy aura_faces_delete on aura_faces as restrictive for delete
  using ((select aura_caller_access()) in ('admin', 'system'));

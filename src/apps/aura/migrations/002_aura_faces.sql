-- Aura faces: one row per face found in a photo (detect-faces job), searched by similarity.
-- The descriptor is kept twice when it can be:
--   descriptor  real[128], unit length: always there, the truth. Exact search reads it on any
--               PostgreSQL; a database that gains pgvector later is backfilled from it
--               (`tenantry aura faces reindex`).
--   embedding   vector(128) with an HNSW index (cosine), only where the `vector` extension is
--               available (PGlite ships it; a plain Debian PostgreSQL does not). The code looks
--               for this column at start and says once when face search is exact.

create table aura_faces (
  id uuid primary key default gen_random_uuid(),
  org_id uuid not null references orgs(id) on delete cascade,
  photo_id uuid not null references aura_photos(id) on delete cascade,
  -- Copied from the photo so an event-scoped search filters faces without a join; kept in step
  -- by the trigger below when a photo moves to another event.
  event_id uuid,
  -- The face's box in the photo's own pixels (the original's size when known).
  box_x real not null check (box_x >= 0),
  box_y real not null check (box_y >= 0),
  box_width real not null check (box_width > 0),
  box_height real not null check (box_height > 0),
  descriptor real[] not null check (array_length(descriptor, 1) = 128),
  score real not null check (score between 0 and 1),
  quality real not null check (quality between 0 and 1),
  -- People (grouping faces into persons) come later; null until then.
  person_id uuid,
  created_at timestamptz not null default now()
);
create index idx_aura_faces_photo on aura_faces (org_id, photo_id);
create index idx_aura_faces_event on aura_faces (org_id, event_id);
select tenantry_protect('aura_faces');

-- Cosine similarity of two unit-length descriptors is their dot product: exact search.
create or replace function aura_face_similarity(a real[], b real[])
returns double precision language sql immutable strict parallel safe as $$
  select sum(x * y)::double precision from unnest(a, b) as t(x, y)
$$;

-- A photo moved to another event takes its faces with it.
create or replace function aura_faces_follow_event() returns trigger language plpgsql as $$
begin
  update aura_faces set event_id = new.event_id where org_id = new.org_id and photo_id = new.id;
  return new;
end
$$;
create trigger aura_photos_event_to_faces after update of event_id on aura_photos
  for each row when (old.event_id is distinct from new.event_id) execute function aura_faces_follow_event();

do $$
begin
  if exists (select 1 from pg_available_extensions where name = 'vector') then
    begin
      create extension if not exists vector;
    exception when insufficient_privilege then
      -- A managed database may keep extensions to its administrator: search stays exact
      -- until they create it and run `tenantry aura faces reindex`.
      raise notice 'aura_faces: cannot create the vector extension (%); face search will be exact', sqlerrm;
      return;
    end;
    alter table aura_faces add column embedding vector(128);
    create index idx_aura_faces_embedding on aura_faces using hnsw (embedding vector_cosine_ops);
  end if;
end
$$;

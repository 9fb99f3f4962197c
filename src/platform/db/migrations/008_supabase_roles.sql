-- On Supabase, the anon and authenticated roles (used by its REST and realtime APIs with the
-- project's public keys) are granted everything in schema public by default privileges. Tenantry
-- serves its data only through its own API: those roles get nothing on its tables, sequences and
-- functions, now and for the tables later migrations (the apps') create. Elsewhere the roles do
-- not exist and this does nothing.
do $$
declare r text;
begin
  foreach r in array array['anon', 'authenticated'] loop
    if exists (select 1 from pg_roles where rolname = r) then
      execute format('revoke all on all tables in schema public from %I', r);
      execute format('revoke all on all sequences in schema public from %I', r);
      execute format('revoke all on all functions in schema public from %I', r);
      execute format('alter default privileges in schema public revoke all on tables from %I', r);
      execute format('alter default privileges in schema public revoke all on sequences from %I', r);
      execute format('alter default privileges in schema public revoke all on functions from %I', r);
    end if;
  end loop;
end $$;

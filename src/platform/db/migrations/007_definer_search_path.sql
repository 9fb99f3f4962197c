-- SECURITY DEFINER functions run with their owner's rights. With a search_path that a caller
-- can put objects in front of (a temporary schema, first by default), a caller could shadow a
-- table or operator the function uses and run code as the owner. Pin every definer function in
-- public to pg_catalog, public, pg_temp (pg_temp last). Apps pin their own in their migrations;
-- this also catches definer functions that exist already when it runs.
do $$
declare f regprocedure;
begin
  for f in
    select p.oid::regprocedure from pg_proc p join pg_namespace n on n.oid = p.pronamespace
    where n.nspname = 'public' and p.prosecdef
  loop
    execute format('alter function %s set search_path = pg_catalog, public, pg_temp', f);
  end loop;
end $$;

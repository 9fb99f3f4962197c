-- Full-text search that can use its index under row-level security (posts/post-search.ts).

-- PostgreSQL keeps a condition whose operator is not leakproof out of an index scan on a table
-- with row-level security, and `@@` is not leakproof: a tenant's search never reached the GIN
-- index on search_vector, and a word found in a handful of a workspace's 100,000 posts meant
-- testing every one of them (about 40 ms). This function runs the match as its owner, where
-- the index is usable, and reads only the caller's workspace: app_org_id(), the setting the
-- policies themselves read, never an argument, so no caller can ask about another workspace
-- (when none is set, nothing is found). It answers ids only, at most max_rows of them; the
-- posts themselves are then read as the tenant, policies applied.
--
-- PL/pgSQL with EXECUTE, so each call is planned for its own words: the planner's estimate of
-- how many posts a word matches chooses the index for a rare word and a scan that stops at
-- max_rows for a common one. A SQL function's statement is planned once without the values.
create or replace function social_posts_matching(query tsquery, max_rows integer)
  returns table (id uuid)
  language plpgsql stable security definer set search_path = pg_catalog, public, pg_temp
  as $$
  begin
    return query execute
      'select p.id from social_posts p where p.org_id = app_org_id() and p.deleted_at is null and p.search_vector @@ $1 limit $2'
      using query, max_rows;
  end
  $$;
revoke all on function social_posts_matching(tsquery, integer) from public;
grant execute on function social_posts_matching(tsquery, integer) to tenantry_app;

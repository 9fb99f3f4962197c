-- The read side over many posts (docs/benchmarks.md, `social-publish`, 2026-12-03).

-- A post's networks, kept on the post. Lists and the calendar found each post's networks
-- through a subquery over its targets and their accounts, once per row shown: on the posts
-- list that cost several times the page's own index scan. Only the triggers below write the
-- column, whatever code adds or removes a target, and an account's network never changes, so
-- it cannot drift from the targets.
alter table social_posts add column networks text[] not null default '{}';

create or replace function social_posts_set_networks(posts uuid[]) returns void language sql as $$
  update social_posts p
     set networks = coalesce((
       select array_agg(distinct a.network::text order by a.network::text)
         from social_post_platforms pp
         join social_accounts a on a.org_id = pp.org_id and a.id = pp.account_id
        where pp.org_id = p.org_id and pp.post_id = p.id), '{}')
   where p.id = any(posts);
$$;

-- Statement-level for inserts and deletes, so a statement writing many targets updates each
-- post once (a trigger with transition tables has a single event, hence two); a post deleted
-- by the same statement (a cascade) is simply not found. Moving a target to another post or
-- account is done nowhere, but would be caught by the row trigger, which fires only when one of
-- those columns is set: publishing's many state updates never run it.
create or replace function social_post_platforms_networks() returns trigger language plpgsql as $$
begin
  if tg_op = 'INSERT' then
    perform social_posts_set_networks(array(select distinct post_id from new_targets));
  elsif tg_op = 'DELETE' then
    perform social_posts_set_networks(array(select distinct post_id from old_targets));
  else
    perform social_posts_set_networks(array[old.post_id, new.post_id]);
  end if;
  return null;
end
$$;
create trigger social_post_platforms_networks_insert after insert on social_post_platforms
  referencing new table as new_targets for each statement execute function social_post_platforms_networks();
create trigger social_post_platforms_networks_delete after delete on social_post_platforms
  referencing old table as old_targets for each statement execute function social_post_platforms_networks();
create trigger social_post_platforms_networks_move after update of post_id, account_id on social_post_platforms
  for each row execute function social_post_platforms_networks();

update social_posts p set networks = n.networks
  from (select pp.post_id, array_agg(distinct a.network::text order by a.network::text) as networks
          from social_post_platforms pp
          join social_accounts a on a.org_id = pp.org_id and a.id = pp.account_id
         group by pp.post_id) n
 where p.id = n.post_id;

-- The calendar: each day is one range of this index, from which it counts (up to a cap) and
-- takes its first posts by (slot, id). The filters the calendar offers are included, so a
-- filtered count is answered from the index alone, without visiting each post's row.
drop index social_posts_org_scheduled;
create index social_posts_org_scheduled on social_posts (org_id, scheduled_at, id) include (status, campaign_id, networks)
  where deleted_at is null and scheduled_at is not null;

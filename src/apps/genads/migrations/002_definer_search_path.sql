-- The brand-name check runs as its owner (security definer): its search_path is pinned so a
-- caller's temporary schema cannot shadow genads_brands or lower() (pg_temp searched last).
alter function genads_brand_name_taken(text) set search_path = pg_catalog, public, pg_temp;

-- The seed's unique ghl_contact_id, scoped: the instance syncs every org to one GoHighLevel
-- location, where a person who belongs to two orgs is one contact. Each org keeps its own row
-- for that contact; a contact id is unique within an org and location, not across tenants
-- (a global index would also tell one tenant that another holds the id).
drop index if exists idx_brandkit_ghl_contact;
create unique index idx_brandkit_ghl_contact on brandkit_ghl_contacts (org_id, ghl_location_id, ghl_contact_id);

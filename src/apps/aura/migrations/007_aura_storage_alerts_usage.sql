-- Aura Pro: storage overage alerts and usage logs kept from employees (issue #11 item 8 and 10).

-- The last storage alert sent to the org's admins: 0 (none), 80 or 100 (% of the storage
-- limit). An alert goes once per crossing upwards; usage falling back below a threshold lowers
-- it, so the next crossing alerts again (usage/storage-alerts.ts).
alter table aura_settings add column storage_alert_level smallint not null default 0 check (storage_alert_level in (0, 80, 100));

-- The seed's matrix: usage logs are not visible to employees. GET /api/v1/usage already wants an
-- admin; this keeps an employee's (or a viewer's) transaction from reading the rows with SQL of
-- its own. Inserting stays open to everyone: their actions are metered in their transactions.
create policy aura_usage_events_read on usage_events as restrictive for select
  using ((select aura_caller_access()) in ('admin', 'system'));

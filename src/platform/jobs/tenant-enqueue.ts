import type pg from 'pg';
import { tenantLogin } from '../db/tenant-login-role.js';

const LOCK_ID = 724_311_003;

/**
 * With a tenant login (DATABASE_APP_URL), a tenant transaction that queues a job cannot step
 * up to the owner for pg-boss's insert (boss-db.ts resets the role, which on that login only
 * leads back to the login itself). So the login gets exactly what the insert needs on the
 * queue schema, and row-level security on the job table limits it to its own org's jobs: an
 * insert (and the id it returns) only for a job whose envelope names the transaction's org.
 * It cannot read other jobs' data, change them, or queue a system job or another org's job.
 * The owner (pg-boss itself, the workers) owns the table and is not bound by the policies.
 *
 * Run by the owner after pg-boss has created or migrated its schema; idempotent.
 */
export async function letTenantLoginQueueOwnJobs(pool: pg.Pool, schema: string, appUrl: string): Promise<void> {
  const client = await pool.connect();
  try {
    const role = client.escapeIdentifier(tenantLogin(appUrl).role);
    const s = client.escapeIdentifier(schema);
    await client.query('begin');
    // Transaction-scoped: safe behind a transaction-mode pooler (a session lock could outlive us on a pooled connection).
    await client.query('select pg_advisory_xact_lock($1)', [LOCK_ID]);
    await client.query(`grant usage on schema ${s} to ${role}`);
    await client.query(`grant select on ${s}.queue to ${role}`);
    await client.query(`grant insert on ${s}.job to ${role}`);
    await client.query(`grant select (id) on ${s}.job to ${role}`);
    await client.query(`alter table ${s}.job enable row level security`);
    const ownOrg = `(data->>'orgId') = (select app_org_id())::text`;
    await client.query(`drop policy if exists tenantry_tenant_insert on ${s}.job`);
    await client.query(`create policy tenantry_tenant_insert on ${s}.job for insert to ${role} with check (${ownOrg})`);
    await client.query(`drop policy if exists tenantry_tenant_returning on ${s}.job`);
    await client.query(`create policy tenantry_tenant_returning on ${s}.job for select to ${role} using (${ownOrg})`);
    await client.query('commit');
  } catch (err) {
    await client.query('rollback').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}

import { sql, type NotNull } from 'kysely';
import type { PlatformContext } from '../context.js';
import type { Plan } from '../db/schema.js';
import { withSystem } from '../db/tenant.js';
import { fetchPage } from '../db/page.js';
import { recordAudit, type RequestMeta } from '../audit/audit.service.js';
import type { Principal } from '../auth/principal.js';
import { notFound } from '../errors.js';
import { createOrgWithOwner } from '../tenancy/orgs.service.js';
import { hashPassword } from '../auth/secrets.js';
import { deleteOrgFilesJob } from '../jobs/platform-jobs.js';
import { fetchCursorPage, type CursorRequest } from '../db/cursor.js';
import { dailyUsage, seriesPeriod } from '../usage/usage-series.js';
import { requestSeries, storageSeries } from '../usage/daily-totals.js';

const ORG_FIELDS = ['o.id', 'o.name', 'o.slug', 'o.plan', 'o.status', 'o.storage_limit_bytes', 'o.storage_used_bytes', 'o.created_at'] as const;

/**
 * Platform-wide operations for superadmins. They cross tenants by nature, so they run as
 * the platform (withSystem); every change is written to the affected org's audit log.
 */
export class AdminService {
  constructor(private readonly ctx: PlatformContext, private readonly onAccessChanged: () => void = () => {}) {}

  private get db() {
    return this.ctx.database.db;
  }

  async listOrgs(q: { page: number; limit: number; status?: 'active' | 'suspended'; search?: string }) {
    let base = this.db.selectFrom('orgs as o');
    if (q.status) base = base.where('o.status', '=', q.status);
    if (q.search) base = base.where((eb) => eb.or([eb('o.name', 'ilike', `%${q.search}%`), eb('o.slug', 'ilike', `%${q.search}%`)]));
    // A count always answers a row, so these scalar subqueries are never null.
    return fetchPage(base, q, (filtered) => filtered
      .select([
        ...ORG_FIELDS,
        (eb) => eb.selectFrom('memberships as m').whereRef('m.org_id', '=', 'o.id').select(sql<number>`count(*)::int`.as('n')).as('members'),
        (eb) => eb.selectFrom('usage_events as u').whereRef('u.org_id', '=', 'o.id').where('u.created_at', '>', sql<Date>`now() - interval '30 days'`).select(sql<number>`count(*)::int`.as('n')).as('usage_events_30d'),
      ])
      .$narrowType<{ members: NotNull; usage_events_30d: NotNull }>()
      .orderBy('o.created_at', 'desc')
      .orderBy('o.id'));
  }

  async createOrg(admin: Principal, input: { name: string; slug?: string; plan: Plan; storage_limit_bytes?: number; owner_email?: string; owner_password?: string }, meta: RequestMeta) {
    const passwordHash = input.owner_password ? await hashPassword(input.owner_password) : null;
    return withSystem(this.db, async (tx) => {
      let ownerId: string | null = null;
      if (input.owner_email) {
        const existing = await tx.selectFrom('users').select('id').where(sql`lower(email)`, '=', input.owner_email.toLowerCase()).executeTakeFirst();
        ownerId = existing?.id ?? (await tx.insertInto('users').values({ email: input.owner_email, password_hash: passwordHash }).returning('id').executeTakeFirstOrThrow()).id;
      }
      const org = await createOrgWithOwner(tx, {
        name: input.name,
        slug: input.slug,
        plan: input.plan,
        ownerId,
        storageLimitBytes: input.storage_limit_bytes ?? this.ctx.config.defaultStorageLimitBytes,
      });
      await recordAudit(tx, admin, { orgId: org.id, action: 'admin.org_created', targetType: 'org', targetId: org.id, metadata: { plan: input.plan, owner_email: input.owner_email ?? null } }, meta, true);
      return this.getOrgTx(tx, org.id);
    });
  }

  async updateOrg(admin: Principal, orgId: string, input: { plan?: Plan; storage_limit_bytes?: number; name?: string }, meta: RequestMeta) {
    return withSystem(this.db, async (tx) => {
      const row = await tx.updateTable('orgs').set({ ...input, updated_at: new Date() }).where('id', '=', orgId).returning('id').executeTakeFirst();
      if (!row) throw notFound('Organization');
      await recordAudit(tx, admin, { orgId, action: 'admin.org_updated', targetType: 'org', targetId: orgId, metadata: input }, meta, true);
      return this.getOrgTx(tx, orgId);
    });
  }

  async setStatus(admin: Principal, orgId: string, status: 'active' | 'suspended', meta: RequestMeta) {
    const result = await withSystem(this.db, async (tx) => {
      const row = await tx.updateTable('orgs').set({ status, updated_at: new Date() }).where('id', '=', orgId).returning('id').executeTakeFirst();
      if (!row) throw notFound('Organization');
      await recordAudit(tx, admin, { orgId, action: status === 'suspended' ? 'admin.org_suspended' : 'admin.org_activated', targetType: 'org', targetId: orgId }, meta, true);
      return this.getOrgTx(tx, orgId);
    });
    this.onAccessChanged();
    return result;
  }

  /**
   * Delete an org's rows now and queue the deletion of its stored files (disk or S3) after
   * the grace period, in the same transaction: the job exists exactly if the rows are gone.
   */
  async deleteOrg(admin: Principal, orgId: string, meta: RequestMeta) {
    await withSystem(this.db, async (tx) => {
      const row = await tx.deleteFrom('orgs').where('id', '=', orgId).returning(['id', 'name', 'slug']).executeTakeFirst();
      if (!row) throw notFound('Organization');
      const filesDeletedAfter = new Date(Date.now() + this.ctx.config.storage.orgFilesDeletionGraceHours * 3_600_000);
      const jobId = await this.ctx.jobs.enqueue(deleteOrgFilesJob, { deletedOrgId: orgId }, { tx, startAfter: filesDeletedAfter });
      // audit_log has no foreign key to orgs, so this record survives the deletion.
      await recordAudit(
        tx,
        admin,
        { orgId, action: 'admin.org_deleted', targetType: 'org', targetId: orgId, metadata: { name: row.name, slug: row.slug, files_deleted_after: filesDeletedAfter.toISOString(), files_job_id: jobId } },
        meta,
        true,
      );
    });
    this.onAccessChanged();
  }

  async stats() {
    const row = await this.db
      .selectNoFrom([
        sql<number>`(select count(*)::int from orgs)`.as('orgs'),
        sql<number>`(select count(*)::int from orgs where status = 'suspended')`.as('suspended_orgs'),
        sql<number>`(select count(*)::int from users)`.as('users'),
        sql<number>`(select coalesce(sum(storage_used_bytes), 0)::bigint from orgs)`.as('storage_used_bytes'),
        sql<number>`(select coalesce(sum(storage_limit_bytes), 0)::bigint from orgs)`.as('storage_limit_bytes'),
        sql<number>`(select count(*)::int from api_keys where revoked_at is null)`.as('active_api_keys'),
      ])
      .executeTakeFirstOrThrow();
    return row;
  }

  /**
   * What happened across the platform, newest first in cursor pages: every org's audit log,
   * each entry with its org's name (null once the org is deleted; the entry survives it).
   */
  async activity(q: CursorRequest & { org_id?: string; action?: string }) {
    return withSystem(this.db, async (tx) => {
      let query = tx
        .selectFrom('audit_log as a')
        .leftJoin('orgs as o', 'o.id', 'a.org_id')
        .select(['a.id', 'a.org_id', 'o.name as org_name', 'a.actor_type', 'a.actor_user_id', 'a.action', 'a.target_type', 'a.target_id', 'a.metadata', 'a.created_at']);
      if (q.org_id) query = query.where('a.org_id', '=', q.org_id);
      if (q.action) query = q.action.endsWith('.*') ? query.where('a.action', 'like', `${q.action.slice(0, -1)}%`) : query.where('a.action', '=', q.action);
      return fetchCursorPage(query, { time: 'a.created_at', id: 'a.id' }, q);
    });
  }

  /**
   * Metered actions, storage and API requests per UTC day over [from, to), of every org or of one, with the
   * storage used and allowed now (the charts of the superadmin portal).
   */
  async dailyUsage(q: { from?: string; to?: string; org_id?: string }) {
    const { from, to } = seriesPeriod(q);
    return withSystem(this.db, async (tx) => {
      let storage = tx.selectFrom('orgs').select([
        sql<number>`coalesce(sum(storage_used_bytes), 0)::bigint`.as('storage_used_bytes'),
        sql<number>`coalesce(sum(storage_limit_bytes), 0)::bigint`.as('storage_limit_bytes'),
      ]);
      if (q.org_id) {
        const exists = await tx.selectFrom('orgs').select('id').where('id', '=', q.org_id).executeTakeFirst();
        if (!exists) throw notFound('Organization');
        storage = storage.where('id', '=', q.org_id);
      }
      const totals = await storage.executeTakeFirstOrThrow();
      return {
        from,
        to,
        storage: { storage_used_bytes: Number(totals.storage_used_bytes), storage_limit_bytes: Number(totals.storage_limit_bytes) },
        days: await dailyUsage(tx, q.org_id ?? null, from, to),
        storage_days: await storageSeries(tx, q.org_id ?? null, from, to),
        request_days: await requestSeries(tx, q.org_id ?? null, from, to),
      };
    });
  }

  async getOrg(orgId: string) {
    return withSystem(this.db, (tx) => this.getOrgTx(tx, orgId));
  }

  private async getOrgTx(tx: Parameters<Parameters<typeof withSystem>[1]>[0], orgId: string) {
    const org = await tx.selectFrom('orgs as o').select(ORG_FIELDS).where('o.id', '=', orgId).executeTakeFirst();
    if (!org) throw notFound('Organization');
    return org;
  }
}

import { sql, type SelectQueryBuilder, type Transaction } from 'kysely';
import type { PlatformContext } from '../../../platform/context.js';
import type { Principal } from '../../../platform/auth/principal.js';
import type { RequestMeta } from '../../../platform/audit/audit.service.js';
import { fetchPage, type PageRequest } from '../../../platform/db/page.js';
import { badRequest, conflict, isUniqueViolation, notFound } from '../../../platform/errors.js';
import type { SocialTables, SocialCampaignsTable, CampaignStatus } from '../schema.js';
import { socialDb } from '../db.js';
import { logActivity } from '../activity/activity-log.js';

export interface CampaignInput {
  name: string;
  description?: string | null;
  color?: string | null;
  starts_on?: string | null;
  ends_on?: string | null;
}

const NAME_TAKEN = 'social_campaigns_name';

/** Campaigns group posts; archiving keeps them (and their posts) readable but closed to new posts. */
export class CampaignsService {
  constructor(private readonly ctx: PlatformContext) {}

  list(p: Principal, q: PageRequest & { status?: CampaignStatus; q?: string }) {
    return socialDb.withTenant(this.ctx, p, (tx) => {
      let filtered = tx.selectFrom('social_campaigns as c').where('c.org_id', '=', p.orgId).where('c.deleted_at', 'is', null);
      if (q.status) filtered = filtered.where('c.status', '=', q.status);
      if (q.q) filtered = filtered.where(sql<boolean>`c.name ilike ${`%${escapeLike(q.q)}%`}`);
      return fetchPage(filtered, q, (f) => selectView(f).orderBy('c.created_at', 'desc').orderBy('c.id', 'desc'));
    });
  }

  get(p: Principal, id: string) {
    return socialDb.withTenant(this.ctx, p, (tx) => this.find(tx, p.orgId, id));
  }

  create(p: Principal, input: CampaignInput, meta: RequestMeta) {
    checkDates(input);
    return socialDb.withTenant(this.ctx, p, async (tx) => {
      const row = await tx
        .insertInto('social_campaigns')
        .values({ org_id: p.orgId, name: input.name, description: input.description ?? null, color: input.color ?? null, starts_on: input.starts_on ?? null, ends_on: input.ends_on ?? null, created_by: p.userId })
        .returning('id')
        .executeTakeFirstOrThrow()
        .catch(nameTaken(input.name));
      await logActivity(tx, p, meta, { action: 'campaign.created', entityType: 'campaign', entityId: row.id, details: { name: input.name } });
      return this.find(tx, p.orgId, row.id);
    });
  }

  update(p: Principal, id: string, input: Partial<CampaignInput>, meta: RequestMeta) {
    return socialDb.withTenant(this.ctx, p, async (tx) => {
      const current = await this.find(tx, p.orgId, id);
      checkDates({ starts_on: input.starts_on === undefined ? current.starts_on : input.starts_on, ends_on: input.ends_on === undefined ? current.ends_on : input.ends_on });
      if (Object.keys(input).length) {
        await tx.updateTable('social_campaigns').set(input).where('org_id', '=', p.orgId).where('id', '=', id).execute().catch(nameTaken(input.name ?? ''));
      }
      await logActivity(tx, p, meta, { action: 'campaign.updated', entityType: 'campaign', entityId: id, details: { changed: Object.keys(input) } });
      return this.find(tx, p.orgId, id);
    });
  }

  setArchived(p: Principal, id: string, archived: boolean, meta: RequestMeta) {
    return socialDb.withTenant(this.ctx, p, async (tx) => {
      await this.find(tx, p.orgId, id);
      await tx
        .updateTable('social_campaigns')
        .set(archived ? { status: 'archived', archived_at: sql<Date>`coalesce(archived_at, now())` } : { status: 'active', archived_at: null })
        .where('org_id', '=', p.orgId)
        .where('id', '=', id)
        .execute();
      await logActivity(tx, p, meta, { action: archived ? 'campaign.archived' : 'campaign.unarchived', entityType: 'campaign', entityId: id });
      return this.find(tx, p.orgId, id);
    });
  }

  /** Soft delete; its posts stay and leave the campaign. */
  delete(p: Principal, id: string, meta: RequestMeta) {
    return socialDb.withTenant(this.ctx, p, async (tx) => {
      await this.find(tx, p.orgId, id);
      await tx.updateTable('social_posts').set({ campaign_id: null }).where('org_id', '=', p.orgId).where('campaign_id', '=', id).execute();
      await tx.updateTable('social_campaigns').set({ deleted_at: new Date() }).where('org_id', '=', p.orgId).where('id', '=', id).execute();
      await logActivity(tx, p, meta, { action: 'campaign.deleted', entityType: 'campaign', entityId: id });
    });
  }

  async find(tx: Transaction<SocialTables>, orgId: string, id: string) {
    const row = await selectView(tx.selectFrom('social_campaigns as c').where('c.org_id', '=', orgId).where('c.id', '=', id).where('c.deleted_at', 'is', null)).executeTakeFirst();
    if (!row) throw notFound('Campaign');
    return row;
  }
}

/** A campaign a post may join: this workspace's, not deleted, not archived. */
export async function assertOpenCampaign(tx: Transaction<SocialTables>, orgId: string, id: string): Promise<void> {
  const row = await tx.selectFrom('social_campaigns').select('status').where('org_id', '=', orgId).where('id', '=', id).where('deleted_at', 'is', null).executeTakeFirst();
  if (!row) throw notFound('Campaign');
  if (row.status === 'archived') throw conflict('The campaign is archived: unarchive it (POST /social/api/campaigns/{id}/unarchive) or choose another', 'CAMPAIGN_ARCHIVED');
}

function selectView<O>(q: SelectQueryBuilder<SocialTables & { c: SocialCampaignsTable }, 'c', O>) {
  return q.select([
    'c.id', 'c.name', 'c.description', 'c.color', 'c.status', 'c.created_by', 'c.created_at', 'c.updated_at', 'c.archived_at',
    sql<string | null>`c.starts_on::text`.as('starts_on'),
    sql<string | null>`c.ends_on::text`.as('ends_on'),
    sql<number>`(select count(*)::int from social_posts sp where sp.org_id = c.org_id and sp.campaign_id = c.id and sp.deleted_at is null)`.as('post_count'),
  ]);
}

function checkDates(input: { starts_on?: string | null; ends_on?: string | null }) {
  if (input.starts_on && input.ends_on && input.ends_on < input.starts_on) {
    throw badRequest('ends_on is before starts_on: a campaign ends on or after the day it starts', undefined, 'INVALID_DATES');
  }
}

function nameTaken(name: string) {
  return (err: unknown): never => {
    if (isUniqueViolation(err, NAME_TAKEN)) throw conflict(`A campaign named "${name}" already exists: choose another name`, 'CAMPAIGN_EXISTS');
    throw err;
  };
}

export function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

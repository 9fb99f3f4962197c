import type { Transaction } from 'kysely';
import type { PlatformContext } from '../../../platform/context.js';
import type { Principal } from '../../../platform/auth/principal.js';
import type { RequestMeta } from '../../../platform/audit/audit.service.js';
import type { SocialTables } from '../schema.js';
import { socialDb } from '../db.js';
import { logActivity } from '../activity/activity-log.js';

export interface WorkspaceSettings {
  approval_required: boolean;
  timezone: string;
  default_hashtags: string[];
  near_duplicate_threshold: number;
}

export const DEFAULT_SETTINGS: WorkspaceSettings = { approval_required: false, timezone: 'UTC', default_hashtags: [], near_duplicate_threshold: 0.8 };

/** The workspace's settings; a workspace that never saved any has the defaults. */
export async function settingsOf(tx: Transaction<SocialTables>, orgId: string): Promise<WorkspaceSettings> {
  const row = await tx
    .selectFrom('social_workspace_settings')
    .select(['approval_required', 'timezone', 'default_hashtags', 'near_duplicate_threshold'])
    .where('org_id', '=', orgId)
    .executeTakeFirst();
  return row ?? DEFAULT_SETTINGS;
}

/** One row per workspace: approval rule, time zone, default hashtags, near-duplicate threshold. */
export class SettingsService {
  constructor(private readonly ctx: PlatformContext) {}

  get(p: Principal) {
    return socialDb.withTenant(this.ctx, p, (tx) => settingsOf(tx, p.orgId));
  }

  update(p: Principal, changes: Partial<WorkspaceSettings>, meta: RequestMeta) {
    return socialDb.withTenant(this.ctx, p, async (tx) => {
      const next = { ...(await settingsOf(tx, p.orgId)), ...changes };
      await tx
        .insertInto('social_workspace_settings')
        .values({ org_id: p.orgId, ...next })
        .onConflict((oc) => oc.column('org_id').doUpdateSet(next))
        .execute();
      await logActivity(tx, p, meta, { action: 'settings.updated', entityType: 'settings', details: { changed: Object.keys(changes) } });
      return next;
    });
  }
}

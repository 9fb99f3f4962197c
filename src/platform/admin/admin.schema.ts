import { z } from 'zod';
import { dailySeries } from '../usage/usage-series.js';
import { orgView } from '../tenancy/tenancy.schema.js';

/** Response schemas of the superadmin routes, field for field as AdminService answers. */

export const adminOrgView = orgView.omit({ settings: true });

/** A row of the org list: the org and two counts. */
export const adminOrgListItem = adminOrgView.extend({
  members: z.number().int(),
  usage_events_30d: z.number().int().describe('Usage events in the last 30 days'),
});

export const platformStats = z.object({
  orgs: z.number().int(),
  suspended_orgs: z.number().int(),
  users: z.number().int(),
  storage_used_bytes: z.number(),
  storage_limit_bytes: z.number(),
  active_api_keys: z.number().int(),
});

/** One entry of the activity feed of every org (the audit log with its org's name). */
export const activityEntry = z.object({
  id: z.string(),
  org_id: z.string(),
  org_name: z.string().nullable(),
  actor_type: z.enum(['user', 'api_key', 'system', 'superadmin']),
  actor_user_id: z.string().nullable(),
  action: z.string(),
  target_type: z.string().nullable(),
  target_id: z.string().nullable(),
  metadata: z.record(z.string(), z.unknown()),
  created_at: z.date(),
});

/** Usage per day across the orgs (or of one), with the storage used and allowed now. */
export const platformUsage = z.object({
  from: z.date(),
  to: z.date(),
  storage: z.object({ storage_used_bytes: z.number(), storage_limit_bytes: z.number() }),
  ...dailySeries,
});

import { z } from 'zod';

/** Response schemas of the superadmin routes, field for field as AdminService answers. */

export const adminOrgView = z.object({
  id: z.string(),
  name: z.string(),
  slug: z.string(),
  plan: z.enum(['free', 'pro', 'enterprise']),
  status: z.enum(['active', 'suspended']),
  storage_limit_bytes: z.number(),
  storage_used_bytes: z.number(),
  created_at: z.date(),
});

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

import { z } from 'zod';
import { role } from '../http/schemas.js';

/**
 * Response schemas of the org, member and invite routes, field for field as OrgService and
 * MembersService answer. The serializer strips any field a schema does not name.
 */

export const orgView = z.object({
  id: z.string(),
  name: z.string(),
  slug: z.string(),
  plan: z.enum(['free', 'pro', 'enterprise']),
  status: z.enum(['active', 'suspended']),
  storage_limit_bytes: z.number(),
  storage_used_bytes: z.number(),
  settings: z.record(z.string(), z.unknown()).describe('trash_retention_days and the clients\' own settings'),
  created_at: z.date(),
});

export const memberView = z.object({
  user_id: z.string(),
  email: z.string(),
  display_name: z.string().nullable(),
  role,
  joined_at: z.date(),
  last_login_at: z.date().nullable(),
});

export const roleChange = z.object({ user_id: z.string(), role });

/** An invitation as its org's admins see it. Never its token: that goes only to the invited address. */
export const inviteView = z.object({ id: z.string(), email: z.string(), role, created_at: z.date(), expires_at: z.date() });

export const inviteListItem = inviteView.extend({ accepted_at: z.date().nullable(), revoked_at: z.date().nullable() });

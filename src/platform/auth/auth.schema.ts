import { z } from 'zod';
import { role } from '../http/schemas.js';

/**
 * Response schemas of the auth routes (and of accepting an invite, which signs in too), field
 * for field as AuthService answers. The serializer strips any field a schema does not name.
 */

const sessionUser = z.object({ id: z.string(), email: z.string(), org_id: z.string(), org_name: z.string(), role: z.string() });

export const authResult = z.object({
  access_token: z.string(),
  refresh_token: z.string(),
  token_type: z.literal('Bearer'),
  expires_in: z.number(),
  user: sessionUser,
});

/** AuthService.me: who the credential is, in which org, and the user's other orgs. */
export const meView = z.object({
  kind: z.enum(['user', 'api_key', 'share', 'guest']),
  user: z.object({
    id: z.string(),
    email: z.string(),
    display_name: z.string().nullable(),
    email_verified_at: z.date().nullable(),
    tc_accepted_at: z.date().nullable(),
    is_superadmin: z.boolean(),
    last_login_at: z.date().nullable(),
    created_at: z.date(),
  }).nullable().describe('null for an API key'),
  org: z.object({ id: z.string(), name: z.string(), slug: z.string(), plan: z.enum(['free', 'pro', 'enterprise']), status: z.enum(['active', 'suspended']) }),
  role,
  scopes: z.array(z.string()).describe('An API key\'s scopes; empty for a user'),
  organizations: z.array(z.object({ id: z.string(), name: z.string(), slug: z.string(), role })),
});

/** The answer of a request that sends an email: the same whether or not the address exists. */
export const emailOnItsWay = z.object({ message: z.string() });

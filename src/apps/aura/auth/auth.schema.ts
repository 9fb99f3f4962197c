import { z } from 'zod';
import { authResult } from '../../../platform/auth/auth.schema.js';

/** The platform's session plus the seed's claims: Aura's role, the org and the portal to open. */
export const auraAuthResult = authResult.extend({
  role: z.enum(['superadmin', 'admin', 'employee', 'read_only']),
  org_id: z.string(),
  org_slug: z.string(),
  redirect: z.enum(['/superadmin', '/admin', '/capture']),
});

export const orgSlug = z.string().trim().toLowerCase().regex(/^[a-z0-9][a-z0-9-]{1,62}$/, 'must be the studio\'s slug (lower-case letters, digits and -)');
/** The seed's MVP credential: 4 to 8 digits. */
export const pin = z.string().regex(/^\d{4,8}$/, 'must be 4 to 8 digits');

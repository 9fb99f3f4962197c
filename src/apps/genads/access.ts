import type { FastifyRequest } from 'fastify';
import type { Principal } from '../../platform/auth/principal.js';
import type { Role } from '../../platform/db/schema.js';
import { requirePrincipal } from '../../platform/auth/authenticate.js';

/** API keys need this scope (or "*") for GenAds routes. */
export const GENADS_SCOPE = 'genads';

/**
 * Who may do what. The seed has one user per brand; here a brand is its org's, and the
 * org's roles apply: anyone reads, members create perfumes and campaigns and run them,
 * editors delete, admins set up and change the brand itself.
 */
export const GENADS_ROLES = { read: 'viewer', create: 'member', remove: 'editor', brand: 'admin' } as const satisfies Record<string, Role>;

export function requireGenAds(request: FastifyRequest, minRole: Role): Principal {
  return requirePrincipal(request, minRole, GENADS_SCOPE);
}


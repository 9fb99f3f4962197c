import type { FastifyRequest } from 'fastify';
import { requirePrincipal } from '../../platform/auth/authenticate.js';
import { forbidden } from '../../platform/errors.js';
import type { Principal } from '../../platform/auth/principal.js';
import type { Role } from '../../platform/db/schema.js';

/**
 * Brandkit's guard: a person (brands, socials and profiles belong to a user inside the org, so
 * an API key without a user cannot own them), with `minRole` in the org. Writing needs member.
 */
export function requireBrandkitUser(request: FastifyRequest, minRole: Role = 'viewer'): Principal & { userId: string } {
  const p = requirePrincipal(request, minRole, 'brandkit');
  if (!p.userId) throw forbidden('Brandkit works on a person\'s brands: sign in as a user (an API key has no user)', 'USER_REQUIRED');
  return p as Principal & { userId: string };
}

import type { FastifyRequest } from 'fastify';
import type { Principal } from '../../platform/auth/principal.js';
import type { Role } from '../../platform/db/schema.js';
import { requirePrincipal } from '../../platform/auth/authenticate.js';

/** API keys (the sync agent's) need this scope, or "*", on Aura's routes. */
export const AURA_SCOPE = 'aura';

/**
 * The seed's roles on the platform's: a platform superadmin is Aura's superadmin; an org's
 * owner or admin is the studio admin; editors and members are employees (the photographers);
 * a viewer reads only. The same mapping is in the database (aura_caller_access() in
 * migrations/001_aura.sql), so the RLS matrix holds even for SQL the API never sends.
 */
export type AuraRole = 'superadmin' | 'admin' | 'employee' | 'read_only';

/** The least platform role each Aura capability needs. */
export const AURA_ROLES = { read: 'viewer', employee: 'member', admin: 'admin' } as const satisfies Record<string, Role>;

export function auraRoleOf(role: Role, isSuperadmin: boolean): AuraRole {
  if (isSuperadmin) return 'superadmin';
  if (role === 'owner' || role === 'admin') return 'admin';
  if (role === 'editor' || role === 'member') return 'employee';
  return 'read_only';
}

/** The seed's portal per role; a read-only member browses the studio's portal without its actions. */
export function redirectFor(role: AuraRole): '/superadmin' | '/admin' | '/capture' {
  if (role === 'superadmin') return '/superadmin';
  if (role === 'employee') return '/capture';
  return '/admin';
}

/** Anyone in the org (viewer and up, or an "aura" key). */
export const requireAuraReader = (request: FastifyRequest): Principal => requirePrincipal(request, AURA_ROLES.read, AURA_SCOPE);
/** Employees and admins: upload, create events. */
export const requireAuraEmployee = (request: FastifyRequest): Principal => requirePrincipal(request, AURA_ROLES.employee, AURA_SCOPE);
/** Admins: delete, change photos and events, settings, team PINs. */
export const requireAuraAdmin = (request: FastifyRequest): Principal => requirePrincipal(request, AURA_ROLES.admin, AURA_SCOPE);

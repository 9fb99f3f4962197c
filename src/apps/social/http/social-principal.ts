import type { FastifyRequest } from 'fastify';
import { requirePrincipal } from '../../../platform/auth/authenticate.js';
import { hasRole, type Principal } from '../../../platform/auth/principal.js';
import { forbidden } from '../../../platform/errors.js';
import type { Role } from '../../../platform/db/schema.js';

/** API keys need this scope (or "*") for Social's routes. */
export const SOCIAL_SCOPE = 'social';

/** The seed's workspace roles. */
export type WorkspaceRole = 'admin' | 'editor' | 'viewer';

/**
 * The seed's roles onto the platform's: owner and admin are workspace admins, editor and
 * member are editors, viewer is a viewer. So "at least editor" is the platform's "member".
 */
const LOWEST_PLATFORM_ROLE: Record<WorkspaceRole, Role> = { admin: 'admin', editor: 'member', viewer: 'viewer' };

export function workspaceRoleOf(role: Role): WorkspaceRole {
  if (role === 'owner' || role === 'admin') return 'admin';
  if (role === 'editor' || role === 'member') return 'editor';
  return 'viewer';
}

/** The caller, holding at least `minimum` of the seed's roles in the workspace (403 otherwise). */
export function requireWorkspace(request: FastifyRequest, minimum: WorkspaceRole = 'viewer'): Principal {
  const p = requirePrincipal(request, 'viewer', SOCIAL_SCOPE);
  if (!hasRole(p, LOWEST_PLATFORM_ROLE[minimum])) {
    throw forbidden(`This action needs the workspace's ${minimum} role; you are ${article(workspaceRoleOf(p.role))}: ask a workspace admin`, 'INSUFFICIENT_ROLE');
  }
  return p;
}

function article(role: WorkspaceRole): string {
  return role === 'admin' ? 'an admin' : `an ${role}`;
}

import type { Role } from '../db/schema.js';

/** Who is calling, resolved once per request from a token, key or share link. */
export interface Principal {
  kind: 'user' | 'api_key' | 'share' | 'guest';
  orgId: string;
  role: Role;
  userId: string | null;
  apiKeyId?: string;
  scopes?: string[];
  isSuperadmin: boolean;
  /** JWT id for user sessions; used in logs and audit. */
  tokenId?: string;
  /** When the credential stops being valid (ms since epoch); long-lived streams close then. */
  expiresAt?: number;
}

export const ROLE_RANK: Record<Role, number> = { viewer: 1, member: 2, editor: 3, admin: 4, owner: 5 };

export function hasRole(principal: Pick<Principal, 'role'>, atLeast: Role): boolean {
  return ROLE_RANK[principal.role] >= ROLE_RANK[atLeast];
}

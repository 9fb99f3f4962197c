import { randomUUID } from 'node:crypto';
import type { Transaction } from 'kysely';
import type { PlatformTables, Role } from '../db/schema.js';
import type { PlatformContext } from '../context.js';
import type { RequestMeta } from '../audit/audit.service.js';
import { hashSecret, newSecret } from './secrets.js';

export interface SessionTokens {
  access_token: string;
  refresh_token: string;
  token_type: 'Bearer';
  expires_in: number;
}

/**
 * Start a session (a new refresh-token family) or continue one (rotation keeps the family),
 * and sign a matching access token bound to one org.
 */
export async function issueSession(
  ctx: PlatformContext,
  tx: Transaction<PlatformTables>,
  who: { userId: string; orgId: string; role: Role },
  meta: RequestMeta,
  familyId: string = randomUUID(),
): Promise<SessionTokens> {
  const refresh = newSecret('rt_');
  await tx
    .insertInto('refresh_tokens')
    .values({
      org_id: who.orgId,
      user_id: who.userId,
      family_id: familyId,
      token_hash: hashSecret(refresh),
      expires_at: new Date(Date.now() + ctx.config.refreshTokenTtlDays * 86_400_000),
      ip: meta.ip ?? null,
      user_agent: meta.userAgent?.slice(0, 500) ?? null,
    })
    .execute();
  const access = await ctx.tokens.signAccess({ sub: who.userId, org_id: who.orgId, role: who.role });
  return { access_token: access, refresh_token: refresh, token_type: 'Bearer', expires_in: ctx.tokens.accessTtlSeconds };
}

/**
 * A user logged in (password, sign-up, invite acceptance: a new session, not a refresh).
 * Run in the platform's own transaction: tenants may read last_login_at, never write it.
 */
export async function recordLogin(tx: Transaction<PlatformTables>, userId: string): Promise<void> {
  await tx.updateTable('users').set({ last_login_at: new Date() }).where('id', '=', userId).execute();
}

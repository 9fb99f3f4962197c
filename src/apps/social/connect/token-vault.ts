import type { PlatformContext } from '../../../platform/context.js';
import type { AccountTokens, Network } from '../providers/provider.js';

/**
 * An account's tokens at rest: each sealed by the credential store, bound to the org, the
 * network and the account row, so a sealed token copied to another row or workspace does not open.
 */
export function tokenBinding(orgId: string, network: Network, accountId: string) {
  return { orgId, purpose: `social.oauth.${network}`, subject: accountId };
}

export function sealTokens(ctx: PlatformContext, orgId: string, network: Network, accountId: string, tokens: AccountTokens) {
  const binding = tokenBinding(orgId, network, accountId);
  return {
    access_token_sealed: ctx.credentials.seal(tokens.accessToken, binding),
    refresh_token_sealed: tokens.refreshToken ? ctx.credentials.seal(tokens.refreshToken, binding) : null,
    expires_at: tokens.expiresAt ?? null,
  };
}

export interface SealedAccountRow {
  id: string;
  org_id: string;
  network: Network;
  remote_account_id: string;
  instance_url: string | null;
  access_token_sealed: string | null;
  refresh_token_sealed: string | null;
  expires_at: Date | null;
}

export function openTokens(ctx: PlatformContext, row: SealedAccountRow): AccountTokens {
  if (!row.access_token_sealed) throw new Error(`Account ${row.id} has no token: reconnect it`);
  const binding = tokenBinding(row.org_id, row.network, row.id);
  return {
    accessToken: ctx.credentials.open(row.access_token_sealed, binding),
    refreshToken: row.refresh_token_sealed ? ctx.credentials.open(row.refresh_token_sealed, binding) : undefined,
    expiresAt: row.expires_at ?? undefined,
    accountId: row.remote_account_id,
    ...(row.instance_url ? { instanceUrl: row.instance_url } : {}),
  };
}

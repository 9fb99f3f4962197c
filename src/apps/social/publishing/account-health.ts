import type { PlatformContext } from '../../../platform/context.js';
import { socialDb } from '../db.js';
import { openTokens, sealTokens, type SealedAccountRow } from '../connect/token-vault.js';
import { providersOf } from '../providers/app-providers.js';
import { isProviderError } from '../providers/errors.js';
import type { AccountTokens } from '../providers/provider.js';

/** Tokens expiring within this window are refreshed before use (and by the sweep). */
export const REFRESH_AHEAD_MS = 10 * 60 * 1000;

/** The account columns a token needs (read by freshTokens, or joined into the publisher's claim). */
export const SEALED_ACCOUNT_COLUMNS = ['id', 'org_id', 'network', 'remote_account_id', 'instance_url', 'access_token_sealed', 'refresh_token_sealed', 'expires_at'] as const;

/**
 * The account's tokens, refreshed first when they expire within REFRESH_AHEAD_MS and a refresh
 * token exists. A refused refresh marks the account reconnect_needed (and mails the admins).
 */
export async function freshTokens(ctx: PlatformContext, orgId: string, accountId: string, force = false): Promise<AccountTokens> {
  const row = await socialDb.withTenant(ctx, { orgId }, (tx) =>
    tx.selectFrom('social_accounts').select(SEALED_ACCOUNT_COLUMNS).where('org_id', '=', orgId).where('id', '=', accountId).executeTakeFirstOrThrow(),
  );
  return tokensOf(ctx, row, force);
}

/**
 * The tokens of an account row already read (the publisher reads it with its claim, saving a
 * transaction); refreshed as freshTokens does. Opening them touches no database.
 */
export async function tokensOf(ctx: PlatformContext, row: SealedAccountRow, force = false): Promise<AccountTokens> {
  const accountId = row.id;
  const tokens = openTokens(ctx, row);
  const due = row.expires_at !== null && row.expires_at.getTime() - Date.now() < REFRESH_AHEAD_MS;
  if (!(force || due) || !tokens.refreshToken) return tokens;
  // A due minute's targets of one account arrive together, read before any refresh: one
  // refresh serves them all, and its tokens serve those still holding the old row for a
  // while after. Networks that rotate refresh tokens (X) refuse every refresh but the first.
  let recent = refreshes.get(ctx);
  if (!recent) refreshes.set(ctx, (recent = new Map()));
  const known = recent.get(accountId);
  if (known && !force) return known;
  const refresh = refreshTokens(ctx, row, tokens);
  recent.set(accountId, refresh);
  const forget = () => {
    if (recent.get(accountId) === refresh) recent.delete(accountId);
  };
  refresh.then(() => setTimeout(forget, REFRESHED_TOKENS_SHARED_MS).unref(), forget);
  return refresh;
}

/** How long a refresh's tokens are handed to callers still holding the account's older row. */
const REFRESHED_TOKENS_SHARED_MS = 60_000;

const refreshes = new WeakMap<PlatformContext, Map<string, Promise<AccountTokens>>>();

async function refreshTokens(ctx: PlatformContext, row: SealedAccountRow, tokens: AccountTokens): Promise<AccountTokens> {
  const { org_id: orgId, id: accountId } = row;
  try {
    const next = await providersOf(ctx)[row.network].refresh(tokens);
    await socialDb.withTenant(ctx, { orgId }, (tx) =>
      tx.updateTable('social_accounts').set({ ...sealTokens(ctx, orgId, row.network, accountId, next), last_checked_at: new Date(), last_error: null }).where('org_id', '=', orgId).where('id', '=', accountId).execute(),
    );
    return next;
  } catch (err) {
    if (isProviderError(err, 'auth_revoked')) await markReconnectNeeded(ctx, orgId, accountId, err.message);
    throw err;
  }
}

/** Channel health: the network refused the account's grant. Admins are told once, when it changes. */
export async function markReconnectNeeded(ctx: PlatformContext, orgId: string, accountId: string, reason: string): Promise<void> {
  const changed = await socialDb.withTenant(ctx, { orgId }, async (tx) => {
    const row = await tx.updateTable('social_accounts').set({ status: 'reconnect_needed', last_error: reason.slice(0, 2000), last_checked_at: new Date() }).where('org_id', '=', orgId).where('id', '=', accountId).where('status', '=', 'active').returning(['display_name', 'network']).executeTakeFirst();
    if (!row) return null;
    const admins = await tx.selectFrom('memberships as m').innerJoin('users as u', 'u.id', 'm.user_id').select('u.email').where('m.org_id', '=', orgId).where('m.role', 'in', ['owner', 'admin']).execute();
    return { ...row, admins: admins.map((a) => a.email) };
  });
  if (!changed) return;
  await ctx.events.publish(orgId, 'social:accounts', { type: 'account.reconnect_needed', account_id: accountId, network: changed.network });
  for (const to of changed.admins) {
    await ctx.mailer
      .send({ to, subject: `Social: reconnect ${changed.display_name} (${changed.network})`, text: `The ${changed.network} account "${changed.display_name}" stopped accepting our access (${reason}).\nScheduled posts to it will fail until an admin reconnects it under Social → Accounts.` })
      .catch((err: unknown) => ctx.log.warn({ err, accountId }, 'social: could not send the reconnect email'));
  }
}

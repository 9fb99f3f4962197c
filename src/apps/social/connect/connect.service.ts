import { createHash } from 'node:crypto';
import type { PlatformContext } from '../../../platform/context.js';
import type { Principal } from '../../../platform/auth/principal.js';
import type { RequestMeta } from '../../../platform/audit/audit.service.js';
import { badRequest, gone, notFound } from '../../../platform/errors.js';
import { logActivity } from '../activity/activity-log.js';
import { socialDb } from '../db.js';
import { createOAuthState, createPkce } from '../oauth/pkce.js';
import { assertPublicInstance, normalizeInstanceUrl, registerMastodonApp } from '../oauth/mastodon-apps.js';
import { MastodonProvider } from '../providers/mastodon.js';
import { providersOf } from '../providers/app-providers.js';
import type { ConnectedAccount, Network, OAuthClient } from '../providers/provider.js';
import { sealTokens } from './token-vault.js';

/** How long an authorize request may take before its state stops being accepted. */
export const OAUTH_STATE_TTL_MS = 10 * 60 * 1000;

const hashState = (state: string) => createHash('sha256').update(state).digest('hex');
const stateBinding = (orgId: string, stateHash: string) => ({ orgId, purpose: 'social.oauth.state', subject: stateHash });

/** What the state row keeps sealed: the PKCE verifier and, for Mastodon, the instance's client. */
interface SealedState {
  verifier: string;
  client?: OAuthClient;
}

/**
 * Connecting a network account: an authorize URL whose state is single use and expires in ten
 * minutes (kept as its hash, the PKCE verifier sealed), then the callback that checks the state,
 * exchanges the code and stores each account it yields with its tokens sealed. Bluesky has no
 * OAuth here: an app password opens a session at once and is never stored.
 */
export class ConnectService {
  constructor(private readonly ctx: PlatformContext) {}

  /**
   * The web app's page, not the API route: a browser sent back by the network carries no bearer
   * token, so the page (signed in) passes code and state on to GET /social/api/accounts/callback.
   */
  redirectUri(network: Network): string {
    const base = this.ctx.config.publicUrl ?? `http://127.0.0.1:${this.ctx.config.port}`;
    return `${base}/social/accounts/callback/${network}`;
  }

  async start(p: Principal, network: Network, input: { instance_url?: string }): Promise<{ authorize_url: string; expires_at: Date }> {
    const provider = providersOf(this.ctx)[network];
    if (provider.auth !== 'oauth2') throw badRequest('Bluesky connects with an app password: POST /social/api/accounts/bluesky with identifier and app_password', undefined, 'SOCIAL_USE_APP_PASSWORD');
    const redirectUri = this.redirectUri(network);
    let client: OAuthClient | undefined;
    let instanceUrl: string | null = null;
    if (network === 'mastodon') {
      if (!input.instance_url) throw badRequest('Mastodon needs the instance: send instance_url, e.g. "mastodon.social"', undefined, 'SOCIAL_INSTANCE_REQUIRED');
      try {
        instanceUrl = normalizeInstanceUrl(input.instance_url);
      } catch {
        throw badRequest(`"${input.instance_url}" is not an instance address: send e.g. "mastodon.social"`, undefined, 'SOCIAL_INSTANCE_INVALID');
      }
      await assertPublicInstance(instanceUrl, { allowPrivate: provider instanceof MastodonProvider && provider.allowPrivateInstances });
      client = await registerMastodonApp(instanceUrl, { clientName: 'Tenantry', redirectUri });
    }
    const pkce = createPkce();
    const state = createOAuthState();
    const stateHash = hashState(state);
    const expiresAt = new Date(Date.now() + OAUTH_STATE_TTL_MS);
    const sealed: SealedState = { verifier: pkce.verifier, ...(client ? { client } : {}) };
    await socialDb.withTenant(this.ctx, p, (tx) =>
      tx
        .insertInto('social_oauth_states')
        .values({
          org_id: p.orgId,
          user_id: p.userId,
          network,
          state_hash: stateHash,
          code_verifier_sealed: this.ctx.credentials.seal(JSON.stringify(sealed), stateBinding(p.orgId, stateHash)),
          redirect_uri: redirectUri,
          instance_url: instanceUrl,
          expires_at: expiresAt,
        })
        .execute(),
    );
    return { authorize_url: provider.authorizeUrl({ state, codeChallenge: pkce.challenge, redirectUri, client }), expires_at: expiresAt };
  }

  async callback(p: Principal, meta: RequestMeta, network: Network, q: { code?: string; state?: string; error?: string; error_description?: string }) {
    if (q.error) throw badRequest(`The network refused the connection (${q.error}${q.error_description ? `: ${q.error_description}` : ''}): start again from Connect`, undefined, 'SOCIAL_OAUTH_DENIED');
    if (!q.code || !q.state) throw badRequest('The callback needs code and state: start again from Connect', undefined, 'SOCIAL_OAUTH_INVALID');
    const stateHash = hashState(q.state);
    // Claim the state in its own transaction: once used it stays used even if the exchange fails.
    const claimed = await socialDb.withTenant(this.ctx, p, async (tx) => {
      const row = await tx.selectFrom('social_oauth_states').selectAll().where('org_id', '=', p.orgId).where('state_hash', '=', stateHash).where('network', '=', network).forUpdate().executeTakeFirst();
      if (!row) throw badRequest('This connection request is unknown (wrong state): start again from Connect', undefined, 'SOCIAL_OAUTH_STATE_INVALID');
      if (row.used_at) throw gone('This connection request was already used: start again from Connect', 'SOCIAL_OAUTH_STATE_USED');
      if (row.expires_at.getTime() <= Date.now()) throw gone('This connection request expired (10 minutes): start again from Connect', 'SOCIAL_OAUTH_STATE_EXPIRED');
      await tx.updateTable('social_oauth_states').set({ used_at: new Date() }).where('org_id', '=', p.orgId).where('id', '=', row.id).execute();
      return row;
    });
    const sealed = JSON.parse(this.ctx.credentials.open(claimed.code_verifier_sealed, stateBinding(p.orgId, stateHash))) as SealedState;
    const provider = providersOf(this.ctx)[network];
    if (provider.auth !== 'oauth2') throw badRequest('Bluesky has no OAuth callback', undefined, 'SOCIAL_USE_APP_PASSWORD');
    const accounts = await provider.exchangeCode({ code: q.code, codeVerifier: sealed.verifier, redirectUri: claimed.redirect_uri, client: sealed.client });
    return this.store(p, meta, network, accounts, claimed.instance_url);
  }

  async connectBluesky(p: Principal, meta: RequestMeta, input: { identifier: string; app_password: string }) {
    const provider = providersOf(this.ctx).bluesky;
    if (provider.auth !== 'app_password') throw new Error('Bluesky adapter must use app passwords');
    const account = await provider.createSession(input.identifier, input.app_password);
    return this.store(p, meta, 'bluesky', [account], account.tokens.instanceUrl ?? null);
  }

  /** Each account the authorization produced: a new row, or the same account's row refreshed (reconnect). */
  private store(p: Principal, meta: RequestMeta, network: Network, accounts: ConnectedAccount[], instanceUrl: string | null) {
    return socialDb.withTenant(this.ctx, p, async (tx) => {
      const ids: string[] = [];
      for (const account of accounts) {
        const existing = await tx.selectFrom('social_accounts').select('id').where('org_id', '=', p.orgId).where('network', '=', network).where('remote_account_id', '=', account.remoteId).where('deleted_at', 'is', null).executeTakeFirst();
        const id = existing?.id ?? crypto.randomUUID();
        const tokens = sealTokens(this.ctx, p.orgId, network, id, account.tokens);
        const fields = { display_name: account.displayName.slice(0, 255), handle: account.handle?.slice(0, 255) ?? null, instance_url: instanceUrl, scopes: account.scopes ?? [], status: 'active' as const, last_error: null, last_checked_at: new Date(), connected_by: p.userId, ...tokens };
        if (existing) await tx.updateTable('social_accounts').set(fields).where('org_id', '=', p.orgId).where('id', '=', id).execute();
        else await tx.insertInto('social_accounts').values({ id, org_id: p.orgId, network, remote_account_id: account.remoteId, ...fields }).execute();
        await logActivity(tx, p, meta, { action: existing ? 'account.reconnected' : 'account.connected', entityType: 'account', entityId: id, details: { network } });
        ids.push(id);
      }
      return ids;
    });
  }

  async disconnect(p: Principal, meta: RequestMeta, id: string): Promise<void> {
    await socialDb.withTenant(this.ctx, p, async (tx) => {
      // Tokens go with the disconnect: a disconnected account can never publish again.
      const row = await tx
        .updateTable('social_accounts')
        .set({ status: 'disconnected', deleted_at: new Date(), access_token_sealed: null, refresh_token_sealed: null })
        .where('org_id', '=', p.orgId).where('id', '=', id).where('deleted_at', 'is', null)
        .returning(['id', 'network'])
        .executeTakeFirst();
      if (!row) throw notFound('Account');
      await logActivity(tx, p, meta, { action: 'account.disconnected', entityType: 'account', entityId: id, details: { network: row.network } });
    });
  }
}

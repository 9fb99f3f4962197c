import { sql } from 'kysely';
import type { PlatformContext } from '../context.js';
import type { Role } from '../db/schema.js';
import { withSystem, withTenant } from '../db/tenant.js';
import { recordAudit, type RequestMeta } from '../audit/audit.service.js';
import { badRequest, conflict, forbidden, isUniqueViolation, notFound, unauthorized } from '../errors.js';
import type { Principal } from './principal.js';
import { hashPassword, hashSecret, newSecret, verifyPassword } from './secrets.js';
import { issueSession, recordLogin, type SessionTokens } from './sessions.js';
import { createOrgWithOwner } from '../tenancy/orgs.service.js';
import { LoginThrottle } from './login-throttle.js';

export interface SessionUser {
  id: string;
  email: string;
  org_id: string;
  org_name: string;
  role: Role;
}

export type AuthResult = SessionTokens & { user: SessionUser };

const RESET_TOKEN_TTL_MS = 60 * 60 * 1000;
const VERIFY_TOKEN_TTL_MS = 7 * 24 * 60 * 60 * 1000;

export class AuthService {
  private readonly throttle: LoginThrottle;

  constructor(private readonly ctx: PlatformContext) {
    this.throttle = new LoginThrottle(ctx.database.db);
  }

  private get db() {
    return this.ctx.database.db;
  }

  async signup(
    input: { email: string; password: string; display_name?: string; org_name?: string; accept_terms?: boolean },
    meta: RequestMeta,
  ): Promise<AuthResult> {
    const email = input.email.trim();
    const passwordHash = await hashPassword(input.password);
    const { result, verifyToken } = await withSystem(this.db, async (tx) => {
      const taken = await tx.selectFrom('users').select('id').where(sql`lower(email)`, '=', email.toLowerCase()).executeTakeFirst();
      if (taken) throw conflict('An account with this email already exists: log in instead, or reset your password', 'EMAIL_TAKEN');
      const user = await tx
        .insertInto('users')
        .values({
          email,
          password_hash: passwordHash,
          display_name: input.display_name ?? null,
          tc_accepted_at: input.accept_terms ? new Date() : null,
        })
        .returning(['id', 'email'])
        .executeTakeFirstOrThrow()
        .catch((err) => {
          if (isUniqueViolation(err)) throw conflict('An account with this email already exists', 'EMAIL_TAKEN');
          throw err;
        });
      const orgName = input.org_name ?? `${input.display_name ?? email.split('@')[0]}'s workspace`;
      const org = await createOrgWithOwner(tx, { name: orgName, ownerId: user.id, storageLimitBytes: this.ctx.config.defaultStorageLimitBytes });
      await recordAudit(tx, { kind: 'user', userId: user.id, isSuperadmin: false }, { orgId: org.id, action: 'auth.signup', targetType: 'user', targetId: user.id }, meta);
      await recordLogin(tx, user.id);
      const tokens = await issueSession(this.ctx, tx, { userId: user.id, orgId: org.id, role: 'owner' }, meta);
      const verifyToken = await this.createUserToken(tx, user.id, 'email_verification', VERIFY_TOKEN_TTL_MS);
      return { result: { ...tokens, user: { id: user.id, email: user.email, org_id: org.id, org_name: org.name, role: 'owner' as Role } }, verifyToken };
    });
    await this.sendVerificationEmail(email, verifyToken);
    return result;
  }

  async login(input: { email: string; password: string; org_id?: string }, meta: RequestMeta): Promise<AuthResult> {
    const account = input.email.trim().toLowerCase();
    // Counted before the password is checked, so parallel guesses cannot outrun the count.
    const address = meta.ip ?? 'unknown';
    await this.throttle.admit(account, address);
    const user = await this.db
      .selectFrom('users')
      .select(['id', 'email', 'password_hash', 'status'])
      .where(sql`lower(email)`, '=', account)
      .executeTakeFirst();
    const ok = await verifyPassword(user?.password_hash ?? null, input.password);
    if (!user || !ok) throw unauthorized('Email or password is wrong', 'INVALID_CREDENTIALS');
    if (user.status !== 'active') throw forbidden('This account is disabled: contact your administrator', 'ACCOUNT_DISABLED');
    await this.throttle.succeeded(account, address);

    return withSystem(this.db, async (tx) => {
      let q = tx
        .selectFrom('memberships as m')
        .innerJoin('orgs as o', 'o.id', 'm.org_id')
        .select(['m.org_id', 'm.role', 'o.name', 'o.status'])
        .where('m.user_id', '=', user.id)
        .orderBy('m.created_at', 'asc');
      if (input.org_id) q = q.where('m.org_id', '=', input.org_id);
      const membership = await q.executeTakeFirst();
      if (!membership) {
        throw input.org_id
          ? forbidden('You are not a member of that organization', 'NOT_A_MEMBER')
          : forbidden('Your account belongs to no organization: accept an invite to join one', 'NO_ORGANIZATION');
      }
      if (membership.status === 'suspended') throw forbidden('This organization is suspended: contact support', 'ORG_SUSPENDED');
      await recordAudit(tx, { kind: 'user', userId: user.id, isSuperadmin: false }, { orgId: membership.org_id, action: 'auth.login', targetType: 'user', targetId: user.id }, meta);
      await recordLogin(tx, user.id);
      const tokens = await issueSession(this.ctx, tx, { userId: user.id, orgId: membership.org_id, role: membership.role }, meta);
      return { ...tokens, user: { id: user.id, email: user.email, org_id: membership.org_id, org_name: membership.name, role: membership.role } };
    });
  }

  /**
   * Rotate a refresh token. Presenting a token that was already rotated means it leaked
   * (or was replayed): the whole family is revoked, logging out every holder.
   */
  async refresh(refreshToken: string, meta: RequestMeta): Promise<AuthResult> {
    const tokenHash = hashSecret(refreshToken);
    const outcome = await withSystem(this.db, async (tx) => {
      const row = await tx.selectFrom('refresh_tokens').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
      if (!row) throw unauthorized('Refresh token is not valid: log in again', 'INVALID_REFRESH_TOKEN');
      if (row.revoked_at) throw unauthorized('This session was ended: log in again', 'INVALID_REFRESH_TOKEN');
      const rotated = await tx
        .updateTable('refresh_tokens')
        .set({ rotated_at: new Date() })
        .where('id', '=', row.id)
        .where('rotated_at', 'is', null)
        .returning('id')
        .executeTakeFirst();
      if (!rotated) return { kind: 'reused', row } as const;
      if (row.expires_at.getTime() <= Date.now()) throw unauthorized('Refresh token expired: log in again', 'REFRESH_TOKEN_EXPIRED');
      const member = await tx
        .selectFrom('memberships as m')
        .innerJoin('orgs as o', 'o.id', 'm.org_id')
        .innerJoin('users as u', 'u.id', 'm.user_id')
        .select(['m.role', 'o.name', 'o.status', 'u.email', 'u.status as user_status'])
        .where('m.org_id', '=', row.org_id)
        .where('m.user_id', '=', row.user_id)
        .executeTakeFirst();
      if (!member || member.user_status !== 'active') throw unauthorized('You no longer have access to this organization: log in again', 'INVALID_REFRESH_TOKEN');
      if (member.status === 'suspended') throw forbidden('This organization is suspended: contact support', 'ORG_SUSPENDED');
      const tokens = await issueSession(this.ctx, tx, { userId: row.user_id, orgId: row.org_id, role: member.role }, meta, row.family_id);
      return {
        kind: 'rotated',
        result: { ...tokens, user: { id: row.user_id, email: member.email, org_id: row.org_id, org_name: member.name, role: member.role } },
      } as const;
    });
    if (outcome.kind === 'reused') {
      const row = outcome.row;
      await withSystem(this.db, async (tx) => {
        await tx.updateTable('refresh_tokens').set({ revoked_at: new Date() }).where('family_id', '=', row.family_id).where('revoked_at', 'is', null).execute();
        await recordAudit(tx, { kind: 'user', userId: row.user_id, isSuperadmin: false }, {
          orgId: row.org_id, action: 'auth.refresh_token_reused', targetType: 'session', targetId: row.family_id,
        }, meta);
      });
      throw unauthorized('Refresh token was already used; every session of this login has been revoked: log in again', 'REFRESH_TOKEN_REUSED');
    }
    return outcome.result;
  }

  /** End the session the refresh token belongs to (its whole family). Unknown tokens are ignored. */
  async logout(refreshToken: string): Promise<void> {
    const row = await this.db.selectFrom('refresh_tokens').select('family_id').where('token_hash', '=', hashSecret(refreshToken)).executeTakeFirst();
    if (!row) return;
    await this.db.updateTable('refresh_tokens').set({ revoked_at: new Date() }).where('family_id', '=', row.family_id).where('revoked_at', 'is', null).execute();
  }

  /** Issue tokens for another org the user belongs to. */
  async switchOrg(principal: Principal, orgId: string, meta: RequestMeta): Promise<AuthResult> {
    if (principal.kind !== 'user' || !principal.userId) throw forbidden('Only users can switch organization', 'USER_REQUIRED');
    const userId = principal.userId;
    return withSystem(this.db, async (tx) => {
      const m = await tx
        .selectFrom('memberships as m')
        .innerJoin('orgs as o', 'o.id', 'm.org_id')
        .innerJoin('users as u', 'u.id', 'm.user_id')
        .select(['m.role', 'o.name', 'o.status', 'u.email'])
        .where('m.user_id', '=', userId)
        .where('m.org_id', '=', orgId)
        .executeTakeFirst();
      // Not a member answers 404 like any other org's resource.
      if (!m) throw notFound('Organization');
      if (m.status === 'suspended') throw forbidden('This organization is suspended: contact support', 'ORG_SUSPENDED');
      await recordAudit(tx, principal, { orgId, action: 'auth.switch_org', targetType: 'org', targetId: orgId }, meta);
      const tokens = await issueSession(this.ctx, tx, { userId, orgId, role: m.role }, meta);
      return { ...tokens, user: { id: userId, email: m.email, org_id: orgId, org_name: m.name, role: m.role } };
    });
  }

  async me(principal: Principal) {
    if (!principal.userId) {
      return withTenant(this.db, { orgId: principal.orgId }, async (tx) => {
        const org = await tx.selectFrom('orgs').select(['id', 'name', 'slug', 'plan', 'status']).where('id', '=', principal.orgId).executeTakeFirstOrThrow();
        return { kind: principal.kind, user: null, org, role: principal.role, scopes: principal.scopes ?? [], organizations: [] };
      });
    }
    return withTenant(this.db, { orgId: principal.orgId, userId: principal.userId }, async (tx) => {
      const user = await tx
        .selectFrom('users')
        .select(['id', 'email', 'display_name', 'email_verified_at', 'tc_accepted_at', 'is_superadmin', 'last_login_at', 'created_at'])
        .where('id', '=', principal.userId!)
        .executeTakeFirstOrThrow();
      const org = await tx.selectFrom('orgs').select(['id', 'name', 'slug', 'plan', 'status']).where('id', '=', principal.orgId).executeTakeFirstOrThrow();
      // own_memberships policy lets the user see their memberships in other orgs; org names
      // of those orgs are not visible under RLS, so they are fetched as the platform below.
      const memberships = await tx.selectFrom('memberships').select(['org_id', 'role']).where('user_id', '=', principal.userId!).execute();
      return { kind: principal.kind, user, org, role: principal.role, scopes: [], memberships };
    }).then(async (r) => {
      const ids = r.memberships.map((m) => m.org_id);
      const names = ids.length ? await this.db.selectFrom('orgs').select(['id', 'name', 'slug']).where('id', 'in', ids).execute() : [];
      const organizations = r.memberships.map((m) => ({ ...names.find((n) => n.id === m.org_id)!, role: m.role }));
      return { kind: r.kind, user: r.user, org: r.org, role: r.role, scopes: r.scopes, organizations };
    });
  }

  async acceptTerms(principal: Principal): Promise<Date> {
    if (!principal.userId) throw forbidden('Only users can accept the terms', 'USER_REQUIRED');
    const now = new Date();
    await withTenant(this.db, { orgId: principal.orgId, userId: principal.userId }, (tx) =>
      tx.updateTable('users').set({ tc_accepted_at: now, updated_at: now }).where('id', '=', principal.userId!).execute(),
    );
    return now;
  }

  /** Always succeeds from the caller's view, so the endpoint cannot be used to probe accounts. */
  async requestPasswordReset(email: string): Promise<void> {
    const user = await this.db.selectFrom('users').select(['id', 'email']).where(sql`lower(email)`, '=', email.trim().toLowerCase()).where('status', '=', 'active').executeTakeFirst();
    if (!user) return;
    const token = await withSystem(this.db, (tx) => this.createUserToken(tx, user.id, 'password_reset', RESET_TOKEN_TTL_MS));
    const link = `${this.publicUrl()}/reset-password?token=${encodeURIComponent(token)}`;
    await this.ctx.mailer.send({
      to: user.email,
      subject: 'Reset your password',
      text: `Someone asked to reset the password of your account.\n\nTo choose a new password, open:\n${link}\n\nOr send this token to POST /api/v1/auth/password-reset/confirm:\n${token}\n\nThe link works once, for one hour. If you did not ask for it, ignore this message.`,
    });
  }

  async resetPassword(token: string, newPassword: string, meta: RequestMeta): Promise<void> {
    const passwordHash = await hashPassword(newPassword);
    await withSystem(this.db, async (tx) => {
      const row = await this.consumeUserToken(tx, token, 'password_reset');
      await tx.updateTable('users').set({ password_hash: passwordHash, updated_at: new Date() }).where('id', '=', row.user_id).execute();
      // A reset ends every existing session of the account.
      await tx.updateTable('refresh_tokens').set({ revoked_at: new Date() }).where('user_id', '=', row.user_id).where('revoked_at', 'is', null).execute();
      const { email } = await tx.selectFrom('users').select('email').where('id', '=', row.user_id).executeTakeFirstOrThrow();
      await LoginThrottle.clear(tx, email.toLowerCase());
      const orgs = await tx.selectFrom('memberships').select('org_id').where('user_id', '=', row.user_id).execute();
      for (const o of orgs) {
        await recordAudit(tx, { kind: 'user', userId: row.user_id, isSuperadmin: false }, { orgId: o.org_id, action: 'auth.password_reset', targetType: 'user', targetId: row.user_id }, meta);
      }
    });
  }

  async requestEmailVerification(principal: Principal): Promise<void> {
    if (!principal.userId) throw forbidden('Only users have an email to verify', 'USER_REQUIRED');
    const user = await this.db.selectFrom('users').select(['id', 'email', 'email_verified_at']).where('id', '=', principal.userId).executeTakeFirstOrThrow();
    if (user.email_verified_at) throw conflict('Your email is already verified', 'ALREADY_VERIFIED');
    const token = await withSystem(this.db, (tx) => this.createUserToken(tx, user.id, 'email_verification', VERIFY_TOKEN_TTL_MS));
    await this.sendVerificationEmail(user.email, token);
  }

  async verifyEmail(token: string): Promise<void> {
    await withSystem(this.db, async (tx) => {
      const row = await this.consumeUserToken(tx, token, 'email_verification');
      await tx.updateTable('users').set({ email_verified_at: new Date(), updated_at: new Date() }).where('id', '=', row.user_id).execute();
    });
  }

  private async sendVerificationEmail(email: string, token: string) {
    const link = `${this.publicUrl()}/verify-email?token=${encodeURIComponent(token)}`;
    await this.ctx.mailer.send({
      to: email,
      subject: 'Confirm your email address',
      text: `Welcome to Tenantry.\n\nConfirm your email address by opening:\n${link}\n\nOr send this token to POST /api/v1/auth/verify-email/confirm:\n${token}\n`,
    });
  }

  private publicUrl() {
    return this.ctx.config.publicUrl ?? `http://localhost:${this.ctx.config.port}`;
  }

  private async createUserToken(tx: Parameters<Parameters<typeof withSystem>[1]>[0], userId: string, purpose: 'password_reset' | 'email_verification', ttlMs: number) {
    const token = newSecret(purpose === 'password_reset' ? 'pr_' : 'ev_');
    await tx.insertInto('user_tokens').values({ user_id: userId, purpose, token_hash: hashSecret(token), expires_at: new Date(Date.now() + ttlMs) }).execute();
    return token;
  }

  private async consumeUserToken(tx: Parameters<Parameters<typeof withSystem>[1]>[0], token: string, purpose: 'password_reset' | 'email_verification') {
    const row = await tx
      .updateTable('user_tokens')
      .set({ used_at: new Date() })
      .where('token_hash', '=', hashSecret(token))
      .where('purpose', '=', purpose)
      .where('used_at', 'is', null)
      .where('expires_at', '>', new Date())
      .returning(['user_id'])
      .executeTakeFirst();
    if (!row) throw badRequest('This link is invalid, already used or expired: ask for a new one', undefined, 'INVALID_TOKEN');
    return row;
  }
}

import { sql } from 'kysely';
import type { PlatformContext } from '../context.js';
import type { Role } from '../db/schema.js';
import { withSystem, withTenant } from '../db/tenant.js';
import { fetchPage, type PageRequest } from '../db/page.js';
import { recordAudit, type RequestMeta } from '../audit/audit.service.js';
import { ROLE_RANK, hasRole, type Principal } from '../auth/principal.js';
import { badRequest, conflict, forbidden, notFound } from '../errors.js';
import { hashPassword, hashSecret, newSecret } from '../auth/secrets.js';
import { issueSession, recordLogin } from '../auth/sessions.js';
import type { AuthResult } from '../auth/auth.service.js';

const INVITE_TTL_MS = 7 * 24 * 60 * 60 * 1000;

/** Members, roles and invitations of the caller's org. */
export class MembersService {
  /** `onAccessChanged` drops cached access (Authenticator), so a removal or demotion bites on the next request. */
  constructor(private readonly ctx: PlatformContext, private readonly onAccessChanged: () => void = () => {}) {}


  listMembers(p: Principal, page: PageRequest) {
    return withTenant(this.ctx.database.db, p, (tx) =>
      fetchPage(tx.selectFrom('memberships as m').innerJoin('users as u', 'u.id', 'm.user_id').where('m.org_id', '=', p.orgId), page, (filtered) =>
        filtered
          .select(['u.id as user_id', 'u.email', 'u.display_name', 'm.role', 'm.created_at as joined_at', 'u.last_login_at'])
          .orderBy('m.created_at', 'asc')
          .orderBy('u.id', 'asc'),
      ),
    );
  }

  /**
   * Change a member's role. Admins manage roles below their own; only owners grant or take
   * away ownership; the last owner cannot be demoted.
   */
  async changeRole(p: Principal, userId: string, role: Role, meta: RequestMeta) {
    const result = await withTenant(this.ctx.database.db, p, async (tx) => {
      const target = await tx.selectFrom('memberships').select(['role']).where('org_id', '=', p.orgId).where('user_id', '=', userId).forUpdate().executeTakeFirst();
      if (!target) throw notFound('Member');
      this.assertCanManage(p, target.role, role);
      if (target.role === 'owner' && role !== 'owner') await this.assertNotLastOwner(tx, p.orgId);
      await tx.updateTable('memberships').set({ role }).where('org_id', '=', p.orgId).where('user_id', '=', userId).execute();
      await recordAudit(tx, p, { orgId: p.orgId, action: 'member.role_changed', targetType: 'user', targetId: userId, metadata: { from: target.role, to: role } }, meta);
      return { user_id: userId, role };
    });
    this.onAccessChanged();
    return result;
  }

  async removeMember(p: Principal, userId: string, meta: RequestMeta) {
    await withTenant(this.ctx.database.db, p, async (tx) => {
      const target = await tx.selectFrom('memberships').select(['role']).where('org_id', '=', p.orgId).where('user_id', '=', userId).forUpdate().executeTakeFirst();
      if (!target) throw notFound('Member');
      if (userId !== p.userId) {
        this.assertCanManage(p, target.role, target.role);
        // Removal is the strongest demotion, so the rule for demoting admins applies to it too.
        if (p.role === 'admin' && target.role === 'admin') throw forbidden('An admin cannot remove another admin: ask an owner', 'INSUFFICIENT_ROLE');
      }
      if (target.role === 'owner') await this.assertNotLastOwner(tx, p.orgId);
      await tx.deleteFrom('memberships').where('org_id', '=', p.orgId).where('user_id', '=', userId).execute();
      await tx.updateTable('refresh_tokens').set({ revoked_at: new Date() }).where('org_id', '=', p.orgId).where('user_id', '=', userId).where('revoked_at', 'is', null).execute();
      await recordAudit(tx, p, { orgId: p.orgId, action: userId === p.userId ? 'member.left' : 'member.removed', targetType: 'user', targetId: userId }, meta);
    });
    this.onAccessChanged();
  }

  leave(p: Principal, meta: RequestMeta) {
    if (!p.userId) throw forbidden('Only users can leave an organization', 'USER_REQUIRED');
    return this.removeMember(p, p.userId, meta);
  }

  async createInvite(p: Principal, input: { email: string; role: Role }, meta: RequestMeta) {
    if (input.role === 'owner' && p.role !== 'owner') throw forbidden('Only an owner can invite another owner', 'INSUFFICIENT_ROLE');
    if (ROLE_RANK[input.role] > ROLE_RANK[p.role]) throw forbidden('You cannot invite someone with a higher role than yours', 'INSUFFICIENT_ROLE');
    const token = newSecret('inv_');
    const email = input.email.trim();
    const invite = await withTenant(this.ctx.database.db, p, async (tx) => {
      const already = await tx
        .selectFrom('memberships as m')
        .innerJoin('users as u', 'u.id', 'm.user_id')
        .select('u.id')
        .where('m.org_id', '=', p.orgId)
        .where(sql`lower(u.email)`, '=', email.toLowerCase())
        .executeTakeFirst();
      if (already) throw conflict('This person is already a member', 'ALREADY_MEMBER');
      const row = await tx
        .insertInto('invites')
        .values({ org_id: p.orgId, email, role: input.role, token_hash: hashSecret(token), invited_by: p.userId, expires_at: new Date(Date.now() + INVITE_TTL_MS) })
        .returning(['id', 'email', 'role', 'created_at', 'expires_at'])
        .executeTakeFirstOrThrow();
      const org = await tx.selectFrom('orgs').select(['name']).where('id', '=', p.orgId).executeTakeFirstOrThrow();
      await recordAudit(tx, p, { orgId: p.orgId, action: 'invite.created', targetType: 'invite', targetId: row.id, metadata: { email, role: input.role } }, meta);
      return { ...row, org_name: org.name };
    });
    await this.sendInvite(invite.email, invite.org_name, invite.role, token, invite.expires_at);
    // The token goes only to the invited address: whoever accepts it has proved they read that
    // inbox, which is why acceptance may mark the address verified. The admin never sees it.
    return { id: invite.id, email: invite.email, role: invite.role, created_at: invite.created_at, expires_at: invite.expires_at };
  }

  /**
   * Send a pending invitation again (lost email, or about to expire): a new token replaces the
   * old one, which stops working, and the invitation runs for another full period.
   */
  async resendInvite(p: Principal, inviteId: string, meta: RequestMeta) {
    const token = newSecret('inv_');
    const invite = await withTenant(this.ctx.database.db, p, async (tx) => {
      const pending = await tx
        .selectFrom('invites')
        .select(['role'])
        .where('org_id', '=', p.orgId)
        .where('id', '=', inviteId)
        .where('accepted_at', 'is', null)
        .where('revoked_at', 'is', null)
        .forUpdate()
        .executeTakeFirst();
      if (!pending) throw notFound('Invite', 'NOT_FOUND', 'Invite not found, or already accepted or revoked: create a new one');
      if (ROLE_RANK[pending.role] > ROLE_RANK[p.role]) throw forbidden('You cannot resend an invitation for a higher role than yours', 'INSUFFICIENT_ROLE');
      const row = await tx
        .updateTable('invites')
        .set({ token_hash: hashSecret(token), expires_at: new Date(Date.now() + INVITE_TTL_MS) })
        .where('org_id', '=', p.orgId)
        .where('id', '=', inviteId)
        .returning(['id', 'email', 'role', 'created_at', 'expires_at'])
        .executeTakeFirstOrThrow();
      const org = await tx.selectFrom('orgs').select(['name']).where('id', '=', p.orgId).executeTakeFirstOrThrow();
      await recordAudit(tx, p, { orgId: p.orgId, action: 'invite.resent', targetType: 'invite', targetId: row.id, metadata: { email: row.email } }, meta);
      return { ...row, org_name: org.name };
    });
    await this.sendInvite(invite.email, invite.org_name, invite.role, token, invite.expires_at);
    return { id: invite.id, email: invite.email, role: invite.role, created_at: invite.created_at, expires_at: invite.expires_at };
  }

  private async sendInvite(to: string, orgName: string, role: Role, token: string, expiresAt: Date) {
    const base = this.ctx.config.publicUrl ?? `http://localhost:${this.ctx.config.port}`;
    await this.ctx.mailer.send({
      to,
      subject: `You are invited to join ${orgName}`,
      text: `You have been invited to join ${orgName} as ${role}.\n\nAccept: ${base}/invite?token=${encodeURIComponent(token)}\n\nOr send this token to POST /api/v1/invites/accept:\n${token}\n\nThe invitation expires on ${expiresAt.toISOString()}.`,
    });
  }

  listInvites(p: Principal) {
    return withTenant(this.ctx.database.db, p, (tx) =>
      tx
        .selectFrom('invites')
        .select(['id', 'email', 'role', 'created_at', 'expires_at', 'accepted_at', 'revoked_at'])
        .where('org_id', '=', p.orgId)
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(200)
        .execute(),
    );
  }

  revokeInvite(p: Principal, inviteId: string, meta: RequestMeta) {
    return withTenant(this.ctx.database.db, p, async (tx) => {
      const row = await tx
        .updateTable('invites')
        .set({ revoked_at: new Date() })
        .where('org_id', '=', p.orgId)
        .where('id', '=', inviteId)
        .where('accepted_at', 'is', null)
        .where('revoked_at', 'is', null)
        .returning('id')
        .executeTakeFirst();
      if (!row) throw notFound('Invite');
      await recordAudit(tx, p, { orgId: p.orgId, action: 'invite.revoked', targetType: 'invite', targetId: inviteId }, meta);
    });
  }

  /**
   * Accept an invitation with its token. An existing account must be the invited email
   * (logged in, or proving the password); a new email creates the account here.
   * The token is the credential, so this runs as the platform.
   */
  async acceptInvite(
    input: { token: string; password?: string; display_name?: string },
    caller: Principal | null,
    meta: RequestMeta,
  ): Promise<AuthResult> {
    const db = this.ctx.database.db;
    const tokenHash = hashSecret(input.token);
    // The token is looked up before any costly work: a wrong guess costs one indexed read, not an
    // argon2 hash. The transaction below checks the invitation again, under lock.
    const found = await db.selectFrom('invites').select(['email', 'expires_at', 'accepted_at', 'revoked_at']).where('token_hash', '=', tokenHash).executeTakeFirst();
    if (!found || !isOpen(found)) throw invalidInvite();
    const accountExists = await db.selectFrom('users').select('id').where(sql`lower(email)`, '=', found.email.toLowerCase()).executeTakeFirst();
    // Hashed outside the transaction: PGlite has one connection, and argon2 takes tens of milliseconds.
    const newPasswordHash = !accountExists && input.password ? await hashPassword(input.password) : null;
    return withSystem(db, async (tx) => {
      const invite = await tx
        .selectFrom('invites as i')
        .innerJoin('orgs as o', 'o.id', 'i.org_id')
        .select(['i.id', 'i.org_id', 'i.email', 'i.role', 'i.expires_at', 'i.accepted_at', 'i.revoked_at', 'o.name as org_name', 'o.status as org_status'])
        .where('i.token_hash', '=', tokenHash)
        .forUpdate()
        .executeTakeFirst();
      if (!invite || !isOpen(invite)) throw invalidInvite();
      if (invite.org_status === 'suspended') throw forbidden('This organization is suspended', 'ORG_SUSPENDED');
      let user = await tx.selectFrom('users').select(['id', 'email', 'password_hash']).where(sql`lower(email)`, '=', invite.email.toLowerCase()).executeTakeFirst();
      if (user) {
        const authorised = caller?.userId === user.id;
        if (!authorised) {
          throw forbidden('An account with this email exists: log in as that account and accept the invitation again', 'LOGIN_REQUIRED');
        }
      } else {
        if (!newPasswordHash) throw badRequest('A password is required to create your account', undefined, 'PASSWORD_REQUIRED');
        user = await tx
          .insertInto('users')
          .values({
            email: invite.email,
            password_hash: newPasswordHash,
            display_name: input.display_name ?? null,
            // Verified because the token travelled only in the email sent to this address (the
            // inviting admin never sees it): presenting it proves the invitee reads that inbox.
            email_verified_at: new Date(),
          })
          .returning(['id', 'email', 'password_hash'])
          .executeTakeFirstOrThrow();
      }
      await tx
        .insertInto('memberships')
        .values({ org_id: invite.org_id, user_id: user.id, role: invite.role })
        .onConflict((oc) => oc.columns(['org_id', 'user_id']).doNothing())
        .execute();
      const membership = await tx.selectFrom('memberships').select('role').where('org_id', '=', invite.org_id).where('user_id', '=', user.id).executeTakeFirstOrThrow();
      await tx.updateTable('invites').set({ accepted_at: new Date() }).where('id', '=', invite.id).execute();
      await recordAudit(tx, { kind: 'user', userId: user.id, isSuperadmin: false }, { orgId: invite.org_id, action: 'invite.accepted', targetType: 'invite', targetId: invite.id }, meta);
      await recordLogin(tx, user.id);
      const tokens = await issueSession(this.ctx, tx, { userId: user.id, orgId: invite.org_id, role: membership.role }, meta);
      return { ...tokens, user: { id: user.id, email: user.email, org_id: invite.org_id, org_name: invite.org_name, role: membership.role } };
    });
  }

  private assertCanManage(p: Principal, currentRole: Role, newRole: Role) {
    if (!hasRole(p, 'admin')) throw forbidden('Only admins and owners manage members', 'INSUFFICIENT_ROLE');
    const touchesOwner = currentRole === 'owner' || newRole === 'owner';
    if (touchesOwner && p.role !== 'owner') throw forbidden('Only an owner can grant or remove ownership', 'INSUFFICIENT_ROLE');
    if (!touchesOwner && p.role === 'admin' && currentRole === 'admin' && newRole !== 'admin') {
      throw forbidden('An admin cannot demote another admin: ask an owner', 'INSUFFICIENT_ROLE');
    }
  }

  private async assertNotLastOwner(tx: Parameters<Parameters<typeof withTenant>[2]>[0], orgId: string) {
    // Lock every owner row so two owners demoting each other at once cannot both succeed.
    const owners = await tx.selectFrom('memberships').select('user_id').where('org_id', '=', orgId).where('role', '=', 'owner').forUpdate().execute();
    if (owners.length <= 1) throw conflict('The last owner cannot leave, be removed or be demoted: make someone else owner first', 'LAST_OWNER');
  }
}

function isOpen(invite: { expires_at: Date; accepted_at: Date | null; revoked_at: Date | null }): boolean {
  return !invite.revoked_at && !invite.accepted_at && invite.expires_at.getTime() > Date.now();
}

const invalidInvite = () => badRequest('This invitation is invalid, already used or expired: ask for a new one', undefined, 'INVALID_INVITE');

import { sql } from 'kysely';
import type { PlatformContext } from '../context.js';
import { withSystem } from '../db/tenant.js';
import { recordAudit, type RequestMeta } from '../audit/audit.service.js';
import { AppError, badRequest, conflict, forbidden, isUniqueViolation, notFound, unauthorized } from '../errors.js';
import type { Principal } from './principal.js';
import type { SupabaseClaims } from './tokens.js';
import { createOrgWithOwner } from '../tenancy/orgs.service.js';

export interface SupabaseUser {
  id: string;
  status: 'active' | 'disabled';
  is_superadmin: boolean;
}

/**
 * Which platform user a Supabase identity (its `sub`) signs in as. An identity is linked to a
 * platform user only on proof that both belong to the same person:
 * - explicitly, by a logged-in platform user presenting the Supabase token (`link`);
 * - automatically, on first sign-in, only when both sides say the email is verified (the platform
 *   user confirmed it with us, and the token carries Supabase's word for it), and never for a
 *   superadmin or a user already linked to another identity.
 * A matching email alone proves nothing: a Supabase project that does not confirm emails lets
 * anyone sign up there with an operator's address.
 */
export class SupabaseIdentities {
  constructor(private readonly ctx: PlatformContext) {}

  private get db() {
    return this.ctx.database.db;
  }

  async userFor(claims: SupabaseClaims): Promise<SupabaseUser> {
    const linked = await this.linkedUser(claims.sub);
    if (linked) return linked;
    if (!claims.email) throw unauthorized('Supabase token has no email to link an account with', 'INVALID_TOKEN');
    try {
      return await this.linkOrCreate(claims, claims.email);
    } catch (err) {
      // Two first requests of one new identity at once: the other one created the user.
      if (!isUniqueViolation(err)) throw err;
      const created = await this.linkedUser(claims.sub);
      if (!created) throw conflict('An account with this email was created at the same moment: sign in again', 'EMAIL_TAKEN');
      return created;
    }
  }

  /** A logged-in platform user links the Supabase identity whose access token they present. */
  async link(principal: Principal, supabaseToken: string, meta: RequestMeta) {
    if (!principal.userId) throw forbidden('Only users can link a Supabase sign-in', 'USER_REQUIRED');
    if (!this.ctx.tokens.supabaseConfigured) {
      throw notFound('Supabase sign-in', 'SUPABASE_NOT_CONFIGURED', 'Supabase sign-in is not enabled on this server (SUPABASE_JWT_SECRET is not set)');
    }
    const claims = await this.ctx.tokens.verifySupabase(supabaseToken).catch((err: unknown) => {
      // The caller's own session is fine: it is the Supabase token in the body that is not.
      if (err instanceof AppError) throw invalidSupabaseToken(err.message);
      throw err;
    });
    if (!claims) throw invalidSupabaseToken('It is not an access token signed by this Supabase project');
    const userId = principal.userId;
    await withSystem(this.db, async (tx) => {
      const user = await tx.selectFrom('users').select(['supabase_user_id']).where('id', '=', userId).forUpdate().executeTakeFirstOrThrow();
      if (user.supabase_user_id === claims.sub) return;
      if (user.supabase_user_id) throw conflict('Your account is already linked to another Supabase identity', 'SUPABASE_ALREADY_LINKED');
      const holder = await tx.selectFrom('users').select('id').where('supabase_user_id', '=', claims.sub).executeTakeFirst();
      if (holder) throw conflict('This Supabase identity is linked to another account: sign in with it to use that account', 'SUPABASE_IDENTITY_TAKEN');
      await tx.updateTable('users').set({ supabase_user_id: claims.sub, updated_at: new Date() }).where('id', '=', userId).execute();
      await recordAudit(tx, principal, { orgId: principal.orgId, action: 'auth.supabase_linked', targetType: 'user', targetId: userId, metadata: { supabase_user_id: claims.sub } }, meta);
    });
    return { user_id: userId, supabase_user_id: claims.sub };
  }

  private linkedUser(sub: string) {
    return this.db.selectFrom('users').select(['id', 'status', 'is_superadmin']).where('supabase_user_id', '=', sub).executeTakeFirst();
  }

  private linkOrCreate(claims: SupabaseClaims, email: string): Promise<SupabaseUser> {
    return withSystem(this.db, async (tx) => {
      const existing = await tx
        .selectFrom('users')
        .select(['id', 'status', 'is_superadmin', 'email_verified_at', 'supabase_user_id'])
        .where(sql`lower(email)`, '=', email.toLowerCase())
        .forUpdate()
        .executeTakeFirst();
      if (existing) {
        const provenSamePerson = claims.emailVerified && existing.email_verified_at !== null && !existing.is_superadmin && existing.supabase_user_id === null;
        if (!provenSamePerson) {
          throw forbidden(
            'An account with this email already exists: log in to it and link your Supabase sign-in with POST /api/v1/auth/supabase/link',
            'SUPABASE_LINK_REQUIRED',
          );
        }
        await tx.updateTable('users').set({ supabase_user_id: claims.sub, updated_at: new Date() }).where('id', '=', existing.id).execute();
        return { id: existing.id, status: existing.status, is_superadmin: existing.is_superadmin };
      }
      const created = await tx
        .insertInto('users')
        // Verified only when Supabase says so: a project may not confirm emails at all.
        .values({ email, password_hash: null, supabase_user_id: claims.sub, email_verified_at: claims.emailVerified ? new Date() : null })
        .returning(['id', 'status', 'is_superadmin'])
        .executeTakeFirstOrThrow();
      await createOrgWithOwner(tx, { name: `${email.split('@')[0]}'s workspace`, ownerId: created.id, storageLimitBytes: this.ctx.config.defaultStorageLimitBytes });
      return created;
    });
  }
}

const invalidSupabaseToken = (why: string) => badRequest(`supabase_token is not usable: ${why}`, undefined, 'INVALID_SUPABASE_TOKEN');

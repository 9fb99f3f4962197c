import type { PlatformContext } from '../../../platform/context.js';
import type { RequestMeta } from '../../../platform/audit/audit.service.js';
import { AuthService, type AuthResult } from '../../../platform/auth/auth.service.js';
import { auraDb } from '../db.js';
import { auraRoleOf, redirectFor, type AuraRole } from '../access.js';

/** An org id no membership has: an unknown slug then fails like a wrong org, after the password check. */
const NO_ORG = '00000000-0000-0000-0000-000000000000';

export type AuraAuthResult = AuthResult & { role: AuraRole; org_id: string; org_slug: string; redirect: ReturnType<typeof redirectFor> };

/**
 * The seed's login: email and password through the platform's auth service (its throttle,
 * suspension and membership checks), answered with the seed's claims. The platform's access
 * token carries the org and the platform role; Aura's role, the org's slug and the portal are
 * answered next to it (the server re-reads the role from the membership on every request, so
 * a claim in the token would only be a stale copy).
 */
export class AuraAuthService {
  private readonly auth: AuthService;

  constructor(private readonly ctx: PlatformContext) {
    this.auth = new AuthService(ctx);
  }

  async login(input: { email: string; password: string; org_slug?: string }, meta: RequestMeta): Promise<AuraAuthResult> {
    let orgId: string | undefined;
    if (input.org_slug) {
      const org = await auraDb.db(this.ctx).selectFrom('orgs').select('id').where('slug', '=', input.org_slug).executeTakeFirst();
      orgId = org?.id ?? NO_ORG;
    }
    const session = await this.auth.login({ email: input.email, password: input.password, org_id: orgId }, meta);
    return withClaims(this.ctx, session);
  }
}

/** The seed's claims for a session just issued: read as that user, in that org. */
export async function withClaims(ctx: PlatformContext, session: AuthResult): Promise<AuraAuthResult> {
  const { user } = session;
  const facts = await auraDb.withTenant(ctx, { orgId: user.org_id, userId: user.id }, async (tx) => {
    const org = await tx.selectFrom('orgs').select('slug').where('id', '=', user.org_id).executeTakeFirstOrThrow();
    const me = await tx.selectFrom('users').select('is_superadmin').where('id', '=', user.id).executeTakeFirstOrThrow();
    return { slug: org.slug, isSuperadmin: me.is_superadmin };
  });
  const role = auraRoleOf(user.role, facts.isSuperadmin);
  return { ...session, role, org_id: user.org_id, org_slug: facts.slug, redirect: redirectFor(role) };
}

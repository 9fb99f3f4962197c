import type { FastifyRequest } from 'fastify';
import type { PlatformContext } from '../context.js';
import type { Role } from '../db/schema.js';
import { type AppError, badRequest, forbidden, unauthorized } from '../errors.js';
import { hasRole, type Principal } from './principal.js';
import { hashSecret } from './secrets.js';
import { SupabaseIdentities } from './supabase-identity.js';
import { TICKET_TTL_SECONDS, type SupabaseClaims } from './tokens.js';
import { credentialFromWebSocketProtocol } from '../realtime/ws-protocol.js';

export const API_KEY_PREFIX = 'tnt_';

/** How long a membership/org-status lookup is reused; bounds how late a suspension or removal bites. */
const ACCESS_CACHE_MS = 2_000;
/** last_used_at is written at most this often per key, not on every request. */
const KEY_TOUCH_MS = 60_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface AccessState {
  role: Role | null;
  orgStatus: 'active' | 'suspended' | null;
  userActive: boolean;
  isSuperadmin: boolean;
}

/**
 * Turns the Authorization header into a Principal: an API key (tnt_…), one of our JWTs,
 * or (when configured) a Supabase JWT. The role is re-read from the membership (briefly
 * cached) rather than trusted from the token, so removal and suspension apply at once.
 */
export class Authenticator {
  private readonly cache = new Map<string, { state: Promise<AccessState>; at: number }>();
  private readonly keyTouched = new Map<string, number>();

  private readonly supabase: SupabaseIdentities;

  constructor(private readonly ctx: PlatformContext) {
    this.supabase = new SupabaseIdentities(ctx);
  }

  async resolve(request: FastifyRequest): Promise<Principal | null> {
    const header = request.headers.authorization;
    if (header) {
      const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
      if (!m) throw unauthorized('Authorization header must be "Bearer <token>"', 'INVALID_TOKEN');
      return this.fromToken(m[1], request);
    }
    if (!request.routeOptions.config?.allowTicket) return null;
    // Browsers cannot set headers on EventSource/WebSocket. Tokens in URLs end up in access
    // logs, proxies and browser history, so those routes take a spent-on-use ticket instead.
    const query = request.query as Record<string, unknown> | undefined;
    if (query?.access_token !== undefined) {
      throw badRequest('Access tokens are not accepted in URLs: get a ticket from POST /api/v1/realtime/ticket and pass ?ticket=, or send an Authorization header', undefined, 'TOKEN_IN_URL');
    }
    if (typeof query?.ticket === 'string') return this.fromTicket(query.ticket);
    const offered = credentialFromWebSocketProtocol(request.headers['sec-websocket-protocol']);
    if (offered?.kind === 'ticket') return this.fromTicket(offered.value);
    if (offered?.kind === 'bearer') return this.fromToken(offered.value, request);
    return null;
  }

  private fromToken(token: string, request: FastifyRequest): Promise<Principal> {
    return token.startsWith(API_KEY_PREFIX) ? this.fromApiKey(token) : this.fromJwt(token, request);
  }

  private async fromJwt(token: string, request: FastifyRequest): Promise<Principal> {
    const supa = await this.ctx.tokens.verifySupabase(token);
    if (supa) return this.fromSupabase(supa, request);
    const claims = await this.ctx.tokens.verifyAccess(token);
    return this.userPrincipal(claims.org_id, claims.sub, { tokenId: claims.jti, expiresAt: claims.exp * 1000 });
  }

  /** A member of the org, as the membership says now (the token's role is not trusted). */
  private async userPrincipal(orgId: string, userId: string, extra: Pick<Principal, 'tokenId' | 'expiresAt'>): Promise<Principal> {
    const state = await this.accessState(orgId, userId);
    const loss = userAccessLoss(state);
    if (loss) throw loss;
    return { kind: 'user', orgId, userId, role: state.role!, isSuperadmin: state.isSuperadmin, ...extra };
  }

  private async fromApiKey(key: string): Promise<Principal> {
    const row = await this.apiKeyRow('key_hash', hashSecret(key));
    const loss = apiKeyAccessLoss(row);
    if (loss) throw loss;
    const found = row!;
    const now = Date.now();
    const touched = this.keyTouched.get(found.id) ?? found.last_used_at?.getTime() ?? 0;
    if (now - touched > KEY_TOUCH_MS) {
      this.keyTouched.set(found.id, now);
      await this.ctx.database.db.updateTable('api_keys').set({ last_used_at: new Date(now) }).where('id', '=', found.id).execute();
    }
    return { kind: 'api_key', orgId: found.org_id, userId: null, role: found.role, apiKeyId: found.id, scopes: found.scopes, isSuperadmin: false };
  }

  private apiKeyRow(by: 'key_hash' | 'id', value: string) {
    return this.ctx.database.db
      .selectFrom('api_keys as k')
      .innerJoin('orgs as o', 'o.id', 'k.org_id')
      .select(['k.id', 'k.org_id', 'k.role', 'k.scopes', 'k.revoked_at', 'k.last_used_at', 'o.status'])
      .where(`k.${by}`, '=', value)
      .executeTakeFirst();
  }

  /**
   * A realtime ticket (POST /api/v1/realtime/ticket): valid for seconds and spent on first
   * use, so one seen in a log or a proxy is worthless. Access is checked again on redemption.
   */
  private async fromTicket(ticket: string): Promise<Principal> {
    const claims = await this.ctx.tokens.verifyTicket(ticket);
    // The shared limiter store (Redis when REDIS_URL is set) remembers spent tickets for longer than they live.
    const spent = await this.ctx.rateLimiter.check(`realtime-ticket:${claims.jti}`, 1, (TICKET_TTL_SECONDS + 30) * 1000);
    if (spent) throw unauthorized('This realtime ticket was already used: get a new one from POST /api/v1/realtime/ticket for each connection', 'TICKET_USED');
    if (claims.kind === 'user') {
      return this.userPrincipal(claims.orgId, claims.userId!, { expiresAt: claims.sessionExp ? claims.sessionExp * 1000 : undefined });
    }
    const row = await this.apiKeyRow('id', claims.apiKeyId!);
    const loss = apiKeyAccessLoss(row);
    if (loss) throw loss;
    return { kind: 'api_key', orgId: row!.org_id, userId: null, role: row!.role, apiKeyId: row!.id, scopes: row!.scopes, isSuperadmin: false };
  }

  /**
   * Whether a principal resolved earlier may still act: a long-lived stream asks this
   * periodically. Returns the error the caller would get now (removed member, disabled
   * account, revoked key, suspended org, expired token), or null.
   */
  async accessLoss(p: Principal): Promise<AppError | null> {
    if (p.expiresAt !== undefined && p.expiresAt <= Date.now()) {
      return unauthorized('Your session expired: refresh your access token, then reconnect', 'TOKEN_EXPIRED');
    }
    if (p.kind === 'api_key' && p.apiKeyId) return apiKeyAccessLoss(await this.apiKeyRow('id', p.apiKeyId));
    if (p.kind === 'user' && p.userId) return userAccessLoss(await this.accessState(p.orgId, p.userId));
    return null;
  }

  /**
   * A Supabase session, as the platform user its identity is linked to (supabase-identity.ts
   * says when an identity may be linked or gets an account of its own). The org is the
   * x-org-id header or the first membership.
   */
  private async fromSupabase(claims: SupabaseClaims, request: FastifyRequest): Promise<Principal> {
    const db = this.ctx.database.db;
    const user = await this.supabase.userFor(claims);
    if (user.status !== 'active') throw unauthorized('This account is disabled', 'ACCOUNT_DISABLED');
    const wanted = request.headers['x-org-id'];
    if (wanted !== undefined && (typeof wanted !== 'string' || !UUID.test(wanted))) {
      throw badRequest('x-org-id must be the UUID of an organization you belong to', undefined, 'INVALID_ORG_ID');
    }
    let q = db.selectFrom('memberships as m').innerJoin('orgs as o', 'o.id', 'm.org_id').select(['m.org_id', 'm.role', 'o.status']).where('m.user_id', '=', user.id).orderBy('m.created_at');
    if (typeof wanted === 'string') q = q.where('m.org_id', '=', wanted);
    const m = await q.executeTakeFirst();
    if (!m) throw forbidden('You are not a member of that organization', 'NOT_A_MEMBER');
    if (m.status === 'suspended') throw forbidden('This organization is suspended: contact support', 'ORG_SUSPENDED');
    return { kind: 'user', orgId: m.org_id, userId: user.id, role: m.role, isSuperadmin: user.is_superadmin, expiresAt: claims.exp ? claims.exp * 1000 : undefined };
  }

  /**
   * The membership and statuses as the database says now, cached for ACCESS_CACHE_MS. The
   * cache holds the lookup itself, so the requests that find it stale at the same moment (a
   * busy client's whole burst) share one query instead of each sending its own.
   */
  private accessState(orgId: string, userId: string): Promise<AccessState> {
    const key = `${orgId}:${userId}`;
    const hit = this.cache.get(key);
    const now = Date.now();
    if (hit && now - hit.at < ACCESS_CACHE_MS) return hit.state;
    const state = this.readAccessState(orgId, userId);
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(key, { state, at: now });
    // A failed lookup is not remembered: the next request asks again.
    state.catch(() => {
      if (this.cache.get(key)?.state === state) this.cache.delete(key);
    });
    return state;
  }

  private async readAccessState(orgId: string, userId: string): Promise<AccessState> {
    const row = await this.ctx.database.db
      .selectFrom('users as u')
      .leftJoin('memberships as m', (j) => j.onRef('m.user_id', '=', 'u.id').on('m.org_id', '=', orgId))
      .leftJoin('orgs as o', 'o.id', 'm.org_id')
      .select(['u.status', 'u.is_superadmin', 'm.role', 'o.status as org_status'])
      .where('u.id', '=', userId)
      .executeTakeFirst();
    return {
      role: row?.role ?? null,
      orgStatus: row?.org_status ?? null,
      userActive: row?.status === 'active',
      isSuperadmin: row?.is_superadmin ?? false,
    };
  }

  /** Forget cached access so a change (suspension, removal) applies to the next request. */
  invalidate() {
    this.cache.clear();
  }
}

function userAccessLoss(state: AccessState): AppError | null {
  if (!state.userActive) return unauthorized('This account is disabled', 'ACCOUNT_DISABLED');
  if (!state.role || !state.orgStatus) return unauthorized('You are no longer a member of this organization: log in again', 'NOT_A_MEMBER');
  if (state.orgStatus === 'suspended') return forbidden('This organization is suspended: contact support', 'ORG_SUSPENDED');
  return null;
}

function apiKeyAccessLoss(row: { revoked_at: Date | null; status: 'active' | 'suspended' } | undefined): AppError | null {
  if (!row || row.revoked_at) return unauthorized('API key is invalid or revoked', 'INVALID_API_KEY');
  if (row.status === 'suspended') return forbidden('This organization is suspended: contact support', 'ORG_SUSPENDED');
  return null;
}

/**
 * Route guard: a principal is required, with at least `minRole` in its org, and (for API keys)
 * a scope granting `scope`. Platform routes require "*"; an app's routes name the app
 * ("visant"), and a key scoped narrower than that (a camera's "visant:device:<id>") passes
 * only where the route asks for that narrower scope. `null` skips the scope check ("who am I").
 */
export function requirePrincipal(request: FastifyRequest, minRole: Role = 'viewer', scope: string | null = '*'): Principal {
  const p = request.principal;
  if (!p) throw unauthorized();
  if (!hasRole(p, minRole)) throw forbidden(`This action needs the ${minRole} role or higher`, 'INSUFFICIENT_ROLE');
  if (scope !== null && p.kind === 'api_key' && !hasScope(p.scopes ?? [], scope)) {
    throw forbidden(`This API key's scopes (${(p.scopes ?? []).join(', ') || 'none'}) do not allow this: it needs "${scope}"`, 'INSUFFICIENT_SCOPE');
  }
  return p;
}

/** A granted scope covers the required one when it is "*", the same, or a prefix of it ("visant" covers "visant:captures"). */
export function hasScope(granted: readonly string[], required: string): boolean {
  return granted.some((g) => g === '*' || g === required || (required !== '*' && required.startsWith(`${g}:`)));
}

export function requireUser(request: FastifyRequest, minRole: Role = 'viewer'): Principal & { userId: string } {
  const p = requirePrincipal(request, minRole);
  if (!p.userId) throw forbidden('This action needs a user session, not an API key', 'USER_REQUIRED');
  return p as Principal & { userId: string };
}

export function requireSuperadmin(request: FastifyRequest): Principal & { userId: string } {
  const p = requirePrincipal(request);
  if (!p.isSuperadmin || !p.userId) throw forbidden('Superadmin only', 'SUPERADMIN_REQUIRED');
  return p as Principal & { userId: string };
}

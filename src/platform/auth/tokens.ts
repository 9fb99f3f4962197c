import { createHmac, randomUUID } from 'node:crypto';
import { SignJWT, jwtVerify, errors as joseErrors } from 'jose';
import type { Role } from '../db/schema.js';
import { AppError, unauthorized } from '../errors.js';

export interface AccessClaims {
  sub: string;
  org_id: string;
  role: Role;
  jti: string;
  /** Expiry, Unix seconds: a stream opened with the token closes then. */
  exp: number;
}

export interface SupabaseClaims {
  sub: string;
  email?: string;
  /**
   * Supabase vouches that the user confirmed `email`. Supabase access tokens do not carry this by
   * default: the project adds it with a Custom Access Token Hook, as a top-level `email_verified`
   * claim or in `app_metadata` (which only the project's service role can write). The
   * `user_metadata.email_verified` Supabase copies from identities is not read: users can edit
   * user_metadata themselves.
   */
  emailVerified: boolean;
  exp?: number;
}

/**
 * What a realtime ticket stands for: a user session (until the session's own expiry) or an
 * API key, in one org. The ticket itself lives seconds and is spent on first use.
 */
export interface TicketClaims {
  kind: 'user' | 'api_key';
  orgId: string;
  userId?: string;
  apiKeyId?: string;
  /** Unix seconds when the session the ticket was issued from ends. */
  sessionExp?: number;
  jti: string;
}

const TICKET_AUDIENCE = 'tenantry:realtime-ticket';
/** Long enough to open the stream right after asking; short enough that a leaked one is stale. */
export const TICKET_TTL_SECONDS = 30;

const ISSUER = 'tenantry';
const VERIFIED_CACHE_SIZE = 10_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Access tokens: HS256 JWTs bound to one org, short-lived. Verification pins the
 * algorithm, so `alg: none` and algorithm-confusion tokens are rejected.
 */
export class TokenService {
  private readonly key: Uint8Array;
  /** Its own key (derived with a purpose label), so a ticket can never pass as an access token or the reverse. */
  private readonly ticketKey: Uint8Array;
  private readonly supabaseKey: Uint8Array | undefined;

  constructor(secret: string, private readonly ttlSeconds: number, supabaseSecret?: string) {
    this.key = new TextEncoder().encode(secret);
    this.ticketKey = createHmac('sha256', secret).update('tenantry/realtime-ticket/v1').digest();
    this.supabaseKey = supabaseSecret ? new TextEncoder().encode(supabaseSecret) : undefined;
  }

  get accessTtlSeconds(): number {
    return this.ttlSeconds;
  }

  async signAccess(claims: Omit<AccessClaims, 'jti' | 'exp'>): Promise<string> {
    return new SignJWT({ org_id: claims.org_id, role: claims.role })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(claims.sub)
      .setIssuer(ISSUER)
      .setJti(randomUUID())
      .setIssuedAt()
      .setExpirationTime(`${this.ttlSeconds}s`)
      .sign(this.key);
  }

  /**
   * Tokens already verified, by their exact text, until they expire. A client sends the same
   * token on every request for 15 minutes; checking its signature once (WebCrypto HMAC is
   * asynchronous and costly on the hot path) is enough. Bounded, and cleared when full.
   */
  private readonly verified = new Map<string, { claims: AccessClaims; exp: number }>();

  async verifyAccess(token: string): Promise<AccessClaims> {
    const hit = this.verified.get(token);
    if (hit) {
      if (hit.exp > Date.now() / 1000) return hit.claims;
      this.verified.delete(token);
    }
    try {
      const { payload } = await jwtVerify(token, this.key, { algorithms: ['HS256'], issuer: ISSUER });
      // The ids go into queries: a token that is signed but malformed must be a 401, not a database error.
      if (typeof payload.sub !== 'string' || typeof payload.org_id !== 'string' || typeof payload.role !== 'string' || !UUID.test(payload.sub) || !UUID.test(payload.org_id)) {
        throw unauthorized('Access token is missing required claims', 'INVALID_TOKEN');
      }
      const claims: AccessClaims = { sub: payload.sub, org_id: payload.org_id, role: payload.role as Role, jti: String(payload.jti ?? ''), exp: payload.exp ?? 0 };
      if (this.verified.size >= VERIFIED_CACHE_SIZE) this.verified.clear();
      this.verified.set(token, { claims, exp: payload.exp ?? 0 });
      return claims;
    } catch (err) {
      throw toAuthError(err);
    }
  }

  get supabaseConfigured(): boolean {
    return this.supabaseKey !== undefined;
  }

  /** A short-lived realtime ticket (see realtime/ticket.routes.ts); single use is enforced by the caller. */
  async signTicket(claims: Omit<TicketClaims, 'jti'>): Promise<string> {
    return new SignJWT({ k: claims.kind, o: claims.orgId, u: claims.userId, a: claims.apiKeyId, sx: claims.sessionExp })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setIssuer(ISSUER)
      .setAudience(TICKET_AUDIENCE)
      .setJti(randomUUID())
      .setIssuedAt()
      .setExpirationTime(`${TICKET_TTL_SECONDS}s`)
      .sign(this.ticketKey);
  }

  async verifyTicket(ticket: string): Promise<TicketClaims> {
    const invalid = () => unauthorized('This realtime ticket is invalid or expired: get a new one from POST /api/v1/realtime/ticket and use it at once', 'INVALID_TICKET');
    let payload: Record<string, unknown>;
    try {
      ({ payload } = await jwtVerify(ticket, this.ticketKey, { algorithms: ['HS256'], issuer: ISSUER, audience: TICKET_AUDIENCE }));
    } catch {
      throw invalid();
    }
    const { k, o, u, a, sx, jti } = payload;
    const isId = (v: unknown): v is string => typeof v === 'string' && UUID.test(v);
    if (typeof jti !== 'string' || !isId(o)) throw invalid();
    if (k === 'user' && isId(u)) return { kind: 'user', orgId: o, userId: u, sessionExp: typeof sx === 'number' ? sx : undefined, jti };
    if (k === 'api_key' && isId(a)) return { kind: 'api_key', orgId: o, apiKeyId: a, jti };
    throw invalid();
  }

  /** Supabase-issued access tokens (HS256 with the project's JWT secret), when configured. */
  async verifySupabase(token: string): Promise<SupabaseClaims | null> {
    if (!this.supabaseKey) return null;
    try {
      const { payload } = await jwtVerify(token, this.supabaseKey, { algorithms: ['HS256'], audience: 'authenticated' });
      if (typeof payload.sub !== 'string') return null;
      // Signed by Supabase, yet its sub is looked up as a uuid: malformed means invalid, not a 500.
      if (!UUID.test(payload.sub)) throw unauthorized('Supabase token has an invalid subject', 'INVALID_TOKEN');
      const appMetadata = payload.app_metadata as Record<string, unknown> | undefined;
      return {
        sub: payload.sub,
        email: typeof payload.email === 'string' ? payload.email : undefined,
        emailVerified: payload.email_verified === true || appMetadata?.email_verified === true,
        exp: payload.exp,
      };
    } catch (err) {
      if (err instanceof joseErrors.JWTExpired || err instanceof AppError) throw toAuthError(err);
      return null;
    }
  }
}

function toAuthError(err: unknown) {
  if (err instanceof joseErrors.JWTExpired) {
    return unauthorized('Access token expired: call POST /api/v1/auth/refresh with your refresh token', 'TOKEN_EXPIRED');
  }
  if (err instanceof AppError) return err;
  return unauthorized('Invalid access token', 'INVALID_TOKEN');
}

import { randomUUID } from 'node:crypto';
import { SignJWT, jwtVerify, errors as joseErrors } from 'jose';
import type { Role } from '../db/schema.js';
import { AppError, unauthorized } from '../errors.js';

export interface AccessClaims {
  sub: string;
  org_id: string;
  role: Role;
  jti: string;
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
}

const ISSUER = 'tenantry';
const VERIFIED_CACHE_SIZE = 10_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Access tokens: HS256 JWTs bound to one org, short-lived. Verification pins the
 * algorithm, so `alg: none` and algorithm-confusion tokens are rejected.
 */
export class TokenService {
  private readonly key: Uint8Array;
  private readonly supabaseKey: Uint8Array | undefined;

  constructor(secret: string, private readonly ttlSeconds: number, supabaseSecret?: string) {
    this.key = new TextEncoder().encode(secret);
    this.supabaseKey = supabaseSecret ? new TextEncoder().encode(supabaseSecret) : undefined;
  }

  get accessTtlSeconds(): number {
    return this.ttlSeconds;
  }

  async signAccess(claims: Omit<AccessClaims, 'jti'>): Promise<string> {
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
      const claims: AccessClaims = { sub: payload.sub, org_id: payload.org_id, role: payload.role as Role, jti: String(payload.jti ?? '') };
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

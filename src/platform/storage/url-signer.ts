import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * What a locally signed URL grants: reading one key until `expires` (Unix seconds), for
 * `userId` when the URL was issued to a user (it then dies with their membership).
 */
export interface SignedGrant {
  method: 'GET';
  key: string;
  expires: number;
  contentType?: string;
  downloadName?: string;
  userId?: string;
}

export type SignatureCheck = 'valid' | 'invalid' | 'expired';

/**
 * HMAC-SHA256 signatures for the local driver's presigned URLs, which the server itself
 * serves. The key is derived from the JWT secret with a purpose label, so a URL signature
 * can never be replayed as (or forged from) a token signature.
 */
export class UrlSigner {
  private readonly key: Buffer;

  constructor(secret: string) {
    this.key = createHmac('sha256', secret).update('tenantry/storage/signed-url/v1').digest();
  }

  sign(grant: SignedGrant): string {
    // Fields joined with NUL, which a validated key or header value cannot contain, so no
    // two different grants produce the same signed string.
    const payload = [grant.method, grant.key, String(grant.expires), grant.contentType ?? '', grant.downloadName ?? '', grant.userId ?? ''].join('\0');
    return createHmac('sha256', this.key).update(payload).digest('base64url');
  }

  verify(grant: SignedGrant, signature: string, now = Date.now()): SignatureCheck {
    const expected = Buffer.from(this.sign(grant));
    const given = Buffer.from(signature);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'invalid';
    // Checked after the signature, so an attacker cannot learn anything from extending `expires`.
    return grant.expires * 1000 < now ? 'expired' : 'valid';
  }
}

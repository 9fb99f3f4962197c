import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { channel } from 'node:diagnostics_channel';
import { hash, verify } from '@node-rs/argon2';

/**
 * Secrets the platform hands out (refresh tokens, invite, reset and share tokens, API keys)
 * carry 256 random bits, are shown once and stored only as a SHA-256 hash: with that much
 * entropy a fast hash is safe and lets us look the secret up by its hash.
 * Human passwords are low-entropy, so they get argon2id.
 */
export function newSecret(prefix = ''): string {
  return prefix + randomBytes(32).toString('base64url');
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

export function secretsEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}

// OWASP's argon2id baseline (19 MiB, 2 iterations, 1 lane).
// algorithm 2 is Argon2id (the package exports it as a const enum, which isolatedModules cannot read).
const ARGON2_OPTIONS = { algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

/**
 * One message per argon2 computation (a hash or a check), the costly step an anonymous caller
 * can make the server do: /metrics counts them, and tests see which requests reach it (an
 * unknown invitation or reset token must not).
 */
export const passwordWork = channel('tenantry.password-work');

export function hashPassword(password: string): Promise<string> {
  passwordWork.publish({ kind: 'hash' });
  return hash(password, ARGON2_OPTIONS);
}

/**
 * argon2id with a salt the caller keeps (16 bytes): the same secret and salt always give the
 * same hash, so a short secret that must be unique within a scope (a capture station's PIN
 * within an org, with the org's salt) can be found with one computation and a unique index.
 */
export function hashPasswordWithSalt(password: string, salt: Uint8Array): Promise<string> {
  passwordWork.publish({ kind: 'hash' });
  return hash(password, { ...ARGON2_OPTIONS, salt });
}

export async function verifyPassword(passwordHash: string | null, password: string): Promise<boolean> {
  passwordWork.publish({ kind: 'verify' });
  if (!passwordHash) {
    // Spend the same time as a real check so a missing account is not revealed by timing.
    await hash(password, ARGON2_OPTIONS);
    return false;
  }
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

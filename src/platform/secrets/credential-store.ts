import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { conflict } from '../errors.js';
import type { CredentialKeyRing } from './credential-keys.js';

/**
 * What a sealed value belongs to. It is the value's associated data: a ciphertext opens only
 * with the binding it was sealed with, so one copied to another org, another row or another
 * use (an OAuth refresh token pasted where an API key is read) fails instead of being used.
 */
export interface CredentialBinding {
  /** The owning org; null for an install-wide credential. */
  orgId: string | null;
  /** What the value is for, namespaced by the app: "socialos.oauth.instagram", "genads.provider-key". */
  purpose: string;
  /** The row or thing it belongs to within the org and purpose: its id, or the provider's name. */
  subject: string;
}

const VERSION = 'tc1';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const SEALED = /^tc1\.([A-Za-z0-9_-]{11})\.([A-Za-z0-9_-]{16})\.([A-Za-z0-9_-]{22,})$/;

/**
 * Third-party credentials at rest (OAuth tokens, providers' API keys): AES-256-GCM with a key
 * from the configuration (credential-keys.ts), a random 96-bit IV per value, and the binding
 * above as associated data. A sealed value is one text column:
 *
 *   tc1.<key id>.<iv>.<ciphertext + tag>        (base64url parts)
 *
 * The key id (an HMAC of the key, revealing nothing about it) says which key sealed it, so
 * CREDENTIALS_KEY can be rotated: previous keys still open older values, and `reseal` moves a
 * value to the current key. Any change to a value, its key id or its binding fails to open,
 * with an error that says to connect the account again.
 */
export class CredentialStore {
  private readonly current: { id: string; key: Buffer };
  private readonly byId: Map<string, Buffer>;

  constructor(keys: CredentialKeyRing) {
    this.current = { id: keyId(keys.current), key: keys.current };
    this.byId = new Map([keys.current, ...keys.previous].map((key) => [keyId(key), key]));
  }

  seal(plaintext: string, binding: CredentialBinding): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.current.key, iv);
    cipher.setAAD(associatedData(this.current.id, binding));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
    return [VERSION, this.current.id, iv.toString('base64url'), body.toString('base64url')].join('.');
  }

  open(sealed: string, binding: CredentialBinding): string {
    const parts = SEALED.exec(sealed);
    if (!parts) throw unreadable(binding, 'it is not a sealed credential');
    const [, id, ivText, bodyText] = parts;
    const key = this.byId.get(id);
    if (!key) throw unreadable(binding, 'it was sealed with a key this server does not have (CREDENTIALS_KEY or CREDENTIALS_PREVIOUS_KEYS)');
    const body = Buffer.from(bodyText, 'base64url');
    if (body.length < TAG_BYTES) throw unreadable(binding, 'it is cut short');
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(ivText, 'base64url'));
    decipher.setAAD(associatedData(id, binding));
    decipher.setAuthTag(body.subarray(body.length - TAG_BYTES));
    try {
      return Buffer.concat([decipher.update(body.subarray(0, body.length - TAG_BYTES)), decipher.final()]).toString('utf8');
    } catch {
      throw unreadable(binding, 'it was altered, or belongs to another org, row or purpose');
    }
  }

  /** Whether `sealed` is under the current key (false: `reseal` it). */
  isCurrent(sealed: string): boolean {
    return SEALED.exec(sealed)?.[1] === this.current.id;
  }

  /**
   * After a key rotation: the value sealed again under the current key, or null when it already
   * is. An app re-seals its rows in a sweep (forEachOrg), writing back what is not null; once
   * no value needs it, the previous key can leave CREDENTIALS_PREVIOUS_KEYS.
   */
  reseal(sealed: string, binding: CredentialBinding): string | null {
    if (this.isCurrent(sealed)) return null;
    return this.seal(this.open(sealed, binding), binding);
  }
}

/** A short public name for a key: an HMAC under the key itself, so it tells nothing about it. */
function keyId(key: Buffer): string {
  return createHmac('sha256', key).update('tenantry credential key id').digest().subarray(0, 8).toString('base64url');
}

function associatedData(id: string, binding: CredentialBinding): Buffer {
  // JSON keeps the fields apart whatever they contain (no separator to smuggle).
  return Buffer.from(JSON.stringify([VERSION, id, binding.orgId, binding.purpose, binding.subject]), 'utf8');
}

function unreadable(binding: CredentialBinding, why: string) {
  return conflict(`The stored credential for ${binding.purpose} cannot be read: ${why}. Connect the account or enter the key again.`, 'CREDENTIAL_UNREADABLE');
}

import type { Role } from '../db/schema.js';
import { hasRole, type Principal } from '../auth/principal.js';
import { forbidden } from '../errors.js';
import { assertValidPrefix } from './keys.js';

/**
 * A key prefix an app keeps its files under, and who may change them through the generic
 * files API (/api/v1/files): nobody ('readonly': the app's own routes manage them, and its
 * rows point at them) or people with at least a role. Reading stays open to the org as before.
 */
export interface OwnedPrefix {
  app: string;
  /** Tenant-relative, ending in "/", e.g. "brands/". */
  prefix: string;
  modify: 'readonly' | Role;
}

/** The prefixes apps declare at setup: `ctx.storage.ownership.register({ app: 'genads', prefix: 'brands/', modify: 'readonly' })`. */
export class StorageOwnership {
  private readonly owned: OwnedPrefix[] = [];

  register(rule: OwnedPrefix): void {
    if (!rule.prefix.endsWith('/')) throw new Error(`Owned prefix "${rule.prefix}" of ${rule.app} must end with "/"`);
    assertValidPrefix(rule.prefix);
    const clash = this.owned.find((o) => o.prefix.startsWith(rule.prefix) || rule.prefix.startsWith(o.prefix));
    if (clash) throw new Error(`Storage prefix "${rule.prefix}" of ${rule.app} overlaps "${clash.prefix}" of ${clash.app}`);
    this.owned.push(rule);
  }

  ownerOf(key: string): OwnedPrefix | undefined {
    return this.owned.find((o) => key.startsWith(o.prefix));
  }

  /** Throws 403 when `p` may not upload to, trash, restore or delete `key` through the files API. */
  assertCanModify(p: Pick<Principal, 'role'>, key: string): void {
    const owner = this.ownerOf(key);
    if (!owner) return;
    if (owner.modify === 'readonly') {
      throw forbidden(`Files under "${owner.prefix}" belong to the ${owner.app} app: change or delete them through ${owner.app} itself`, 'APP_OWNED_FILE');
    }
    if (!hasRole(p, owner.modify)) {
      throw forbidden(`Changing ${owner.app} files under "${owner.prefix}" needs the ${owner.modify} role`, 'INSUFFICIENT_ROLE');
    }
  }
}

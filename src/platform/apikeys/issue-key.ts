import type { Transaction } from 'kysely';
import type { PlatformTables, Role } from '../db/schema.js';
import { API_KEY_PREFIX } from '../auth/authenticate.js';
import { hashSecret, newSecret } from '../auth/secrets.js';

export const API_KEY_FIELDS = ['id', 'name', 'prefix', 'scopes', 'role', 'created_at', 'last_used_at', 'revoked_at'] as const;

/**
 * Insert a new API key inside the caller's tenant transaction and return it with its
 * secret (the only time the secret exists outside a hash). Apps use this to issue keys
 * for machines they manage (a Visant camera gets a key scoped to itself).
 */
export async function issueApiKey<DB extends PlatformTables>(
  tx: Transaction<DB>,
  input: { orgId: string; name: string; scopes: string[]; role: Exclude<Role, 'owner'>; createdBy: string | null },
) {
  const key = newSecret(API_KEY_PREFIX);
  const t = tx as unknown as Transaction<PlatformTables>;
  const row = await t
    .insertInto('api_keys')
    .values({
      org_id: input.orgId,
      name: input.name,
      prefix: key.slice(0, API_KEY_PREFIX.length + 8),
      key_hash: hashSecret(key),
      scopes: input.scopes,
      role: input.role,
      created_by: input.createdBy,
    })
    .returning(API_KEY_FIELDS)
    .executeTakeFirstOrThrow();
  return { ...row, key };
}

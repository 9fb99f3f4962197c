import { randomBytes } from 'node:crypto';
import type { Transaction } from 'kysely';
import type { AuraTables } from '../schema.js';

/**
 * The org's Aura settings row, made on first need with a fresh PIN salt. Runs in the caller's
 * tenant transaction: only admins (and the platform) may insert it (RLS, migrations/001_aura.sql).
 */
export async function ensureAuraSettings(tx: Transaction<AuraTables>, orgId: string) {
  await tx.insertInto('aura_settings').values({ org_id: orgId, pin_salt: randomBytes(16) }).onConflict((oc) => oc.column('org_id').doNothing()).execute();
  return tx.selectFrom('aura_settings').selectAll().where('org_id', '=', orgId).executeTakeFirstOrThrow();
}

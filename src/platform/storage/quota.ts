import { sql, type Kysely, type Transaction } from 'kysely';
import type { PlatformTables } from '../db/schema.js';
import { AppError, payloadTooLarge } from '../errors.js';

type Tx = Transaction<PlatformTables> | Kysely<PlatformTables>;

/**
 * Quota bookkeeping on the org row. An upload first *reserves* bytes
 * (orgs.storage_reserved_bytes, mirrored on its pending catalog row); committing moves the
 * reservation into storage_used_bytes; deleting for good gives used bytes back. The org row
 * is locked while the headroom is computed, so concurrent uploads cannot both take the last
 * free bytes. Every function runs inside the caller's tenant transaction.
 */
export interface QuotaState {
  limitBytes: number;
  usedBytes: number;
  reservedBytes: number;
}

/**
 * Reserve up to `wanted` bytes for a pending object; returns how many were granted
 * (0…wanted), which is less than wanted only when the org is (nearly) full.
 */
export async function grantBytes(tx: Tx, orgId: string, objectId: string, wanted: number): Promise<number> {
  const org = await tx
    .selectFrom('orgs')
    .select(['storage_limit_bytes', 'storage_used_bytes', 'storage_reserved_bytes'])
    .where('id', '=', orgId)
    // NO KEY UPDATE, not UPDATE: the pending row's foreign key already holds KEY SHARE on
    // this org row in every concurrent upload, and FOR UPDATE would deadlock against those.
    .forNoKeyUpdate()
    .executeTakeFirstOrThrow();
  const headroom = org.storage_limit_bytes - org.storage_used_bytes - org.storage_reserved_bytes;
  const granted = Math.max(0, Math.min(wanted, headroom));
  if (granted === 0) return 0;
  await tx.updateTable('orgs').set({ storage_reserved_bytes: sql`storage_reserved_bytes + ${granted}` }).where('id', '=', orgId).execute();
  await tx
    .updateTable('storage_objects')
    .set({ reserved_bytes: sql`reserved_bytes + ${granted}`, updated_at: new Date() })
    .where('org_id', '=', orgId)
    .where('id', '=', objectId)
    .execute();
  return granted;
}

/** Give back a reservation (upload committed or abandoned) and charge what was stored. */
export async function settleReservation(tx: Tx, orgId: string, released: number, charged: number): Promise<void> {
  if (released === 0 && charged === 0) return;
  await tx
    .updateTable('orgs')
    .set({
      storage_reserved_bytes: sql`greatest(0, storage_reserved_bytes - ${released})`,
      storage_used_bytes: sql`storage_used_bytes + ${charged}`,
      updated_at: new Date(),
    })
    .where('id', '=', orgId)
    .execute();
}

/** Objects deleted for good: their bytes no longer count. */
export async function freeBytes(tx: Tx, orgId: string, bytes: number): Promise<void> {
  if (bytes <= 0) return;
  await tx
    .updateTable('orgs')
    .set({ storage_used_bytes: sql`greatest(0, storage_used_bytes - ${bytes})`, updated_at: new Date() })
    .where('id', '=', orgId)
    .execute();
}

export async function quotaState(tx: Tx, orgId: string): Promise<QuotaState> {
  const org = await tx
    .selectFrom('orgs')
    .select(['storage_limit_bytes', 'storage_used_bytes', 'storage_reserved_bytes'])
    .where('id', '=', orgId)
    .executeTakeFirstOrThrow();
  return { limitBytes: org.storage_limit_bytes, usedBytes: org.storage_used_bytes, reservedBytes: org.storage_reserved_bytes };
}

export function quotaExceeded(requestedBytes: number, state?: QuotaState): AppError {
  const where = state ? ` (${formatBytes(state.usedBytes + state.reservedBytes)} of ${formatBytes(state.limitBytes)} in use)` : '';
  return payloadTooLarge(
    `Storage quota exceeded${where}: delete files for good (empty the trash) or ask for a larger storage limit`,
    'QUOTA_EXCEEDED',
    state
      ? { limit_bytes: state.limitBytes, used_bytes: state.usedBytes, reserved_bytes: state.reservedBytes, requested_bytes: requestedBytes }
      : { requested_bytes: requestedBytes },
  );
}

export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  let v = n;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${i === 0 ? v : v.toFixed(1)} ${units[i]}`;
}

import type { Selectable } from 'kysely';
import type { StorageObjectsTable } from '../db/schema.js';

/** The columns of a catalog row that leave the storage module. */
export const OBJECT_COLUMNS = [
  'id',
  'org_id',
  'key',
  'storage_key',
  'kind',
  'size_bytes',
  'content_type',
  'sha256',
  'tags',
  'lifecycle_class',
  'expires_at',
  'trashed_at',
  'derived_from',
  'variant',
  'created_by',
  'created_at',
] as const;

export type ObjectRow = Pick<Selectable<StorageObjectsTable>, (typeof OBJECT_COLUMNS)[number]>;

/** A committed object as apps and the API see it. */
export interface StoredObject {
  id: string;
  orgId: string;
  key: string;
  /** Driver key ("{org_id}/{key}"); for platform code that reads the bytes, never shown to clients. */
  storageKey: string;
  kind: string;
  sizeBytes: number;
  contentType: string;
  sha256: string;
  tags: Record<string, string>;
  lifecycleClass: string | null;
  expiresAt: Date | null;
  trashedAt: Date | null;
  derivedFrom: string | null;
  variant: string | null;
  createdBy: string | null;
  createdAt: Date;
}

export function toStoredObject(row: ObjectRow): StoredObject {
  return {
    id: row.id,
    orgId: row.org_id,
    key: row.key,
    storageKey: row.storage_key,
    kind: row.kind,
    sizeBytes: row.size_bytes,
    contentType: row.content_type,
    sha256: row.sha256 ?? '',
    tags: row.tags ?? {},
    lifecycleClass: row.lifecycle_class,
    expiresAt: row.expires_at,
    trashedAt: row.trashed_at,
    derivedFrom: row.derived_from,
    variant: row.variant,
    createdBy: row.created_by,
    createdAt: row.created_at,
  };
}

/** The file name part of a key, for Content-Disposition. */
export function downloadName(key: string): string {
  return key.slice(key.lastIndexOf('/') + 1);
}

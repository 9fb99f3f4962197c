import { readFileSync } from 'node:fs';
import { z } from 'zod';

/**
 * The table of contents of a `tenantry backup` archive (manifest.json, its last entry: it
 * holds checksums computed while the archive was being written). Restore reads it, checks
 * every file against it, and refuses the archive when anything differs.
 */
export const MANIFEST_FILE = 'manifest.json';
/** The PGlite data directory, as PGlite's dumpDataDir writes it (an uncompressed tar). */
export const DATABASE_FILE = 'pglite.tar';
/** Objects under their storage keys: storage/{org_id}/{key}. */
export const OBJECTS_DIR = 'storage';
/** With --include-keys: the DATA_DIR key files (jwt-secret, credentials-key). */
export const KEYS_DIR = 'keys';
/** Key files a DATA_DIR may hold (config/secrets.ts, secrets/credential-keys.ts). */
export const KEY_FILES = ['jwt-secret', 'credentials-key'] as const;

export const FORMAT = 'tenantry-backup';
export const FORMAT_VERSION = 1;

const checkedFile = z.object({ path: z.string().min(1).max(4096), bytes: z.number().int().min(0), sha256: z.string().regex(/^[0-9a-f]{64}$/) });
export type CheckedFile = z.infer<typeof checkedFile>;

export const manifestSchema = z.object({
  format: z.literal(FORMAT),
  formatVersion: z.literal(FORMAT_VERSION),
  createdAt: z.string(),
  versions: z.object({ tenantry: z.string(), node: z.string(), postgres: z.string() }),
  /** Applied migrations, "module/name", in the order they ran. */
  migrations: z.array(z.string()),
  database: checkedFile,
  objects: z.object({
    count: z.number().int().min(0),
    bytes: z.number().int().min(0),
    /** Catalog rows whose bytes were not on disk when the snapshot was taken (kept for the record, not restorable). */
    missing: z.array(z.string()),
    /** Objects whose bytes on disk did not match the catalog's SHA-256 (archived as found). */
    mismatched: z.array(z.string()),
  }),
  /** Every file restore puts in place (objects and key files), with its checksum. */
  files: z.array(checkedFile),
  keysIncluded: z.boolean(),
});
export type BackupManifest = z.infer<typeof manifestSchema>;

/** This checkout's version, recorded in each manifest. */
export function tenantryVersion(): string {
  return (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}

import { badRequest } from '../errors.js';

/**
 * Key rules shared by the catalog and the drivers. A key is a "/"-separated path that
 * must not be able to escape its root on any backend: no "..", no absolute paths, no
 * backslashes (a separator on Windows), no NUL or control characters, no empty
 * segments, and no segment starting with "." (the local driver keeps its in-flight
 * files under ".incoming/"). Lengths stay under common filesystem limits.
 */
export const MAX_KEY_BYTES = 1024;
/** Tenant-visible keys leave room for derivative suffixes (the column allows 512). */
export const MAX_CATALOG_KEY_BYTES = 480;
const MAX_SEGMENT_BYTES = 255;

export function keyProblem(key: unknown, maxBytes = MAX_KEY_BYTES): string | null {
  if (typeof key !== 'string' || key.length === 0) return 'must be a non-empty string';
  if (Buffer.byteLength(key) > maxBytes) return `must be at most ${maxBytes} bytes`;
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x1f\x7f]/.test(key)) return 'must not contain NUL or control characters';
  if (key.includes('\\')) return 'must use "/" as separator, not "\\"';
  if (key.startsWith('/')) return 'must be relative (no leading "/")';
  for (const segment of key.split('/')) {
    if (segment === '') return 'must not contain empty segments ("//" or a trailing "/")';
    if (segment === '..' || segment === '.') return 'must not contain "." or ".." segments';
    if (segment.startsWith('.')) return 'segments must not start with "."';
    if (Buffer.byteLength(segment) > MAX_SEGMENT_BYTES) return `segments must be at most ${MAX_SEGMENT_BYTES} bytes`;
  }
  return null;
}

export function assertValidKey(key: string, maxBytes = MAX_KEY_BYTES): string {
  const problem = keyProblem(key, maxBytes);
  if (problem) throw badRequest(`Invalid storage key: it ${problem}`, { key: typeof key === 'string' ? key.slice(0, 200) : key }, 'INVALID_KEY');
  return key;
}

/** A listing prefix may be empty or end in "/"; otherwise the same rules as a key. */
export function assertValidPrefix(prefix: string): string {
  if (prefix === '') return prefix;
  assertValidKey(prefix.endsWith('/') ? prefix.slice(0, -1) : prefix);
  return prefix;
}

/** Where a tenant's committed object lives in the driver. */
export function tenantStorageKey(orgId: string, key: string): string {
  return `${orgId}/${key}`;
}

/**
 * Where an upload streams before it is committed. Outside every tenant's "{org_id}/"
 * tree, so a half-written upload can never be listed or served as a tenant object.
 */
export function uploadStagingKey(orgId: string, objectId: string): string {
  return `staging/${orgId}/${objectId}`;
}

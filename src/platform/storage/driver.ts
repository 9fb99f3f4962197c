import type { Readable } from 'node:stream';

/**
 * Where bytes live. The platform talks to storage only through this interface; the
 * object catalog (storage_objects) is the source of truth for what exists, who owns it
 * and what type it is. Keys given to a driver are already validated and tenant-prefixed
 * by the storage service; drivers still re-validate them (see keys.ts) as a second lock.
 */
export interface StorageDriver {
  readonly name: 'local' | 's3';
  /** Stream `body` to `key`, replacing any object there. Atomic: readers see the old object or the whole new one. */
  put(key: string, body: Readable, options?: PutOptions): Promise<PutResult>;
  /** Read an object, or the inclusive byte range of it. Throws ObjectNotFoundError. */
  get(key: string, options?: { range?: ByteRange }): Promise<GetResult>;
  head(key: string): Promise<ObjectHead | null>;
  /** Idempotent: deleting a missing object is not an error. */
  delete(key: string): Promise<void>;
  copy(fromKey: string, toKey: string): Promise<void>;
  /** Copy then delete; a rename where the backend has one. */
  move(fromKey: string, toKey: string): Promise<void>;
  /** Every object whose key starts with `prefix` (in key order on local disk and AWS S3). */
  list(prefix: string): AsyncIterable<ListEntry>;
  /**
   * Replace an object's tags, where the backend has tags (S3): written after an object reaches
   * its final key, because not every S3-compatible service carries tags through a copy.
   */
  setTags?(key: string, tags: Record<string, string>): Promise<void>;
  /**
   * A URL anyone holding it may GET until it expires. There is deliberately no presigned PUT:
   * every write goes through storeUpload, which checks the size and the org's quota.
   */
  presignGet(key: string, options: PresignGetOptions): Promise<string>;
  close(): Promise<void>;
}

export interface PutOptions {
  contentType?: string;
  /** Object tags where the backend has them (S3 lifecycle rules match on them); ignored on local disk. */
  tags?: Record<string, string>;
}

export interface PutResult {
  size: number;
  /** Hex SHA-256 of the bytes, computed while they streamed through. */
  sha256: string;
}

/** Inclusive byte offsets, as in an HTTP Range header. */
export interface ByteRange {
  start: number;
  end: number;
}

export interface GetResult {
  stream: Readable;
  /** Size of the whole object, not of the range. */
  size: number;
  range?: ByteRange;
}

export interface ObjectHead {
  size: number;
  lastModified: Date;
}

export interface ListEntry {
  key: string;
  size: number;
}

export interface PresignGetOptions {
  expiresInSeconds: number;
  /** Content-Type and download file name the response should carry. */
  contentType?: string;
  downloadName?: string;
  /**
   * The user the URL is issued to. Where the platform serves the URL itself (local disk) it
   * stops working once that user leaves the org; S3 serves its URLs without asking, so there
   * only the short lifetime (SIGNED_URL_TTL_SECONDS) bounds it.
   */
  forUserId?: string | null;
}

export class ObjectNotFoundError extends Error {
  constructor(public readonly key: string) {
    super(`No stored object at "${key}"`);
    this.name = 'ObjectNotFoundError';
  }
}

/** Content-Disposition for a download name, with an RFC 5987 form for non-ASCII names. */
export function contentDisposition(name: string, disposition: 'attachment' | 'inline' = 'attachment'): string {
  const ascii = name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `${disposition}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

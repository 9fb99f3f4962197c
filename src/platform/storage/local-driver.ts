import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { copyFile, mkdir, open, readdir, rename, rm, rmdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { HashingStream } from './hashing-stream.js';
import { WriteBehind } from './write-behind.js';
import { assertValidKey, assertValidPrefix } from './keys.js';
import type { UrlSigner } from './url-signer.js';
import {
  ObjectNotFoundError,
  type ByteRange,
  type GetResult,
  type ListEntry,
  type ObjectHead,
  type PresignGetOptions,
  type PutResult,
  type StorageDriver,
} from './driver.js';

/** In-flight writes live here, on the same filesystem as their targets, so the final rename is atomic. */
const INCOMING = '.incoming';
/** Served by signed-url.routes.ts. */
export const SIGNED_URL_PATH = '/storage/signed';

export interface LocalDiskDriverOptions {
  root: string;
  signer: UrlSigner;
  /** Origin prepended to presigned URLs (PUBLIC_URL); empty gives server-relative URLs. */
  baseUrl: string;
  /** Remove the whole root on close (a throwaway directory for DATA_DIR=memory://). */
  ephemeral?: boolean;
}

/** Files under one directory, one file per key; the default driver for one machine. */
/**
 * Bytes the file stream accepts before it pushes back on the upload. The default (16 KiB)
 * pauses the socket after every chunk; a few MiB keep the disk and the network busy at
 * once while memory per upload stays bounded.
 */
const WRITE_BUFFER_BYTES = 4 * 1024 * 1024;
/** How much of a file is written between background flushes (write-behind.ts). */
const FLUSH_EVERY_BYTES = 32 * 1024 * 1024;

export class LocalDiskDriver implements StorageDriver {
  readonly name = 'local' as const;
  readonly root: string;
  readonly signer: UrlSigner;

  constructor(private readonly options: LocalDiskDriverOptions) {
    this.root = path.resolve(options.root);
    this.signer = options.signer;
  }

  /** Key → absolute path, refusing anything that would resolve outside the root. */
  pathFor(key: string): string {
    assertValidKey(key);
    const resolved = path.resolve(this.root, ...key.split('/'));
    if (!resolved.startsWith(this.root + path.sep)) throw new Error(`Storage key escapes the root: ${key}`);
    return resolved;
  }

  async put(key: string, body: Readable): Promise<PutResult> {
    const target = this.pathFor(key);
    const incoming = path.join(this.root, INCOMING);
    await mkdir(incoming, { recursive: true });
    const temp = path.join(incoming, randomUUID());
    const hasher = new HashingStream();
    try {
      // flush: fsync before close, so the rename below never publishes a file whose bytes are not on disk.
      const file = createWriteStream(temp, { flags: 'wx', flush: true, highWaterMark: WRITE_BUFFER_BYTES });
      await pipeline(body, hasher, new WriteBehind(file, FLUSH_EVERY_BYTES), file);
      await renameInto(temp, target);
    } catch (err) {
      await rm(temp, { force: true });
      throw err;
    }
    await syncDirectory(path.dirname(target));
    return { size: hasher.size, sha256: hasher.digest() };
  }

  async get(key: string, options: { range?: ByteRange } = {}): Promise<GetResult> {
    const file = this.pathFor(key);
    // Open first and stat the handle: the size and the bytes then belong to the same file,
    // even if a put replaces the key meanwhile.
    const handle = await open(file, 'r').catch((err) => {
      throw isMissing(err) ? new ObjectNotFoundError(key) : err;
    });
    try {
      const { size } = await handle.stat();
      const range = options.range;
      if (range && (range.start < 0 || range.end < range.start || range.end >= size)) {
        throw new RangeError(`Range ${range.start}-${range.end} is outside the object (${size} bytes)`);
      }
      const stream = handle.createReadStream(range ? { start: range.start, end: range.end } : {});
      return { stream, size, range };
    } catch (err) {
      await handle.close();
      throw err;
    }
  }

  async head(key: string): Promise<ObjectHead | null> {
    try {
      const s = await stat(this.pathFor(key));
      return s.isFile() ? { size: s.size, lastModified: s.mtime } : null;
    } catch (err) {
      if (isMissing(err)) return null;
      throw err;
    }
  }

  async delete(key: string): Promise<void> {
    const file = this.pathFor(key);
    await rm(file, { force: true });
    await this.pruneEmptyParents(path.dirname(file));
  }

  async copy(fromKey: string, toKey: string): Promise<void> {
    const from = this.pathFor(fromKey);
    const to = this.pathFor(toKey);
    const incoming = path.join(this.root, INCOMING);
    await mkdir(incoming, { recursive: true });
    const temp = path.join(incoming, randomUUID());
    try {
      await copyFile(from, temp);
      await renameInto(temp, to);
    } catch (err) {
      await rm(temp, { force: true });
      throw isMissing(err) ? new ObjectNotFoundError(fromKey) : err;
    }
  }

  async move(fromKey: string, toKey: string): Promise<void> {
    const from = this.pathFor(fromKey);
    const to = this.pathFor(toKey);
    await stat(from).catch((err) => {
      throw isMissing(err) ? new ObjectNotFoundError(fromKey) : err;
    });
    await renameInto(from, to);
    await syncDirectory(path.dirname(to));
    await this.pruneEmptyParents(path.dirname(from));
  }

  async *list(prefix: string): AsyncIterable<ListEntry> {
    assertValidPrefix(prefix);
    // Start at the deepest directory the prefix names fully; filter the rest by string prefix.
    const dirPart = prefix.includes('/') ? prefix.slice(0, prefix.lastIndexOf('/')) : '';
    const start = dirPart ? this.pathFor(dirPart) : this.root;
    const found: ListEntry[] = [];
    await this.walk(start, dirPart, prefix, found);
    found.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    yield* found;
  }

  private async walk(dir: string, keyPrefix: string, wanted: string, out: ListEntry[]): Promise<void> {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (err) {
      if (isMissing(err) || (err as NodeJS.ErrnoException).code === 'ENOTDIR') return;
      throw err;
    }
    for (const entry of entries) {
      if (entry.name.startsWith('.')) continue; // .incoming and anything not written through a valid key
      const key = keyPrefix ? `${keyPrefix}/${entry.name}` : entry.name;
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (wanted.startsWith(key + '/') || (key + '/').startsWith(wanted) || key.startsWith(wanted)) await this.walk(full, key, wanted, out);
      } else if (entry.isFile() && key.startsWith(wanted)) {
        const s = await stat(full).catch(() => null);
        if (s) out.push({ key, size: s.size });
      }
    }
  }

  async presignGet(key: string, options: PresignGetOptions): Promise<string> {
    assertValidKey(key);
    const expires = Math.floor(Date.now() / 1000) + options.expiresInSeconds;
    const grant = { method: 'GET' as const, key, expires, contentType: options.contentType, downloadName: options.downloadName, userId: options.forUserId ?? undefined };
    const q = new URLSearchParams({ m: 'GET', k: key, exp: String(expires) });
    if (grant.contentType) q.set('ct', grant.contentType);
    if (grant.downloadName) q.set('dn', grant.downloadName);
    if (grant.userId) q.set('u', grant.userId);
    q.set('sig', this.signer.sign(grant));
    return `${this.options.baseUrl}${SIGNED_URL_PATH}?${q}`;
  }

  /** Remove directories emptied by a delete or move, up to (not including) the root. */
  private async pruneEmptyParents(dir: string): Promise<void> {
    let current = dir;
    while (current.startsWith(this.root + path.sep)) {
      try {
        await rmdir(current);
      } catch {
        return; // not empty (or already gone): stop
      }
      current = path.dirname(current);
    }
  }

  async close(): Promise<void> {
    if (this.options.ephemeral) await rm(this.root, { recursive: true, force: true });
  }
}

/**
 * Rename into a directory created on demand. A concurrent delete may prune the freshly made
 * (still empty) directory, or one of its parents, during mkdir or before the rename, so an
 * ENOENT is retried.
 */
async function renameInto(from: string, to: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      // mkdir itself fails with ENOENT when a parent it just made is pruned before the next level.
      await mkdir(path.dirname(to), { recursive: true });
      await rename(from, to);
      return;
    } catch (err) {
      if (!isMissing(err) || attempt >= 10) throw err;
    }
  }
}

function isMissing(err: unknown): boolean {
  return (err as NodeJS.ErrnoException)?.code === 'ENOENT';
}

/** fsync a directory so a rename into it survives a power cut (not supported everywhere: best effort). */
async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r').catch(() => null);
  if (!handle) return;
  try {
    await handle.sync();
  } catch {
    /* some filesystems refuse fsync on directories */
  } finally {
    await handle.close();
  }
}

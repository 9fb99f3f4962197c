import { Transform, type TransformCallback } from 'node:stream';
import { fileTypeFromBuffer } from 'file-type';
import { AppError, payloadTooLarge, unprocessable, unsupportedMediaType } from '../errors.js';
import type { UploadKind } from './upload-kinds.js';

/** file-type reads at most this many bytes for the formats it detects. */
const SNIFF_BYTES = 4100;

/**
 * Holds back the first bytes until the type is known from them, then lets everything
 * through. A type the kind does not allow stops the upload before anything is stored;
 * an empty body stops it at the end.
 */
export class TypeSniffer extends Transform {
  contentType: string | null = null;
  /** File extension for the type, when one is known (used for generated keys). */
  extension: string | null = null;
  private head: Buffer[] = [];
  private headBytes = 0;
  private decided = false;

  constructor(private readonly kind: UploadKind, private readonly declaredType: string | undefined) {
    super();
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback) {
    if (this.decided) return cb(null, chunk);
    this.head.push(chunk);
    this.headBytes += chunk.length;
    if (this.headBytes < SNIFF_BYTES) return cb();
    this.decide().then(() => cb(), cb);
  }

  override _flush(cb: TransformCallback) {
    if (this.decided) return cb();
    if (this.headBytes === 0) return cb(unprocessable('The file is empty: choose a file with content', 'EMPTY_FILE'));
    this.decide().then(() => cb(), cb);
  }

  private async decide(): Promise<void> {
    const head = Buffer.concat(this.head, this.headBytes);
    const type = await resolveType(this.kind, head, this.declaredType);
    this.contentType = type.mime;
    this.extension = type.ext;
    this.decided = true;
    this.head = [];
    this.push(head);
  }
}

const TEXT_EXTENSIONS: Record<string, string> = { 'text/plain': 'txt', 'text/csv': 'csv', 'text/markdown': 'md', 'application/json': 'json' };

async function resolveType(kind: UploadKind, head: Buffer, declared: string | undefined): Promise<{ mime: string; ext: string | null }> {
  const found = await fileTypeFromBuffer(head);
  const detected = found?.mime;
  const declaredBase = declared?.split(';')[0].trim().toLowerCase();
  const textOk = !detected && declaredBase && kind.textTypes?.includes(declaredBase) && looksLikeText(head);
  const text = textOk ? { mime: declaredBase!, ext: TEXT_EXTENSIONS[declaredBase!] ?? null } : null;
  if (found && (kind.types === '*' || kind.types.includes(found.mime))) return { mime: found.mime, ext: found.ext };
  if (text) return text;
  if (kind.types === '*' && !found) return { mime: 'application/octet-stream', ext: null };
  const allowed = [...kind.types, ...(kind.textTypes ?? [])].join(', ');
  throw unsupportedMediaType(
    `This ${kind.name} upload is ${detected ? `a ${detected} file` : 'of an unrecognised type'}; allowed types are ${allowed}`,
    'UNSUPPORTED_FILE_TYPE',
  );
}

/** Text formats have no signature; at least refuse bytes that are clearly binary. */
function looksLikeText(head: Buffer): boolean {
  return !head.includes(0);
}

/**
 * Counts bytes as they pass. Past the kind's size limit it fails at once (no more of the
 * body is read); past the bytes reserved so far it asks `reserveMore` for quota and fails
 * when the org has no room left.
 */
export class UploadMeter extends Transform {
  bytes = 0;

  constructor(
    private readonly maxBytes: number,
    private reserved: number,
    private readonly reserveMore: (needed: number) => Promise<number>,
    private readonly onQuotaExceeded: (requested: number) => Promise<AppError>,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback) {
    this.bytes += chunk.length;
    if (this.bytes > this.maxBytes) {
      return cb(payloadTooLarge(`The file is larger than the ${formatLimit(this.maxBytes)} allowed for this upload`, 'FILE_TOO_LARGE'));
    }
    if (this.bytes <= this.reserved) return cb(null, chunk);
    // Reserve in growing steps (doubling, at most 64 MiB) to keep quota round trips few.
    const step = Math.min(Math.max(this.reserved, 1024 * 1024), 64 * 1024 * 1024, this.maxBytes - this.reserved);
    const wanted = Math.max(this.bytes - this.reserved, step);
    this.reserveMore(wanted).then(
      async (granted) => {
        this.reserved += granted;
        if (this.bytes > this.reserved) return cb(await this.onQuotaExceeded(this.bytes));
        cb(null, chunk);
      },
      (err) => cb(err),
    );
  }
}

function formatLimit(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(bytes % (1024 * 1024) ? 1 : 0)} MiB` : `${bytes} bytes`;
}

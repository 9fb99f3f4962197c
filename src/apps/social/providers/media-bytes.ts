import { unprocessable } from '../../../platform/errors.js';
import type { PostMedia } from './provider.js';

/**
 * The media's bytes as one Buffer, checked against the declared size. Networks that take an
 * upload in one request (Bluesky's uploadBlob, Mastodon's multipart, LinkedIn's PUT) need the
 * whole body; the rules cap every network's media size, so this never holds more than that cap.
 */
export async function mediaBytes(media: PostMedia): Promise<Uint8Array<ArrayBuffer>> {
  let bytes: Buffer;
  if (Buffer.isBuffer(media.data)) bytes = media.data;
  else {
    const chunks: Buffer[] = [];
    for await (const chunk of media.data) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array));
    bytes = Buffer.concat(chunks);
  }
  if (bytes.length !== media.size) throw unprocessable(`The media was declared as ${media.size} bytes but holds ${bytes.length}; upload it again`, 'SOCIAL_MEDIA_SIZE_MISMATCH');
  return view(bytes);
}

/** The media's bytes in chunks of at most `chunkSize` (X's APPEND segments), streamed. */
export async function* mediaChunks(media: PostMedia, chunkSize: number): AsyncGenerator<Buffer> {
  const source: Iterable<Buffer> | AsyncIterable<Buffer | Uint8Array> = Buffer.isBuffer(media.data) ? [media.data] : media.data;
  let pending = Buffer.alloc(0);
  for await (const piece of source) {
    pending = Buffer.concat([pending, Buffer.isBuffer(piece) ? piece : Buffer.from(piece)]);
    while (pending.length >= chunkSize) {
      yield pending.subarray(0, chunkSize);
      pending = pending.subarray(chunkSize);
    }
  }
  if (pending.length > 0) yield pending;
}

/** The same bytes typed as fetch and Blob want them (a Buffer may sit on a SharedArrayBuffer type-wise). */
export function view(bytes: Buffer): Uint8Array<ArrayBuffer> {
  return new Uint8Array(bytes.buffer as ArrayBuffer, bytes.byteOffset, bytes.length);
}

import { createHash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';

/** Passes bytes through unchanged while counting them and computing their SHA-256. */
export class HashingStream extends Transform {
  private readonly hash = createHash('sha256');
  size = 0;

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback) {
    this.hash.update(chunk);
    this.size += chunk.length;
    cb(null, chunk);
  }

  /** Only valid once the stream has finished. */
  digest(): string {
    return this.hash.digest('hex');
  }
}

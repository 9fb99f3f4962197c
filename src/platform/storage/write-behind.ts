import { fdatasync, type WriteStream } from 'node:fs';
import { Transform, type TransformCallback } from 'node:stream';

/**
 * Passes bytes through to a file stream unchanged, and every `everyBytes` asks the kernel, in
 * the background, to put what the file has received so far on disk (fdatasync on libuv's
 * thread pool, one at a time). The file's own fsync at its end (`flush: true`) then has little
 * left to write: with that one fsync alone, the disk wrote the whole upload after its last
 * byte had arrived, and the client waited for it.
 *
 * It does not replace that final fsync: it is what makes a stored file durable. The stream ends
 * only once its last background flush has, so none is still running when the file is closed.
 */
export class WriteBehind extends Transform {
  private sinceFlush = 0;
  private flushing: Promise<void> | null = null;
  /** The file's descriptor, once it is open (createWriteStream opens it after it is created). */
  private fd: number | null = null;

  constructor(
    file: WriteStream,
    private readonly everyBytes: number,
    /** node's fdatasync; a test passes one it can hold back. */
    private readonly sync: (fd: number, done: (err: NodeJS.ErrnoException | null) => void) => void = fdatasync,
  ) {
    super();
    const openAlready = (file as unknown as { fd?: number | null }).fd;
    if (typeof openAlready === 'number') this.fd = openAlready;
    else file.once('open', (fd: number) => (this.fd = fd));
    // The descriptor is closed with the file: no flush may start on a number reused since.
    file.once('close', () => (this.fd = null));
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback) {
    this.sinceFlush += chunk.length;
    if (this.sinceFlush >= this.everyBytes && !this.flushing && this.fd !== null) {
      this.sinceFlush = 0;
      const fd = this.fd;
      this.flushing = new Promise<void>((resolve) => {
        // A failed early flush changes nothing: the final fsync reports what is wrong.
        this.sync(fd, () => resolve());
      }).finally(() => {
        this.flushing = null;
      });
    }
    cb(null, chunk);
  }

  override _flush(cb: TransformCallback) {
    if (!this.flushing) return cb();
    void this.flushing.then(() => cb());
  }
}

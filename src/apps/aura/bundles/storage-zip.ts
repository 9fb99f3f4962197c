import { Readable } from 'node:stream';
import { ZipFile } from 'yazl';
import type { PlatformContext } from '../../../platform/context.js';

export interface ZipEntry {
  /** The path inside the archive. */
  name: string;
  /** The driver key of the bytes ("{org_id}/{key}"). */
  storageKey: string;
  mtime?: Date;
}

/**
 * A ZIP streamed from storage: each entry's object is opened only when the archive reaches it
 * (yazl pulls entries one after another), so neither the archive nor more than one photo is
 * ever held in memory or open at once. Entries already compressed (JPEG, WebP) are stored.
 * If an object cannot be read half-way, the stream is destroyed with the error: the client
 * sees a broken download, never a complete-looking archive that lacks a photo.
 */
export class StorageZip {
  private readonly zip = new ZipFile();
  private readonly names = new Set<string>();
  readonly stream: Readable;

  constructor(private readonly ctx: PlatformContext) {
    const out = this.zip.outputStream as Readable;
    this.zip.on('error', (err: Error) => out.destroy(err));
    this.stream = out;
  }

  /** Adds an object; a name already in the archive gets " (2)", " (3)"… before its extension. */
  addObject(entry: ZipEntry): string {
    const name = this.uniqueName(entry.name);
    this.zip.addReadStreamLazy(name, { compress: false, mtime: entry.mtime ?? new Date() }, (cb) => {
      this.ctx.storage.driver.get(entry.storageKey).then(
        (r) => cb(null, r.stream),
        (err: unknown) => cb(err, undefined as unknown as NodeJS.ReadableStream),
      );
    });
    return name;
  }

  /** Adds a stream made when the archive reaches it (data.json written page by page). */
  addLazyStream(name: string, open: () => Readable): void {
    this.zip.addReadStreamLazy(this.uniqueName(name), { compress: true, mtime: new Date() }, (cb) => cb(null, open()));
  }

  end(): Readable {
    this.zip.end();
    return this.stream;
  }

  private uniqueName(wanted: string): string {
    let name = wanted;
    const dot = wanted.lastIndexOf('.');
    const [stem, ext] = dot > wanted.lastIndexOf('/') + 1 ? [wanted.slice(0, dot), wanted.slice(dot)] : [wanted, ''];
    for (let i = 2; this.names.has(name); i++) name = `${stem} (${i})${ext}`;
    this.names.add(name);
    return name;
  }
}

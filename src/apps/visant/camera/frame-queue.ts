import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

export interface QueuedFrame {
  recordId: string;
  capturedAt: string;
  bytes: Buffer;
  metadata: Record<string, string>;
}

const META = '.json';
const IMAGE = '.img';
/** Frames the server refused for good are kept for a look, this many at most. */
const MAX_REJECTED = 50;

/**
 * The camera's offline queue: every frame is written to disk before any upload, and removed
 * only once the server has it, so nothing is lost while the server is away or the camera
 * restarts. A frame is two files, `<record_id>.img` then `<record_id>.json`; it counts as
 * queued once its .json exists (both are written to a temporary name and renamed, so a crash
 * never leaves half a frame). Record ids start with the capture time, so name order is
 * capture order. The queue holds at most `maxFrames`: beyond that the oldest frame is dropped.
 */
export class FrameQueue {
  private readonly framesDir: string;
  private readonly rejectedDir: string;

  constructor(dir: string, private readonly maxFrames: number, private readonly onDrop: (recordId: string) => void) {
    this.framesDir = path.join(dir, 'frames');
    this.rejectedDir = path.join(dir, 'rejected');
  }

  /** Create the folders and clear what a crash left half-written. */
  async open() {
    await mkdir(this.framesDir, { recursive: true });
    await mkdir(this.rejectedDir, { recursive: true });
    const names = await readdir(this.framesDir);
    const complete = new Set(names.filter((n) => n.endsWith(META)).map((n) => n.slice(0, -META.length)));
    for (const name of names) {
      const stale = name.endsWith('.tmp') || (name.endsWith(IMAGE) && !complete.has(name.slice(0, -IMAGE.length)));
      if (stale) await rm(path.join(this.framesDir, name), { force: true });
    }
  }

  async add(frame: QueuedFrame) {
    const base = path.join(this.framesDir, frame.recordId);
    await writeFile(`${base}${IMAGE}.tmp`, frame.bytes);
    await rename(`${base}${IMAGE}.tmp`, `${base}${IMAGE}`);
    await writeFile(`${base}${META}.tmp`, JSON.stringify({ record_id: frame.recordId, captured_at: frame.capturedAt, metadata: frame.metadata }));
    await rename(`${base}${META}.tmp`, `${base}${META}`);
    const ids = await this.ids();
    for (const oldest of ids.slice(0, Math.max(0, ids.length - this.maxFrames))) {
      await this.remove(oldest);
      this.onDrop(oldest);
    }
  }

  async size() {
    return (await this.ids()).length;
  }

  /** The oldest queued frame, or null when the queue is empty. */
  async oldest(): Promise<QueuedFrame | null> {
    for (const id of await this.ids()) {
      const frame = await this.read(id);
      if (frame) return frame;
    }
    return null;
  }

  async remove(recordId: string) {
    const base = path.join(this.framesDir, recordId);
    // The .json first: without it the frame no longer counts, even if removing the image fails.
    await rm(`${base}${META}`, { force: true });
    await rm(`${base}${IMAGE}`, { force: true });
  }

  /** Move a frame the server refused for good (not an image, too large) aside, with the reason. */
  async reject(frame: QueuedFrame, reason: string) {
    const base = path.join(this.rejectedDir, frame.recordId);
    await writeFile(`${base}${IMAGE}`, frame.bytes);
    await writeFile(`${base}.reason.txt`, `${reason}\n`);
    await this.remove(frame.recordId);
    const kept = (await readdir(this.rejectedDir)).filter((n) => n.endsWith('.reason.txt')).sort();
    for (const name of kept.slice(0, Math.max(0, kept.length - MAX_REJECTED))) {
      const id = name.slice(0, -'.reason.txt'.length);
      await rm(path.join(this.rejectedDir, name), { force: true });
      await rm(path.join(this.rejectedDir, `${id}${IMAGE}`), { force: true });
    }
  }

  private async ids() {
    return (await readdir(this.framesDir)).filter((n) => n.endsWith(META)).map((n) => n.slice(0, -META.length)).sort();
  }

  private async read(recordId: string): Promise<QueuedFrame | null> {
    const base = path.join(this.framesDir, recordId);
    try {
      const meta = JSON.parse(await readFile(`${base}${META}`, 'utf8')) as { captured_at: string; metadata: Record<string, string> };
      return { recordId, capturedAt: meta.captured_at, metadata: meta.metadata, bytes: await readFile(`${base}${IMAGE}`) };
    } catch (err) {
      // Dropped (queue full) between listing and reading: the next one is the oldest.
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
  }
}

import { appendFile, readFile, writeFile } from 'node:fs/promises';

/** One upload waiting for the server: the file, and the hash it had when it was queued. */
export interface QueuedUpload {
  id: string;
  folder: number;
  rel: string;
  hash: string;
  size: number;
  mtimeMs: number;
}

type Line = ({ op: 'queued' } & QueuedUpload) | { op: 'done'; id: string };

/**
 * The offline queue: an append-only journal (one JSON line per event, `queued` then `done`),
 * so every upload decided survives a restart until the server has it. A line cut short by a
 * crash is ignored; the file is rewritten (compacted) only when nothing is pending.
 */
export class SyncJournal {
  private pendingById = new Map<string, QueuedUpload>();

  constructor(private readonly file: string) {}

  async load() {
    let text = '';
    try {
      text = await readFile(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    for (const raw of text.split('\n')) {
      if (!raw.trim()) continue;
      let line: Line;
      try {
        line = JSON.parse(raw) as Line;
      } catch {
        continue;
      }
      if (line.op === 'queued') {
        const { op: _op, ...upload } = line;
        this.pendingById.set(line.id, upload);
      } else this.pendingById.delete(line.id);
    }
  }

  pending(): QueuedUpload[] {
    return [...this.pendingById.values()];
  }

  /** Already queued: the same file with the same bytes. */
  has(folder: number, rel: string, hash: string) {
    return this.pending().some((u) => u.folder === folder && u.rel === rel && u.hash === hash);
  }

  async enqueue(upload: QueuedUpload) {
    await appendFile(this.file, `${JSON.stringify({ op: 'queued', ...upload })}\n`);
    this.pendingById.set(upload.id, upload);
  }

  async done(id: string) {
    await appendFile(this.file, `${JSON.stringify({ op: 'done', id })}\n`);
    this.pendingById.delete(id);
    if (this.pendingById.size === 0) await writeFile(this.file, '');
  }
}

import { readTextIfExists, writeFileAtomic } from './atomic-write.js';

/** What the agent knows of one synced file: enough to skip it unread when it has not changed. */
export interface FileState {
  hash: string;
  size: number;
  mtimeMs: number;
  photoId: string;
  /** With sync_metadata: the hash of the XMP sidecar last sent ('' or absent: none). */
  sidecarHash?: string;
}

/**
 * The local state file: `folder key/relative path` → hash, size, mtime and the photo id on the
 * server. A file whose size and mtime match is not even read again; one whose hash matches is
 * not sent again. Saved whole with writeFileAtomic, so a crash leaves the old or the new file.
 */
export class SyncState {
  private files = new Map<string, FileState>();

  constructor(private readonly file: string) {}

  async load() {
    const text = await readTextIfExists(this.file);
    if (text === null) return;
    const json = JSON.parse(text) as { files?: Record<string, FileState> };
    this.files = new Map(Object.entries(json.files ?? {}));
  }

  get(key: string) {
    return this.files.get(key);
  }

  set(key: string, value: FileState) {
    this.files.set(key, value);
  }

  delete(key: string) {
    this.files.delete(key);
  }

  keys(prefix: string) {
    return [...this.files.keys()].filter((k) => k.startsWith(prefix));
  }

  async save() {
    await writeFileAtomic(this.file, JSON.stringify({ files: Object.fromEntries(this.files) }));
  }
}

import { randomUUID } from 'node:crypto';
import { mkdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { eventFolderOf, type SyncConfig } from './sync-config.js';
import { SyncState } from './sync-state.js';
import { SyncJournal, type QueuedUpload } from './sync-journal.js';
import { ServerAway, SyncClient } from './sync-client.js';
import { hashFile, scanFolder } from './scan-folder.js';
import { reconcileFolder, type ReconcileEvent } from './reconcile.js';
import { sendChangedSidecars, type MetadataEvent } from './metadata-sync.js';
import type { FaceEngine } from '../faces/face-engine.js';
import { FACE_INDEX_FILE, LocalFaceIndex, type RefreshStats } from './local-face-index.js';

export type SyncEvent =
  | { kind: 'queued'; rel: string }
  | { kind: 'uploaded'; rel: string; bytes: number; duplicate: boolean }
  | { kind: 'rejected'; rel: string; reason: string }
  | { kind: 'offline'; reason: string; pending: number }
  | { kind: 'progress'; done: number; total: number }
  /** The local face index analysing new contents (done of total). */
  | { kind: 'face-progress'; done: number; total: number }
  /** The folder itself is gone: marked, never taken as "every file deleted". */
  | { kind: 'folder-missing'; path: string }
  | ReconcileEvent
  | MetadataEvent;

export interface PassResult {
  queued: number;
  uploaded: number;
  /** Bytes of photo sent to the server in this pass (0 when nothing changed). */
  bytesSent: number;
  /** Uploads still waiting in the journal (the server was away). */
  pending: number;
  offline: string | null;
  /** The local face index after the pass (null when the agent keeps none). */
  faces: RefreshStats | null;
}

export interface SyncAgentOptions {
  /**
   * Keep the local face index (for `tenantry aura search --photo`) with this engine, after
   * every pass, with or without the server. None: no index (a search builds it when run).
   */
  faceEngine?: FaceEngine;
}

/**
 * One sync agent over the folders of a sync config, with its state and journal in `stateDir`.
 * A pass scans every upload-only/bidirectional folder, queues changed files in the journal
 * (before any upload, so a restart forgets nothing), then drains the journal while the server
 * answers, then applies downloads and the deletion rules (reconcile.ts). A missing folder is
 * skipped, never read as "all its files deleted".
 */
export class SyncAgent {
  private readonly state: SyncState;
  private readonly journal: SyncJournal;
  private readonly client: SyncClient;
  private readonly events = new Map<number, string>();
  private readonly faceIndex: LocalFaceIndex | null;
  private keyChecked = false;

  constructor(private readonly config: SyncConfig, private readonly stateDir: string, private readonly onEvent: (e: SyncEvent) => void = () => {}, options: SyncAgentOptions = {}) {
    this.state = new SyncState(path.join(stateDir, 'state.json'));
    this.journal = new SyncJournal(path.join(stateDir, 'journal.jsonl'));
    this.client = new SyncClient(config);
    this.faceIndex = options.faceEngine ? new LocalFaceIndex(path.join(stateDir, FACE_INDEX_FILE), options.faceEngine) : null;
  }

  async open() {
    await mkdir(this.stateDir, { recursive: true });
    await this.state.load();
    await this.journal.load();
    await this.faceIndex?.load();
  }

  async pass(): Promise<PassResult> {
    let queued = 0;
    const present: number[] = [];
    for (const [index, folder] of this.config.folders.entries()) {
      if (!(await isDirectory(folder.local_path))) {
        this.onEvent({ kind: 'folder-missing', path: folder.local_path });
        continue;
      }
      present.push(index);
      if (folder.mode !== 'download-only') queued += await this.queueChanges(index, folder.local_path);
    }
    const result: PassResult = { queued, uploaded: 0, bytesSent: 0, pending: 0, offline: null, faces: null };
    try {
      await this.drain(result);
      for (const index of present) {
        const folder = this.config.folders[index];
        await reconcileFolder({ index, folder, settings: this.config.settings, eventId: await this.eventId(index), state: this.state, client: this.client, onEvent: this.onEvent });
        if (this.config.settings.sync_metadata && folder.mode !== 'download-only') {
          await sendChangedSidecars({ index, root: folder.local_path, state: this.state, client: this.client, onEvent: this.onEvent });
        }
        await this.state.save();
      }
    } catch (err) {
      if (!(err instanceof ServerAway)) throw err;
      result.offline = err.message;
      this.onEvent({ kind: 'offline', reason: err.message, pending: this.journal.pending().length });
    }
    result.pending = this.journal.pending().length;
    // Local work, so it runs whether the server answered or not; after the downloads, so
    // they are searchable too.
    if (this.faceIndex) {
      const folders = present.map((index) => ({ index, root: this.config.folders[index].local_path }));
      result.faces = await this.faceIndex.refresh(folders, (done, total) => this.onEvent({ kind: 'face-progress', done, total }));
    }
    return result;
  }

  /** Queue every new or changed file of one folder; unchanged ones are not read at all. */
  private async queueChanges(index: number, root: string): Promise<number> {
    let queued = 0;
    for (const file of await scanFolder(root)) {
      const key = `${index}/${file.rel}`;
      const known = this.state.get(key);
      if (known && known.size === file.size && known.mtimeMs === file.mtimeMs) continue;
      const hash = await hashFile(path.join(root, file.rel));
      if (known?.hash === hash) {
        // Touched, not changed: remember the new mtime so the next pass skips it unread.
        this.state.set(key, { ...known, size: file.size, mtimeMs: file.mtimeMs });
        continue;
      }
      if (this.journal.has(index, file.rel, hash)) continue;
      await this.journal.enqueue({ id: randomUUID(), folder: index, rel: file.rel, hash, size: file.size, mtimeMs: file.mtimeMs });
      this.onEvent({ kind: 'queued', rel: file.rel });
      queued++;
    }
    await this.state.save();
    return queued;
  }

  private async drain(result: PassResult) {
    if (!this.keyChecked) {
      await this.client.checkKey();
      this.keyChecked = true;
    }
    const pending = this.journal.pending();
    let done = 0;
    for (const upload of pending) {
      await this.uploadOne(upload, result);
      this.onEvent({ kind: 'progress', done: ++done, total: pending.length });
    }
  }

  private async uploadOne(upload: QueuedUpload, result: PassResult) {
    const folder = this.config.folders[upload.folder];
    const key = `${upload.folder}/${upload.rel}`;
    let bytes: Buffer;
    try {
      bytes = await readFile(path.join(folder.local_path, upload.rel));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      // Gone before it was sent: nothing to upload (the next scan sees what is there now).
      await this.journal.done(upload.id);
      return;
    }
    const eventId = await this.eventId(upload.folder);
    const answer = await this.client.upload(eventId, path.posix.basename(upload.rel), bytes);
    if (answer.kind === 'rejected') {
      this.onEvent({ kind: 'rejected', rel: upload.rel, reason: answer.reason });
      // Remembered with no photo, so the same bytes are not offered again on every pass.
      this.state.set(key, { hash: upload.hash, size: upload.size, mtimeMs: upload.mtimeMs, photoId: '' });
    } else {
      result.uploaded++;
      result.bytesSent += bytes.length;
      this.state.set(key, { hash: upload.hash, size: upload.size, mtimeMs: upload.mtimeMs, photoId: answer.photoId });
      this.onEvent({ kind: 'uploaded', rel: upload.rel, bytes: bytes.length, duplicate: answer.duplicate });
    }
    // State first, then the journal: a crash between the two sends the file again, which the
    // server answers as "duplicate" (same hash), so nothing is stored twice.
    await this.state.save();
    await this.journal.done(upload.id);
  }

  private async eventId(folder: number) {
    let id = this.events.get(folder);
    if (!id) {
      id = await this.client.eventFor(eventFolderOf(this.config.folders[folder].cloud_path));
      this.events.set(folder, id);
    }
    return id;
  }
}

const isDirectory = (dir: string) => stat(dir).then((s) => s.isDirectory(), () => false);

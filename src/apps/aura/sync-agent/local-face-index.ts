import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { AppError } from '../../../platform/errors.js';
import type { FaceEngine } from '../faces/face-engine.js';
import { unitDescriptor } from '../faces/face-vectors.js';
import { readTextIfExists, writeFileAtomic } from './atomic-write.js';
import { hashFile, scanFolder } from './scan-folder.js';

/** The index's file in the agent's state folder. */
export const FACE_INDEX_FILE = 'faces.json';
/** Bump when the stored shape changes: an index of another version is rebuilt, never misread. */
const FORMAT_VERSION = 1;
/** While analysing, the index is saved at least this often, so a crash loses little work. */
const CHECKPOINT_MS = 10_000;

interface IndexedFile {
  size: number;
  mtimeMs: number;
  hash: string;
}

interface StoredFace {
  box: { x: number; y: number; width: number; height: number };
  score: number;
  /** The unit-length descriptor as little-endian float32, base64: 684 characters a face. */
  descriptor: string;
}

/** What the engine found in one content hash's bytes. */
interface Analysis {
  faces: StoredFace[];
  /** Set when the bytes are not an image the engine can decode (kept so they are not tried again). */
  unreadable?: string;
}

interface IndexFile {
  version: number;
  engine: string;
  /** `folder index/relative path` → the file's size, mtime and content hash. */
  files: Record<string, IndexedFile>;
  /** Content hash → its faces. Shared by every file with those bytes. */
  analyses: Record<string, Analysis>;
}

export interface IndexFolder {
  /** The folder's position in the sync config: its files' keys start with `index/`. */
  index: number;
  root: string;
}

export interface RefreshStats {
  /** Image files in the folders. */
  files: number;
  /** Distinct contents run through the face engine in this refresh (0 when nothing changed). */
  analysed: number;
  /** Of those, the ones the engine could not decode. */
  unreadable: number;
  /** Faces known over every present file. */
  faces: number;
}

export interface LocalMatch {
  hash: string;
  /** Every present file with these bytes, absolute. */
  paths: string[];
  /** Cosine similarity of the best face of the file to the query. */
  similarity: number;
  box: StoredFace['box'];
}

/**
 * The sync agent's own face index, so a photo can be searched with the server away. For each
 * image file of the synced folders it keeps the faces the engine finds (the same face-api
 * engine the server runs), keyed by content hash: a file whose size and mtime have not changed
 * is not read, one whose bytes were analysed before (a copy, a rename, a touch) is not analysed
 * again. One JSON file in the state folder, replaced whole (writeFileAtomic) at checkpoints.
 *
 * A folder that is missing at a refresh keeps its entries (an unplugged disk costs no new
 * analysis when it comes back) but gives no results until it is there again.
 */
export class LocalFaceIndex {
  private data: IndexFile;
  private present = new Set<number>();

  constructor(private readonly file: string, private readonly engine: FaceEngine) {
    this.data = empty(engine.name);
  }

  async load(): Promise<void> {
    const text = await readTextIfExists(this.file);
    if (text === null) return;
    let parsed: Partial<IndexFile>;
    try {
      parsed = JSON.parse(text) as Partial<IndexFile>;
    } catch {
      // Only a hand-edited file can be malformed (saves are atomic): start over rather than stop.
      return;
    }
    // Faces of another engine or format are not comparable with this engine's: start over.
    if (parsed.version !== FORMAT_VERSION || parsed.engine !== this.engine.name) return;
    this.data = { version: FORMAT_VERSION, engine: this.engine.name, files: parsed.files ?? {}, analyses: parsed.analyses ?? {} };
  }

  /**
   * Bring the index up to date with the folders: hash new and changed files, analyse contents
   * never seen, forget files that are gone. `onProgress(done, total)` counts the analyses.
   */
  async refresh(folders: IndexFolder[], onProgress: (done: number, total: number) => void = () => {}): Promise<RefreshStats> {
    const files: Record<string, IndexedFile> = {};
    const fullPath = new Map<string, string>();
    this.present = new Set();
    for (const [key, known] of Object.entries(this.data.files)) {
      // Entries of folders no longer configured or missing now are kept as they are (see above).
      if (!folders.some((f) => key.startsWith(`${f.index}/`))) files[key] = known;
    }
    for (const folder of folders) {
      let found;
      try {
        found = await scanFolder(folder.root);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code !== 'ENOENT' && code !== 'ENOTDIR') throw err;
        for (const [key, known] of Object.entries(this.data.files)) if (key.startsWith(`${folder.index}/`)) files[key] = known;
        continue;
      }
      this.present.add(folder.index);
      for (const f of found) {
        const key = `${folder.index}/${f.rel}`;
        const full = path.join(folder.root, f.rel);
        const known = this.data.files[key];
        const unchanged = known && known.size === f.size && known.mtimeMs === f.mtimeMs;
        try {
          files[key] = unchanged ? known : { size: f.size, mtimeMs: f.mtimeMs, hash: await hashFile(full) };
          fullPath.set(key, full);
        } catch (err) {
          // Removed between the scan and the read: the next refresh sees what is there.
          if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
        }
      }
    }
    this.data.files = files;

    const todo = new Map<string, string>();
    for (const [key, full] of fullPath) {
      const { hash } = files[key]!;
      if (!this.data.analyses[hash] && !todo.has(hash)) todo.set(hash, full);
    }
    let analysed = 0;
    let unreadable = 0;
    let lastSave = Date.now();
    onProgress(0, todo.size);
    for (const [hash, full] of todo) {
      const analysis = await this.analyse(full);
      if (analysis) {
        this.data.analyses[hash] = analysis;
        if (analysis.unreadable) unreadable++;
      }
      onProgress(++analysed, todo.size);
      if (Date.now() - lastSave >= CHECKPOINT_MS) {
        await this.save();
        lastSave = Date.now();
      }
    }
    // Contents no file has any more are forgotten.
    const used = new Set(Object.values(files).map((f) => f.hash));
    for (const hash of Object.keys(this.data.analyses)) if (!used.has(hash)) delete this.data.analyses[hash];
    await this.save();

    let faces = 0;
    for (const key of fullPath.keys()) faces += this.data.analyses[files[key]!.hash]?.faces.length ?? 0;
    return { files: fullPath.size, analysed, unreadable, faces };
  }

  /**
   * The present files holding a face at least `threshold` similar to `unit` (a unit-length
   * descriptor), best first, one result per content with every path that holds it.
   */
  search(unit: readonly number[], threshold: number, folders: IndexFolder[]): LocalMatch[] {
    const rootOf = new Map(folders.filter((f) => this.present.has(f.index)).map((f) => [f.index, f.root]));
    const byHash = new Map<string, LocalMatch>();
    for (const [key, file] of Object.entries(this.data.files)) {
      const slash = key.indexOf('/');
      const root = rootOf.get(Number(key.slice(0, slash)));
      if (root === undefined) continue;
      const full = path.join(root, key.slice(slash + 1));
      const seen = byHash.get(file.hash);
      if (seen) {
        seen.paths.push(full);
        continue;
      }
      let best: { similarity: number; box: StoredFace['box'] } | null = null;
      for (const face of this.data.analyses[file.hash]?.faces ?? []) {
        const similarity = dot(unit, decode(face.descriptor));
        if (similarity >= threshold && (!best || similarity > best.similarity)) best = { similarity, box: face.box };
      }
      if (best) byHash.set(file.hash, { hash: file.hash, paths: [full], ...best });
    }
    const matches = [...byHash.values()];
    for (const m of matches) m.paths.sort();
    return matches.sort((a, b) => b.similarity - a.similarity || a.paths[0]!.localeCompare(b.paths[0]!));
  }

  private async analyse(full: string): Promise<Analysis | null> {
    let bytes: Buffer;
    try {
      bytes = await readFile(full);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
    try {
      const faces = await this.engine.detect(bytes);
      return { faces: faces.map((f) => ({ box: f.box, score: f.score, descriptor: encode(unitDescriptor(f.descriptor)) })) };
    } catch (err) {
      // A file named .jpg that is not a decodable image: remembered, so it is not tried on every pass.
      if (err instanceof AppError && err.code === 'IMAGE_UNREADABLE') return { faces: [], unreadable: err.message };
      throw err;
    }
  }

  private async save() {
    await writeFileAtomic(this.file, JSON.stringify(this.data));
  }
}

const empty = (engine: string): IndexFile => ({ version: FORMAT_VERSION, engine, files: {}, analyses: {} });

function encode(unit: readonly number[]): string {
  return Buffer.from(Float32Array.from(unit).buffer).toString('base64');
}

function decode(text: string): Float32Array {
  const bytes = Buffer.from(text, 'base64');
  // Copied into its own buffer: a Float32Array view needs 4-byte alignment.
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}

function dot(a: readonly number[], b: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i]! * b[i]!;
  return sum;
}

import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';

/** The files Aura takes as photos (the server sniffs the bytes anyway). */
const PHOTO_EXTENSIONS = new Set(['.jpg', '.jpeg', '.png', '.webp', '.tif', '.tiff', '.avif', '.gif']);

export interface LocalFile {
  /** Relative to the synced folder, with "/" on every system. */
  rel: string;
  size: number;
  mtimeMs: number;
}

/**
 * Every photo under `root`, recursively. Hidden entries (`.aura_trash/`, `.DS_Store`, editors'
 * temporary files) are skipped.
 */
export async function scanFolder(root: string): Promise<LocalFile[]> {
  const found: LocalFile[] = [];
  const walk = async (dir: string) => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      if (entry.name.startsWith('.')) continue;
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) await walk(full);
      else if (entry.isFile() && PHOTO_EXTENSIONS.has(path.extname(entry.name).toLowerCase())) {
        const s = await stat(full);
        found.push({ rel: path.relative(root, full).split(path.sep).join('/'), size: s.size, mtimeMs: s.mtimeMs });
      }
    }
  };
  await walk(root);
  return found.sort((a, b) => a.rel.localeCompare(b.rel));
}

/** SHA-256 of a file, streamed (the same hash the server keeps as `content_hash`). */
export function hashFile(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(file).on('error', reject).on('data', (chunk) => hash.update(chunk)).on('end', () => resolve(hash.digest('hex')));
  });
}

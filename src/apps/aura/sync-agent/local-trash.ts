import { mkdir, readdir, rename, rm, stat, utimes } from 'node:fs/promises';
import path from 'node:path';

export const LOCAL_TRASH = '.aura_trash';

/**
 * Move a local file into the folder's `.aura_trash/` (the seed's local trash), never deleting
 * it: the name gets the time it was trashed, and its mtime is set to now, which the retention
 * sweep counts from.
 */
export async function moveToLocalTrash(root: string, rel: string, now = new Date()): Promise<string> {
  const trash = path.join(root, LOCAL_TRASH);
  await mkdir(trash, { recursive: true });
  const target = path.join(trash, `${now.toISOString().replace(/[:.]/g, '-')}_${rel.split('/').join('__')}`);
  await rename(path.join(root, rel), target);
  await utimes(target, now, now);
  return target;
}

/** Erase what has been in `.aura_trash/` longer than the retention; returns how many files. */
export async function purgeLocalTrash(root: string, retentionDays: number, now = Date.now()): Promise<number> {
  const trash = path.join(root, LOCAL_TRASH);
  let names: string[];
  try {
    names = await readdir(trash);
  } catch {
    return 0;
  }
  let purged = 0;
  for (const name of names) {
    const file = path.join(trash, name);
    if (now - (await stat(file)).mtimeMs > retentionDays * 86_400_000) {
      await rm(file, { force: true });
      purged++;
    }
  }
  return purged;
}

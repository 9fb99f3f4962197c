import { access, mkdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { SyncConfig, SyncFolder } from './sync-config.js';
import type { SyncState } from './sync-state.js';
import type { CloudPhoto, SyncClient } from './sync-client.js';
import { moveToLocalTrash, purgeLocalTrash } from './local-trash.js';
import { writeSidecarForDownload, type MetadataEvent } from './metadata-sync.js';

export type ReconcileEvent =
  | { kind: 'downloaded'; rel: string }
  | { kind: 'local-trashed'; rel: string; reason: string }
  | { kind: 'cloud-trashed'; rel: string }
  | { kind: 'needs-admin'; rel: string; reason: string };

const exists = (file: string) => access(file).then(() => true, () => false);

/**
 * The seed's deletion and download rules for one folder, after its uploads went through:
 * - a synced file deleted locally → its photo to the cloud trash (when no other synced file has the same photo);
 * - a photo gone from the cloud (trashed) → the local file into `.aura_trash/`, kept `trash_retention_days`;
 * - download-only / bidirectional: photos of the event not here yet are downloaded; a name taken by
 *   other bytes is a conflict, settled by `conflict_strategy`.
 */
export async function reconcileFolder(opts: {
  index: number;
  folder: SyncFolder;
  settings: SyncConfig['settings'];
  eventId: string;
  state: SyncState;
  client: SyncClient;
  onEvent: (e: ReconcileEvent | MetadataEvent) => void;
}) {
  const { index, folder, settings, eventId, state, client, onEvent } = opts;
  const root = folder.local_path;
  const prefix = `${index}/`;
  const keys = state.keys(prefix);
  const relOf = (key: string) => key.slice(prefix.length);

  if (folder.mode !== 'download-only') {
    for (const key of keys) {
      const known = state.get(key)!;
      if (await exists(path.join(root, relOf(key)))) continue;
      const shared = keys.some((k) => k !== key && state.get(k)?.photoId === known.photoId && known.photoId !== '');
      if (known.photoId && !shared) {
        const outcome = await client.trash(known.photoId);
        if (outcome === 'forbidden') {
          onEvent({ kind: 'needs-admin', rel: relOf(key), reason: 'only an admin\'s API key may move photos to the cloud trash' });
          continue;
        }
        onEvent({ kind: 'cloud-trashed', rel: relOf(key) });
      }
      state.delete(key);
    }
  }
  if (folder.mode === 'upload-only') return;

  const cloud = await client.listPhotos(eventId);
  const cloudIds = new Set(cloud.map((p) => p.id));
  for (const key of state.keys(prefix)) {
    const known = state.get(key)!;
    if (!known.photoId || cloudIds.has(known.photoId)) continue;
    if (await exists(path.join(root, relOf(key)))) {
      await moveToLocalTrash(root, relOf(key));
      onEvent({ kind: 'local-trashed', rel: relOf(key), reason: 'trashed in the cloud' });
    }
    state.delete(key);
  }

  const localHashes = new Set(state.keys(prefix).map((k) => state.get(k)!.hash));
  for (const photo of cloud) {
    if (localHashes.has(photo.content_hash)) continue;
    await download(photo);
    localHashes.add(photo.content_hash);
  }
  await purgeLocalTrash(root, settings.trash_retention_days);

  async function download(photo: CloudPhoto) {
    let rel = path.posix.basename(photo.original_name);
    const taken = state.get(`${prefix}${rel}`);
    if (taken || (await exists(path.join(root, rel)))) {
      const localMtime = taken?.mtimeMs ?? (await stat(path.join(root, rel))).mtimeMs;
      if (settings.conflict_strategy === 'keep-both') {
        const ext = path.posix.extname(rel);
        rel = `${rel.slice(0, rel.length - ext.length)}-cloud-${photo.content_hash.slice(0, 8)}${ext}`;
      } else if (new Date(photo.updated_at).getTime() > localMtime) {
        // Last write wins: the cloud's is newer, the local file goes to the local trash.
        await moveToLocalTrash(root, rel);
        onEvent({ kind: 'local-trashed', rel, reason: 'a newer photo of the same name came from the cloud' });
        state.delete(`${prefix}${rel}`);
      } else {
        // The local file is newer: it stays (it is uploaded as its own photo), the cloud's goes to the cloud trash.
        const outcome = await client.trash(photo.id);
        if (outcome === 'forbidden') onEvent({ kind: 'needs-admin', rel, reason: 'the older cloud photo of the same name needs an admin\'s API key to be trashed' });
        else onEvent({ kind: 'cloud-trashed', rel });
        return;
      }
    }
    const bytes = await client.download(photo.id);
    await mkdir(path.dirname(path.join(root, rel)), { recursive: true });
    await writeFile(path.join(root, rel), bytes);
    const s = await stat(path.join(root, rel));
    const sidecarHash = settings.sync_metadata ? await writeSidecarForDownload(root, rel, photo, onEvent) : undefined;
    state.set(`${prefix}${rel}`, { hash: photo.content_hash, size: s.size, mtimeMs: s.mtimeMs, photoId: photo.id, ...(sidecarHash ? { sidecarHash } : {}) });
    onEvent({ kind: 'downloaded', rel });
  }
}

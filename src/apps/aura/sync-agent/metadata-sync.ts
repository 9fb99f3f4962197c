import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { SyncState } from './sync-state.js';
import type { CloudPhoto, SyncClient } from './sync-client.js';
import type { ReconcileEvent } from './reconcile.js';
import { mergeXmpMetadata, metadataToXmp, parseXmp, readSidecar, sidecarCandidates, writeXmp } from './xmp-sidecar.js';

export type MetadataEvent =
  | { kind: 'metadata-sent'; rel: string }
  /** The server would not take the photo's metadata with the sidecar's (not retried until the sidecar changes). */
  | { kind: 'metadata-refused'; rel: string; reason: string }
  | { kind: 'sidecar-written'; rel: string };

/**
 * `sync_metadata`, local to cloud: each synced photo whose XMP sidecar changed since the last
 * pass (written, edited or deleted) has its `xmp_` metadata entries replaced by the sidecar's.
 * The sidecar's hash is kept in the state, so an unchanged sidecar costs one read and no
 * request; a photo that never had one costs nothing. Changing metadata is an admin's right: a
 * member's key gets a "needs-admin" event and the change is tried again at the next pass.
 */
export async function sendChangedSidecars(opts: {
  index: number;
  root: string;
  state: SyncState;
  client: SyncClient;
  onEvent: (e: MetadataEvent | ReconcileEvent) => void;
}) {
  const { index, root, state, client, onEvent } = opts;
  const prefix = `${index}/`;
  for (const key of state.keys(prefix)) {
    const known = state.get(key)!;
    if (!known.photoId) continue;
    const rel = key.slice(prefix.length);
    const sidecar = await readSidecar(root, rel);
    const hash = sidecar?.hash ?? '';
    if ((known.sidecarHash ?? '') === hash) continue;
    const photo = await client.photo(known.photoId);
    if (!photo) continue; // trashed in the cloud: the reconcile step deals with it
    const metadata = mergeXmpMetadata(photo.metadata ?? {}, sidecar ? parseXmp(sidecar.text) : {});
    const answer = await client.updateMetadata(known.photoId, metadata);
    if (answer.kind === 'forbidden') {
      onEvent({ kind: 'needs-admin', rel, reason: 'only an admin\'s API key may change a photo\'s metadata (its XMP sidecar)' });
      continue;
    }
    state.set(key, { ...known, sidecarHash: hash });
    if (answer.kind === 'updated') onEvent({ kind: 'metadata-sent', rel });
    else if (answer.kind === 'refused') onEvent({ kind: 'metadata-refused', rel, reason: answer.reason });
  }
}

/**
 * `sync_metadata`, cloud to local: a downloaded photo whose metadata has `xmp_` entries gets a
 * sidecar beside it (`NAME.xmp`), unless one is there already. Returns the hash to remember
 * (so the new sidecar is not sent back), or undefined when none was written.
 */
export async function writeSidecarForDownload(root: string, rel: string, photo: CloudPhoto, onEvent: (e: MetadataEvent) => void): Promise<string | undefined> {
  const fields = metadataToXmp(photo.metadata ?? {});
  if (!fields || (await readSidecar(root, rel))) return undefined;
  const sidecarRel = sidecarCandidates(rel)[0]!;
  const text = writeXmp(fields);
  await writeFile(path.join(root, sidecarRel), text, { flag: 'wx' }).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'EEXIST') throw err;
  });
  onEvent({ kind: 'sidecar-written', rel: sidecarRel });
  return createHash('sha256').update(text).digest('hex');
}

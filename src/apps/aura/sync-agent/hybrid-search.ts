import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { AppError } from '../../../platform/errors.js';
import type { FaceEngine } from '../faces/face-engine.js';
import { unitDescriptor } from '../faces/face-vectors.js';
import { theOneFace } from '../faces/one-face.js';
import type { SyncConfig } from './sync-config.js';
import { ServerAway, SyncClient } from './sync-client.js';
import { LocalFaceIndex, type RefreshStats } from './local-face-index.js';
import { FACE_INDEX_FILE } from './local-face-index.js';

/** A selfie the search cannot use, with what to do about it; `code` as the server's (NO_FACE…). */
export class SelfieProblem extends Error {
  constructor(message: string, readonly code: string) {
    super(message);
  }
}

export interface HybridMatch {
  /** Where it was found: on this machine, in the studio's cloud library, or both (the same bytes). */
  source: 'local' | 'cloud' | 'both';
  /** The best of the local and the cloud similarity. */
  similarity: number;
  /** Every local file with these bytes (none for a cloud-only photo). */
  paths: string[];
  cloud: { photo_id: string; original_name: string; event_id: string | null } | null;
}

export interface HybridResult {
  matches: HybridMatch[];
  /** Why the cloud was not asked (the server could not be reached): the matches are local only. */
  offline: string | null;
  /** The server answered but refused the search (a revoked key…): the matches are local only. */
  cloudError: string | null;
  indexed: RefreshStats;
}

export interface HybridSearchOptions {
  config: SyncConfig;
  stateDir: string;
  engine: FaceEngine;
  selfie: Buffer;
  /** How the selfie is named in messages (its path). */
  selfieName: string;
  threshold: number;
  limit: number;
  onIndexProgress?: (done: number, total: number) => void;
}

/**
 * `tenantry aura search --photo`: the seed's hybrid search. The selfie's one face is searched in
 * the agent's local face index (brought up to date first, so it works with no server at all)
 * and, when the server answers, in the studio's cloud library with the agent's API key (only
 * the descriptor is sent, never the selfie). The two lists are merged by content: a local file
 * and a cloud photo with the same bytes (the same SHA-256: the photo the agent uploaded it as,
 * or the same file uploaded by anyone) are one result saying "both"; best similarity first.
 */
export async function hybridFaceSearch(o: HybridSearchOptions): Promise<HybridResult> {
  const descriptor = await selfieDescriptor(o.engine, o.selfie, o.selfieName);

  const folders = o.config.folders.map((f, index) => ({ index, root: f.local_path }));
  await mkdir(o.stateDir, { recursive: true });
  const index = new LocalFaceIndex(path.join(o.stateDir, FACE_INDEX_FILE), o.engine);
  await index.load();
  const indexed = await index.refresh(folders, o.onIndexProgress);
  const local = index.search(descriptor, o.threshold, folders);

  const byHash = new Map<string, HybridMatch>();
  for (const m of local) byHash.set(m.hash, { source: 'local', similarity: m.similarity, paths: m.paths, cloud: null });

  let offline: string | null = null;
  let cloudError: string | null = null;
  const cloudOnly: HybridMatch[] = [];
  try {
    const client = new SyncClient(o.config);
    const found = await client.searchFaces(descriptor, o.threshold, o.limit);
    for (const hit of found) {
      // Its content hash is the SHA-256 of the original's bytes, as the local index keys files:
      // a photo the agent uploaded, or the same bytes uploaded by anyone, is the local file.
      const photo = await client.photo(hit.photo_id);
      if (!photo) continue; // trashed since the search answered
      const cloud = { photo_id: hit.photo_id, original_name: photo.original_name, event_id: hit.event_id };
      const mine = byHash.get(photo.content_hash);
      if (mine && !mine.cloud) {
        mine.source = 'both';
        mine.cloud = cloud;
        mine.similarity = Math.max(mine.similarity, hit.similarity);
      } else if (!mine) {
        cloudOnly.push({ source: 'cloud', similarity: hit.similarity, paths: [], cloud });
      }
      // else: a second cloud photo with the same bytes is not possible (the server deduplicates).
    }
  } catch (err) {
    if (err instanceof ServerAway) offline = err.message;
    else cloudError = (err as Error).message;
  }

  const matches = [...byHash.values(), ...cloudOnly]
    .sort((a, b) => b.similarity - a.similarity || label(a).localeCompare(label(b)))
    .slice(0, o.limit);
  return { matches, offline, cloudError, indexed };
}

const label = (m: HybridMatch) => m.paths[0] ?? m.cloud?.photo_id ?? '';

/** The unit descriptor of the selfie's one face, or a SelfieProblem saying what is wrong. */
async function selfieDescriptor(engine: FaceEngine, selfie: Buffer, name: string): Promise<number[]> {
  try {
    return unitDescriptor(theOneFace(await engine.detect(selfie)).descriptor);
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    if (err.code === 'IMAGE_UNREADABLE') throw new SelfieProblem(`${name} is not a photo the face search can read: use a JPEG, PNG or WebP photo`, err.code);
    throw new SelfieProblem(`${name}: ${err.message}`, err.code);
  }
}

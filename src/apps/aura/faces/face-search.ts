import { sql, type Transaction } from 'kysely';
import type { AuraTables } from '../schema.js';
import { vectorLiteral, type FaceSearchMode } from './face-vectors.js';

export interface FaceMatchQuery {
  orgId: string;
  /** Unit length (unitDescriptor). */
  descriptor: readonly number[];
  /** Cosine similarity a face must reach, within the configured bounds. */
  threshold: number;
  /** Photos to return at most. */
  limit: number;
  eventId?: string | null;
  /** HNSW candidate list size (vector mode). */
  efSearch: number;
}

export interface PhotoMatch {
  photo_id: string;
  event_id: string | null;
  /** The best similarity of any face of the photo to the query. */
  similarity: number;
  /** That face's box, in the photo's pixels. */
  box: { x: number; y: number; width: number; height: number };
}

/** Faces read per photo asked for: a photo holds the same person once, near-duplicates aside. */
const CANDIDATES_PER_PHOTO = 8;
const MAX_CANDIDATES = 1000;

/**
 * match_faces: the org's photos holding a face similar to `descriptor`, best first, each photo
 * once with its best face. Scoped twice: `where org_id` here and row-level security on the
 * caller's tenant transaction. Vector mode asks the HNSW index for the nearest faces (with
 * pgvector's iterative scan, so the org and event filters never starve the result); exact mode
 * scans the org's faces. Both apply the same threshold to the same similarity.
 */
export async function matchFaces(tx: Transaction<AuraTables>, mode: FaceSearchMode, q: FaceMatchQuery): Promise<PhotoMatch[]> {
  const eventFilter = q.eventId ? sql`and f.event_id = ${q.eventId}` : sql``;
  // A photo in the trash has left the library: its faces keep their rows (a restore needs no
  // new detection) but are never found.
  const liveFilter = sql`and not exists (select 1 from aura_photos p where p.id = f.photo_id and p.trashed_at is not null)`;
  let rows: Array<{ photo_id: string; event_id: string | null; similarity: number; box_x: number; box_y: number; box_width: number; box_height: number }>;
  if (mode === 'vector') {
    const candidates = Math.min(MAX_CANDIDATES, q.limit * CANDIDATES_PER_PHOTO);
    const ef = Math.max(q.efSearch, Math.min(candidates, 1000));
    await sql`select set_config('hnsw.ef_search', ${String(ef)}, true), set_config('hnsw.iterative_scan', 'strict_order', true)`.execute(tx);
    const v = vectorLiteral(q.descriptor);
    rows = (await sql<(typeof rows)[number]>`
      select * from (
      select distinct on (photo_id) photo_id, event_id, similarity, box_x, box_y, box_width, box_height
      from (
        select f.photo_id, f.event_id, f.box_x, f.box_y, f.box_width, f.box_height, 1 - (f.embedding <=> ${v}::vector) as similarity
        from aura_faces f
        where f.org_id = ${q.orgId} and f.embedding is not null ${eventFilter} ${liveFilter}
        order by f.embedding <=> ${v}::vector
        limit ${candidates}
      ) hits
      where similarity >= ${q.threshold}
      order by photo_id, similarity desc
      ) best order by similarity desc, photo_id limit ${q.limit}`.execute(tx)).rows;
  } else {
    rows = (await sql<(typeof rows)[number]>`
      select * from (
      select distinct on (photo_id) photo_id, event_id, similarity, box_x, box_y, box_width, box_height
      from (
        select f.photo_id, f.event_id, f.box_x, f.box_y, f.box_width, f.box_height, aura_face_similarity(f.descriptor, ${[...q.descriptor]}::real[]) as similarity
        from aura_faces f
        where f.org_id = ${q.orgId} ${eventFilter} ${liveFilter}
      ) scored
      where similarity >= ${q.threshold}
      order by photo_id, similarity desc
      ) best order by similarity desc, photo_id limit ${q.limit}`.execute(tx)).rows;
  }
  return rows
    .map((r) => ({ photo_id: r.photo_id, event_id: r.event_id, similarity: Number(r.similarity), box: { x: r.box_x, y: r.box_y, width: r.box_width, height: r.box_height } }));
}

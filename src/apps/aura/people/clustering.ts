import { sql, type Transaction } from 'kysely';
import type { AuraTables } from '../schema.js';

export interface ClusterOptions {
  /** Cosine similarity to a person's centroid a face needs to join them (AURA_PEOPLE_THRESHOLD). */
  threshold: number;
  /** Faces below this quality stay out of people (tiny or blurred faces would each start one). */
  minQuality: number;
}

type Tx = Transaction<AuraTables>;

/**
 * One clustering at a time per org, until the transaction ends: two detection jobs finishing
 * together would otherwise both start a person for the same new face. Taken first in every
 * transaction that changes people or faces' people (before any row lock, so no deadlock).
 */
export async function lockOrgPeople(tx: Tx, orgId: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtextextended(${`aura_people:${orgId}`}, 0))`.execute(tx);
}

/** The unit-length mean of unit vectors (a person's centroid); null for none. */
export function meanDirection(vectors: ReadonlyArray<readonly number[]>): number[] | null {
  if (vectors.length === 0) return null;
  const sum = new Array<number>(vectors[0]!.length).fill(0);
  for (const v of vectors) for (let i = 0; i < sum.length; i++) sum[i]! += v[i]!;
  const norm = Math.hypot(...sum);
  return norm === 0 ? null : sum.map((x) => x / norm);
}

/**
 * Incremental clustering (as Immich does): each face without a person, best quality first,
 * joins the person whose centroid is nearest when the similarity reaches the threshold, or
 * starts a new person. The centroid moves towards each face that joins. People an admin hid
 * still take their faces (so they stay hidden). Faces already in a person are never moved:
 * admins' merges and splits stand. Call under lockOrgPeople.
 *
 * `photoId` limits it to one photo's faces (the detection job); `limit` bounds one batch.
 */
export async function assignFaces(tx: Tx, orgId: string, options: ClusterOptions, filter: { photoId?: string; limit?: number } = {}): Promise<{ assigned: number; created: number }> {
  let query = tx
    .selectFrom('aura_faces')
    .select(['id', 'descriptor'])
    .where('org_id', '=', orgId)
    .where('person_id', 'is', null)
    .where('quality', '>=', options.minQuality)
    .orderBy('quality', 'desc')
    .orderBy('id');
  if (filter.photoId) query = query.where('photo_id', '=', filter.photoId);
  if (filter.limit) query = query.limit(filter.limit);
  const faces = await query.execute();
  let created = 0;
  for (const face of faces) {
    const nearest = await sql<{ id: string; centroid: number[]; face_count: number; similarity: number }>`
      select id, centroid, face_count, aura_face_similarity(centroid, ${face.descriptor}::real[]) as similarity
      from aura_people where org_id = ${orgId}
      order by similarity desc, id limit 1`.execute(tx);
    const best = nearest.rows[0];
    if (best && Number(best.similarity) >= options.threshold) {
      const n = best.face_count;
      const centroid = meanDirection([best.centroid.map((x) => x * Math.max(n, 1)), face.descriptor]) ?? best.centroid;
      await tx.updateTable('aura_people').set({ centroid, face_count: n + 1, updated_at: new Date() }).where('org_id', '=', orgId).where('id', '=', best.id).execute();
      await tx.updateTable('aura_faces').set({ person_id: best.id }).where('org_id', '=', orgId).where('id', '=', face.id).execute();
    } else {
      const person = await tx.insertInto('aura_people').values({ org_id: orgId, centroid: face.descriptor, face_count: 1 }).returning('id').executeTakeFirstOrThrow();
      await tx.updateTable('aura_faces').set({ person_id: person.id }).where('org_id', '=', orgId).where('id', '=', face.id).execute();
      created++;
    }
  }
  return { assigned: faces.length, created };
}

/**
 * Recompute people's face counts and centroids from their faces, after faces left them
 * (re-detection, merge, split). A person left without faces goes, unless an admin named them:
 * a named person waits for their faces to come back (a re-detection assigns them by centroid).
 */
export async function refreshPeople(tx: Tx, orgId: string, personIds: readonly string[]): Promise<void> {
  for (const id of new Set(personIds)) {
    const faces = await tx.selectFrom('aura_faces').select('descriptor').where('org_id', '=', orgId).where('person_id', '=', id).execute();
    const centroid = meanDirection(faces.map((f) => f.descriptor));
    if (centroid) {
      await tx.updateTable('aura_people').set({ centroid, face_count: faces.length, updated_at: new Date() }).where('org_id', '=', orgId).where('id', '=', id).execute();
      continue;
    }
    const gone = await tx.deleteFrom('aura_people').where('org_id', '=', orgId).where('id', '=', id).where('name', 'is', null).returning('id').executeTakeFirst();
    if (!gone) await tx.updateTable('aura_people').set({ face_count: 0, updated_at: new Date() }).where('org_id', '=', orgId).where('id', '=', id).execute();
  }
}

/** The people a photo's faces belong to now (before its faces are replaced). */
export async function peopleOfPhoto(tx: Tx, orgId: string, photoId: string): Promise<string[]> {
  const rows = await tx.selectFrom('aura_faces').select('person_id').distinct().where('org_id', '=', orgId).where('photo_id', '=', photoId).where('person_id', 'is not', null).execute();
  return rows.map((r) => r.person_id!);
}

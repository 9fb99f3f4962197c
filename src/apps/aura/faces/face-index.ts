import { sql } from 'kysely';
import type { PlatformContext } from '../../../platform/context.js';
import { auraDb } from '../db.js';
import { forgetFaceSearchMode } from './face-vectors.js';

/** Faces copied into the vector column per statement while backfilling. */
const BACKFILL_BATCH = 2000;

export interface ReindexProgress {
  start(total: number): void;
  tick(done: number): void;
  stop(): void;
}

/**
 * `tenantry aura faces reindex`: make the HNSW index whole. Where pgvector has become
 * available since migration 002 ran, create the extension and the column first; copy every
 * face whose embedding is missing from its descriptor (the truth), then rebuild the index.
 * An operator command across all orgs, so it runs as the platform (no tenant scope).
 */
export async function reindexFaces(ctx: PlatformContext, progress?: ReindexProgress): Promise<{ mode: 'vector' | 'exact'; backfilled: number; faces: number }> {
  const db = auraDb.db(ctx);
  const available = (await sql<{ ok: boolean }>`select exists (select 1 from pg_available_extensions where name = 'vector') as ok`.execute(db)).rows[0]?.ok;
  const total = Number((await db.selectFrom('aura_faces').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n);
  if (!available) return { mode: 'exact', backfilled: 0, faces: total };
  await auraDb.withSystem(ctx, async (tx) => {
    await sql`create extension if not exists vector`.execute(tx);
    await sql`alter table aura_faces add column if not exists embedding vector(128)`.execute(tx);
  });
  forgetFaceSearchMode(ctx);
  const missing = Number((await sql<{ n: string }>`select count(*) as n from aura_faces where embedding is null`.execute(db)).rows[0]!.n);
  progress?.start(missing + 1);
  let backfilled = 0;
  for (;;) {
    const r = await sql`update aura_faces set embedding = descriptor::vector(128)
      where id in (select id from aura_faces where embedding is null limit ${BACKFILL_BATCH})`.execute(db);
    const n = Number(r.numAffectedRows ?? 0);
    if (n === 0) break;
    backfilled += n;
    progress?.tick(backfilled);
  }
  await sql`drop index if exists idx_aura_faces_embedding`.execute(db);
  await sql`create index idx_aura_faces_embedding on aura_faces using hnsw (embedding vector_cosine_ops)`.execute(db);
  progress?.tick(missing + 1);
  progress?.stop();
  return { mode: 'vector', backfilled, faces: total };
}

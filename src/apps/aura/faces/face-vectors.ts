import { sql } from 'kysely';
import type { PlatformContext } from '../../../platform/context.js';
import { DESCRIPTOR_LENGTH } from './face-engine.js';

/** How face search runs on this database: HNSW over pgvector, or an exact scan of real[]. */
export type FaceSearchMode = 'vector' | 'exact';

const modes = new WeakMap<object, Promise<FaceSearchMode>>();

/**
 * Whether aura_faces has its `embedding vector(128)` column (migration 002 adds it only where
 * the extension exists). Asked once per database, on the pool: call it before opening a tenant
 * transaction (embedded PGlite has one connection). Logs once when search is exact.
 */
export function faceSearchMode(ctx: Pick<PlatformContext, 'database' | 'log'>): Promise<FaceSearchMode> {
  let mode = modes.get(ctx.database);
  if (!mode) {
    mode = (async () => {
      const { rows } = await sql<{ present: boolean }>`select exists (
          select 1 from information_schema.columns
          where table_schema = current_schema() and table_name = 'aura_faces' and column_name = 'embedding'
        ) as present`.execute(ctx.database.db);
      const found: FaceSearchMode = rows[0]?.present ? 'vector' : 'exact';
      if (found === 'exact') {
        ctx.log.warn('aura: vector extension not available: face search is exact, slower on large collections (install pgvector, then run `tenantry aura faces reindex`)');
      }
      return found;
    })();
    mode.catch(() => modes.delete(ctx.database));
    modes.set(ctx.database, mode);
  }
  return mode;
}

/** Forget the cached mode (after `reindex` added the column). */
export function forgetFaceSearchMode(ctx: Pick<PlatformContext, 'database'>): void {
  modes.delete(ctx.database);
}

/**
 * The descriptor scaled to unit length: cosine similarity is then a dot product, the same in
 * SQL over real[] and in pgvector. Refuses what is not a usable embedding.
 */
export function unitDescriptor(values: ArrayLike<number>): number[] {
  if (values.length !== DESCRIPTOR_LENGTH) throw new RangeError(`a face descriptor has ${DESCRIPTOR_LENGTH} numbers, not ${values.length}`);
  let norm = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) throw new RangeError('a face descriptor holds only finite numbers');
    norm += v * v;
  }
  norm = Math.sqrt(norm);
  if (norm === 0) throw new RangeError('a face descriptor of zeros matches nothing');
  return Array.from(values, (v) => v / norm);
}

/** pgvector's text form, for a `$1::vector` parameter. */
export const vectorLiteral = (unit: readonly number[]) => `[${unit.join(',')}]`;

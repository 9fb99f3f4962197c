import type { PlatformContext } from '../../../platform/context.js';
import type { Principal } from '../../../platform/auth/principal.js';
import { notFound, validationError } from '../../../platform/errors.js';
import { recordUsage } from '../../../platform/usage/usage.service.js';
import { auraSettings } from '../config.js';
import { auraDb } from '../db.js';
import { faceSearchMode, unitDescriptor } from './face-vectors.js';
import { matchFaces } from './face-search.js';
import { faceEngineFor } from './face-engine-instance.js';
import { theOneFace } from './one-face.js';
import type { DetectedFace } from './face-engine.js';
import type { FaceSearchResult } from './face-search.schema.js';

export interface FaceSearchInput {
  threshold?: number;
  limit: number;
  event_id?: string;
}

/** The one face of a selfie (read in memory, never kept): 422 NO_FACE or SEVERAL_FACES otherwise. */
export async function selfieFace(ctx: PlatformContext, selfie: Buffer): Promise<DetectedFace> {
  return theOneFace(await faceEngineFor(ctx.config).detect(selfie));
}

export async function selfieDescriptor(ctx: PlatformContext, selfie: Buffer): Promise<ArrayLike<number>> {
  return (await selfieFace(ctx, selfie)).descriptor;
}

/** A descriptor from the browser or the engine, made unit length: 400 with the reason when it cannot be. */
export function checkedDescriptor(raw: ArrayLike<number>): number[] {
  try {
    return unitDescriptor(raw);
  } catch (err) {
    throw validationError(`descriptor: ${(err as Error).message}`);
  }
}

/** Face search for the org's members: by a selfie (read in memory, never kept) or a descriptor. */
export class FaceSearchService {
  constructor(private readonly ctx: PlatformContext) {}

  /** The selfie must hold exactly one face; neither it nor its embedding is stored. */
  async bySelfie(p: Principal, selfie: Buffer, options: FaceSearchInput): Promise<FaceSearchResult> {
    return this.search(p, await selfieDescriptor(this.ctx, selfie), options, 'selfie');
  }

  async byDescriptor(p: Principal, descriptor: readonly number[], options: FaceSearchInput): Promise<FaceSearchResult> {
    return this.search(p, descriptor, options, 'descriptor');
  }

  private async search(p: Principal, raw: ArrayLike<number>, options: FaceSearchInput, source: 'selfie' | 'descriptor'): Promise<FaceSearchResult> {
    const descriptor = checkedDescriptor(raw);
    const config = auraSettings.load(this.ctx.config).faces;
    const threshold = options.threshold ?? config.matchThreshold;
    // Asked on the pool before the tenant transaction: embedded PGlite has one connection.
    const mode = config.searchMode === 'exact' ? 'exact' : await faceSearchMode(this.ctx);
    const results = await auraDb.withTenant(this.ctx, p, async (tx) => {
      if (options.event_id) {
        const event = await tx.selectFrom('aura_events').select('id').where('org_id', '=', p.orgId).where('id', '=', options.event_id).executeTakeFirst();
        if (!event) throw notFound('Event');
      }
      const found = await matchFaces(tx, mode, { orgId: p.orgId, descriptor, threshold, limit: options.limit, eventId: options.event_id ?? null, efSearch: config.efSearch });
      await recordUsage(tx, { orgId: p.orgId, userId: p.userId, action: 'aura.search', metadata: { kind: 'faces', source, results: found.length, event_id: options.event_id ?? null } });
      return found;
    });
    return { results, threshold, mode };
  }
}

import type { Transaction } from 'kysely';
import type { PlatformContext } from '../../../platform/context.js';
import type { AuraTables } from '../schema.js';
import type { PhotoRow } from './photo-row.js';
import { enqueueFaceDetection } from '../faces/detect-faces.job.js';

/**
 * Runs once for every new photo, inside the transaction that inserted its row, so whatever is
 * started here (a job enqueued with `{ tx }`) commits with the photo or not at all: the face
 * pipeline's detection. A duplicate upload does not call it: the photo it answers with was
 * handled when first stored.
 */
export async function onPhotoStored(ctx: PlatformContext, tx: Transaction<AuraTables>, photo: PhotoRow): Promise<void> {
  await enqueueFaceDetection(ctx, tx, { orgId: photo.org_id, photoId: photo.id });
}

import { sql, type Transaction } from 'kysely';
import type { AuraTables } from '../schema.js';
import type { DetectedFace } from './face-engine.js';
import { unitDescriptor, vectorLiteral, type FaceSearchMode } from './face-vectors.js';

/**
 * Replace a photo's faces with `faces`, in the caller's tenant transaction: delete then insert,
 * so running detection again leaves exactly the new rows (the job is idempotent).
 */
export async function replacePhotoFaces(
  tx: Transaction<AuraTables>,
  mode: FaceSearchMode,
  photo: { orgId: string; photoId: string; eventId: string | null },
  faces: readonly DetectedFace[],
): Promise<number> {
  await tx.deleteFrom('aura_faces').where('org_id', '=', photo.orgId).where('photo_id', '=', photo.photoId).execute();
  for (const face of faces) {
    const unit = unitDescriptor(face.descriptor);
    const row = {
      org_id: photo.orgId,
      photo_id: photo.photoId,
      event_id: photo.eventId,
      box_x: face.box.x,
      box_y: face.box.y,
      box_width: face.box.width,
      box_height: face.box.height,
      descriptor: unit,
      score: face.score,
      quality: face.quality,
    };
    if (mode === 'vector') {
      await sql`insert into aura_faces (org_id, photo_id, event_id, box_x, box_y, box_width, box_height, descriptor, score, quality, embedding)
        values (${row.org_id}, ${row.photo_id}, ${row.event_id}, ${row.box_x}, ${row.box_y}, ${row.box_width}, ${row.box_height}, ${unit}::real[], ${row.score}, ${row.quality}, ${vectorLiteral(unit)}::vector)`.execute(tx);
    } else {
      await tx.insertInto('aura_faces').values(row).execute();
    }
  }
  return faces.length;
}

import type { Selectable } from 'kysely';
import type { AuraPhotosTable } from '../schema.js';

export type PhotoRow = Selectable<AuraPhotosTable>;

/** A photo as the API answers it: the row, sizes as numbers, and where its images stream from. */
export function photoView(r: PhotoRow) {
  const base = `/aura/api/photos/${r.id}`;
  return {
    id: r.id,
    event_id: r.event_id,
    path: r.path,
    full_path: r.full_path,
    full_key: r.full_key,
    thumb_key: r.thumb_key,
    original_name: r.original_name,
    content_type: r.content_type,
    size_bytes: Number(r.size_bytes),
    width: r.width,
    height: r.height,
    content_hash: r.content_hash.trim(),
    source_type: r.source_type,
    photo_date: r.photo_date,
    metadata: r.metadata,
    created_by: r.created_by,
    created_at: r.created_at,
    updated_at: r.updated_at,
    /** Set while the photo is in the trash (an upload of the same bytes answers it as the duplicate). */
    trashed_at: r.trashed_at,
    kept_permanently: r.kept_permanently,
    urls: { thumb: `${base}/thumb`, full: `${base}/full`, original: `${base}/original` },
  };
}

import type { ColumnType, Generated } from 'kysely';
import type { PlatformTables } from '../../platform/db/schema.js';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
type Json<T = Record<string, unknown>> = ColumnType<T, string | undefined, string>;

export type PhotoSourceType = 'cloud' | 'local_sync' | 'event_temp';
export const PHOTO_SOURCE_TYPES = ['cloud', 'local_sync', 'event_temp'] as const satisfies readonly PhotoSourceType[];

export interface AuraEventsTable {
  id: Generated<string>;
  org_id: string;
  name: string;
  folder: string;
  event_date: ColumnType<string | null, string | null | undefined, string | null>;
  guest_access: ColumnType<boolean, boolean | undefined, boolean>;
  guest_expires_at: NullableTimestamp;
  guest_token: string;
  created_by: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface AuraPhotosTable {
  id: Generated<string>;
  org_id: string;
  event_id: string | null;
  path: string;
  full_path: string;
  full_key: string | null;
  thumb_key: string | null;
  original_name: string;
  content_type: string;
  size_bytes: ColumnType<string, string | number | bigint, string | number | bigint>;
  width: number | null;
  height: number | null;
  content_hash: string;
  source_type: PhotoSourceType;
  photo_date: NullableTimestamp;
  metadata: Json;
  created_by: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  /** migrations/003: trash (trashed_from is the original full_path) and the admin's "keep". */
  trashed_at: NullableTimestamp;
  trashed_by: string | null;
  trashed_from: string | null;
  kept_permanently: ColumnType<boolean, boolean | undefined, boolean>;
}

/** migrations/003: the seed's bundles, photo_ids[] normalised into aura_bundle_photos. */
export interface AuraBundlesTable {
  id: Generated<string>;
  org_id: string;
  name: string;
  created_by: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface AuraBundlePhotosTable {
  org_id: string;
  bundle_id: string;
  photo_id: string;
  added_by: string | null;
  added_at: Timestamp;
}

export interface AuraSettingsTable {
  org_id: string;
  station_login_enabled: ColumnType<boolean, boolean | undefined, boolean>;
  pin_salt: Buffer;
  station_failures: ColumnType<number, number | undefined, number>;
  station_lockouts: ColumnType<number, number | undefined, number>;
  station_locked_until: NullableTimestamp;
  /** migrations/003: how long trashed photos stay before the sweep deletes them. */
  trash_retention_days: ColumnType<number, number | undefined, number>;
  /** migrations/005: the station asks for the employee's face with the PIN. */
  station_face_login: ColumnType<boolean, boolean | undefined, boolean>;
  /** migrations/007: the last storage alert sent, in % of the limit (0, 80 or 100). */
  storage_alert_level: ColumnType<number, number | undefined, number>;
  updated_by: string | null;
  updated_at: Timestamp;
}

export interface AuraStationPinsTable {
  org_id: string;
  user_id: string;
  pin_hash: string;
  updated_at: Timestamp;
}

/** An employee's face for the station's face + PIN login (migration 005): the unit descriptor, never the image. */
export interface AuraFaceLoginsTable {
  org_id: string;
  user_id: string;
  descriptor: ColumnType<number[], number[], number[]>;
  score: number;
  enrolled_at: Timestamp;
}

/**
 * aura_faces (migration 002). The optional `embedding vector(128)` column is not typed here:
 * it exists only where pgvector does, and face-vectors.ts writes and reads it with raw SQL.
 */
export interface AuraFacesTable {
  id: Generated<string>;
  org_id: string;
  photo_id: string;
  event_id: string | null;
  box_x: number;
  box_y: number;
  box_width: number;
  box_height: number;
  /** Unit length (face-vectors.ts), so cosine similarity is a dot product. */
  descriptor: ColumnType<number[], number[], number[]>;
  score: number;
  quality: number;
  person_id: string | null;
  created_at: Timestamp;
}

/** A person: faces grouped by similarity (migration 006, people/clustering.ts). */
export interface AuraPeopleTable {
  id: Generated<string>;
  org_id: string;
  name: string | null;
  hidden: ColumnType<boolean, boolean | undefined, boolean>;
  /** Unit-length mean of the person's face descriptors. */
  centroid: ColumnType<number[], number[], number[]>;
  face_count: ColumnType<number, number | undefined, number>;
  cover_face_id: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** A guest's scan session: the photo ids that matched, never the selfie or its embedding. */
export interface AuraGuestSessionsTable {
  id: Generated<string>;
  org_id: string;
  event_id: string;
  token_hash: string;
  photo_ids: ColumnType<string[], string[], string[]>;
  expires_at: Timestamp;
  created_at: Timestamp;
}

export interface AuraTables extends PlatformTables {
  aura_events: AuraEventsTable;
  aura_photos: AuraPhotosTable;
  aura_bundles: AuraBundlesTable;
  aura_bundle_photos: AuraBundlePhotosTable;
  aura_settings: AuraSettingsTable;
  aura_station_pins: AuraStationPinsTable;
  aura_faces: AuraFacesTable;
  aura_guest_sessions: AuraGuestSessionsTable;
  aura_face_logins: AuraFaceLoginsTable;
  aura_people: AuraPeopleTable;
}

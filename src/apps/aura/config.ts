import { z } from 'zod';
import { defineAppSettings } from '../../platform/config/app-settings.js';

/** Cosine similarity bounds for face matching: below 0.7 nearly every face matches every other. */
export const FACE_THRESHOLD_MIN = 0.7;
export const FACE_THRESHOLD_MAX = 0.999;
/** AURA_FACE_MATCH_THRESHOLD's default, also the sync agent's (it has no server configuration). */
export const DEFAULT_FACE_MATCH_THRESHOLD = 0.94;

const schema = z.object({
  /** Largest photo one upload may carry (each file of a batch), in megabytes. */
  AURA_MAX_PHOTO_MB: z.coerce.number().int().min(1).max(500).default(50),
  /** Files in one upload request. */
  AURA_MAX_FILES_PER_UPLOAD: z.coerce.number().int().min(1).max(500).default(100),
  /** Failed capture-station PIN logins in a row (from any address) before the org's station login locks. */
  AURA_STATION_MAX_FAILURES: z.coerce.number().int().min(3).max(100).default(10),
  /** First lockout, in minutes; each further lockout in a row doubles it, up to a day. */
  AURA_STATION_LOCKOUT_MINUTES: z.coerce.number().int().min(1).max(1440).default(15),
  /**
   * Default cosine similarity a face must reach to count as the same person. face-api's
   * descriptors of different people already score 0.85-0.93 (they share a large common
   * component); 0.94 is about the model's usual Euclidean cut of 0.5 (docs/aura.md, "Faces").
   */
  AURA_FACE_MATCH_THRESHOLD: z.coerce.number().min(FACE_THRESHOLD_MIN).max(FACE_THRESHOLD_MAX).default(DEFAULT_FACE_MATCH_THRESHOLD),
  /**
   * Cosine similarity the station's selfie must reach against the employee's enrolled face
   * (face + PIN login). Stricter than search: the same face in another photo scores 0.98+,
   * different people up to about 0.93, so it may not go below 0.95.
   */
  AURA_FACE_LOGIN_THRESHOLD: z.coerce.number().min(0.95).max(FACE_THRESHOLD_MAX).default(0.97),
  /**
   * Cosine similarity to a person's centroid a new face needs to join that person; below it,
   * the face starts a new person. Higher splits one person into several, lower merges strangers.
   */
  AURA_PEOPLE_THRESHOLD: z.coerce.number().min(0.9).max(FACE_THRESHOLD_MAX).default(0.95),
  /** Faces below this quality (0-1, face-quality.ts) are searchable but join no person. */
  AURA_PEOPLE_MIN_QUALITY: z.coerce.number().min(0).max(1).default(0.3),
  /** auto: HNSW when the vector extension is there, exact otherwise; exact: always exact. */
  AURA_FACE_SEARCH_MODE: z.enum(['auto', 'exact']).default('auto'),
  /** HNSW candidates per search (pgvector's hnsw.ef_search): higher is more exact and slower. */
  AURA_FACE_EF_SEARCH: z.coerce.number().int().min(10).max(1000).default(100),
  /** Longest side a photo is scaled to before detection, in pixels. */
  AURA_FACE_DETECT_MAX_SIDE: z.coerce.number().int().min(320).max(4000).default(1024),
  /** Detector confidence below which a box is not kept as a face. */
  AURA_FACE_MIN_SCORE: z.coerce.number().min(0.1).max(0.99).default(0.5),
  /** How long a guest's scan session (the photos that matched) lets them open and download, in minutes. */
  AURA_GUEST_SESSION_MINUTES: z.coerce.number().int().min(5).max(1440).default(60),
  /** Guest selfie searches per minute from one address (each runs face detection). */
  AURA_GUEST_SEARCH_PER_IP_PER_MINUTE: z.coerce.number().int().min(1).max(600).default(10),
  /** Guest selfie searches per minute on one event's link, from all addresses together. */
  AURA_GUEST_SEARCH_PER_TOKEN_PER_MINUTE: z.coerce.number().int().min(1).max(10000).default(300),
});

export interface AuraConfig {
  maxPhotoBytes: number;
  maxFilesPerUpload: number;
  stationMaxFailures: number;
  stationLockoutMs: number;
  faces: {
    matchThreshold: number;
    loginThreshold: number;
    searchMode: 'auto' | 'exact';
    efSearch: number;
    detectMaxSide: number;
    minScore: number;
  };
  people: {
    threshold: number;
    minQuality: number;
  };
  guest: {
    sessionMs: number;
    searchPerIpPerMinute: number;
    searchPerTokenPerMinute: number;
  };
}

/** Aura's own settings (docs/configuration.md, "Aura"). */
export const auraSettings = defineAppSettings('AURA', schema, (e): AuraConfig => ({
  maxPhotoBytes: e.AURA_MAX_PHOTO_MB * 1024 * 1024,
  maxFilesPerUpload: e.AURA_MAX_FILES_PER_UPLOAD,
  stationMaxFailures: e.AURA_STATION_MAX_FAILURES,
  stationLockoutMs: e.AURA_STATION_LOCKOUT_MINUTES * 60_000,
  faces: {
    matchThreshold: e.AURA_FACE_MATCH_THRESHOLD,
    loginThreshold: e.AURA_FACE_LOGIN_THRESHOLD,
    searchMode: e.AURA_FACE_SEARCH_MODE,
    efSearch: e.AURA_FACE_EF_SEARCH,
    detectMaxSide: e.AURA_FACE_DETECT_MAX_SIDE,
    minScore: e.AURA_FACE_MIN_SCORE,
  },
  people: {
    threshold: e.AURA_PEOPLE_THRESHOLD,
    minQuality: e.AURA_PEOPLE_MIN_QUALITY,
  },
  guest: {
    sessionMs: e.AURA_GUEST_SESSION_MINUTES * 60_000,
    searchPerIpPerMinute: e.AURA_GUEST_SEARCH_PER_IP_PER_MINUTE,
    searchPerTokenPerMinute: e.AURA_GUEST_SEARCH_PER_TOKEN_PER_MINUTE,
  },
}));

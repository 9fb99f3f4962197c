import type { ScenePlan, StyleSpec } from '../pipeline/types.js';

/** The campaign_json column, shaped as the seed shows it ("campaign_json Structure"). */
export interface CampaignJson {
  /** The take (generation run, from 1) whose videos these are; a new take replaces them only once complete. */
  take?: number;
  /** The last run that failed, when it came after the take shown: its drafts are kept and listed with the failure. */
  failedRun?: FailedRun;
  /** The scenes of variation 0 (the seed's shape); every variation's scenes are in `variations`. */
  scenes?: ScenePlan[];
  styleSpec?: StyleSpec;
  videoMetadata?: VideoMetadata;
  costBreakdown?: CostBreakdown;
  variationPaths?: Record<string, VariationPaths>;
  /** Per variation: its concept, scenes, style and music, and how it was produced. */
  variations?: VariationRecord[];
  /** Which implementation ran each stage (local or hosted), for support and cost questions. */
  providers?: Record<string, string>;
}

export interface VideoMetadata {
  resolution: string;
  aspectRatio: string;
  totalDuration: number;
  selectedStyle: string;
  fps: number;
  videoCodec: string;
  audioCodec: string;
}

export interface CostBreakdown {
  guidelinesExtraction: number;
  scenePlanning: number;
  videoGeneration: number;
  musicGeneration: number;
  total: number;
}

/** "s3://{bucket}/{path}" on S3; "local://{path}" on the local disk driver. */
export interface VariationPaths {
  draft: Record<string, string>;
  final: string;
}

export interface VariationRecord {
  index: number;
  concept: string;
  scenes: ScenePlan[];
  styleSpec: StyleSpec;
  music: unknown;
  /** Seconds measured on the rendered file. */
  duration: number;
  /** Set when the whole variation finished, so a retried job skips it. */
  completedAt: string;
}

export interface FailedRun {
  take: number;
  errorMessage: string;
  failedAt: string;
  /** The concepts it was making (empty when it failed before planning). */
  concepts: string[];
  variationsCompleted: number;
}

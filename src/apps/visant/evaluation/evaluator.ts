import type { CaptureState } from '../schema.js';

/** What an evaluator is given about one capture. */
export interface EvaluationInput {
  image: Buffer;
  contentType: string;
  /** 64x64 grayscale fingerprint of the capture (see fingerprint.ts). */
  fingerprint: Buffer;
  /** The device owner's description of the normal scene (may be empty). */
  normalDescription: string;
  /** Fingerprints of captures a person marked as normal for this device, newest first. */
  baseline: Buffer[];
}

export interface EvaluationResult {
  state: CaptureState;
  /** 0..1: how confident the evaluator is that the scene is abnormal. */
  score: number;
  /** One or two sentences a person can read. */
  reason: string;
  details: Record<string, unknown>;
}

/**
 * Judges a capture against the device's normal scene. Two real implementations:
 * the offline baseline comparison (default) and a hosted vision model.
 */
export interface CaptureEvaluator {
  readonly name: string;
  evaluate(input: EvaluationInput): Promise<EvaluationResult>;
}

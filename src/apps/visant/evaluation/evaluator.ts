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
  /**
   * Fingerprints of the device's most recent captures before this one (whatever they were
   * judged), newest first: what the offline evaluator learns the usual scene from.
   */
  history: Buffer[];
}

/**
 * What a judgement was based on, kept in `details.basis` and said in the reason:
 * captures a person marked normal (the strongest signal), the scene learned from the
 * device's recent captures, a hosted vision model, or nothing yet.
 */
export type EvaluationBasis = 'marked_normals' | 'learned_background' | 'hosted_model' | 'not_enough_history';

export interface EvaluationResult {
  state: CaptureState;
  /** 0..1: how confident the evaluator is that the scene is abnormal. */
  score: number;
  /** One or two sentences a person can read. */
  reason: string;
  /** At least `evaluator` and `basis`; the rest depends on the evaluator. */
  details: { evaluator: string; basis: EvaluationBasis } & Record<string, unknown>;
}

/**
 * Judges a capture against the device's normal scene. Two real implementations:
 * the offline baseline comparison (default) and a hosted vision model.
 */
export interface CaptureEvaluator {
  readonly name: string;
  evaluate(input: EvaluationInput): Promise<EvaluationResult>;
}

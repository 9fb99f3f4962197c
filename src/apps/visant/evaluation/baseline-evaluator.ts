import type { CaptureEvaluator, EvaluationInput, EvaluationResult } from './evaluator.js';
import { ssim, ssimMap, type WindowScore } from './fingerprint.js';
import { medianBackground } from './background-model.js';

/** Similarity at or above this reads as the normal scene; at or below ABNORMAL_AT, as a change. */
const NORMAL_AT = 0.72;
const ABNORMAL_AT = 0.5;
/** Scales a region's similarity onto the frame's scale (regions vary more with light and noise). */
const REGION_WEIGHT = 1.03;
/**
 * Earlier captures needed before the learned scene is trusted. Three is the fewest for which a
 * median outvotes one odd frame, so a new camera starts judging from its fourth capture.
 */
export const MIN_HISTORY = 3;

/**
 * Offline evaluator. It judges a capture by its structural similarity (SSIM on a 64x64
 * greyscale fingerprint) to the device's normal scene, which is, in order of strength:
 * 1. the captures a person marked normal (the closest of them), when there are any;
 * 2. else the scene learned from the device's recent captures (their per-pixel median,
 *    see background-model.ts), once there are MIN_HISTORY of them;
 * 3. else nothing yet: the answer is uncertain and says when judging starts.
 * The reason always says which of these it used.
 */
export class BaselineEvaluator implements CaptureEvaluator {
  readonly name = 'baseline-ssim';

  async evaluate(input: EvaluationInput): Promise<EvaluationResult> {
    if (input.baseline.length > 0) {
      const n = input.baseline.length;
      return judge(this.name, input.fingerprint, input.baseline, {
        basis: 'marked_normals',
        reference: `the closest of ${n} capture${n > 1 ? 's' : ''} marked normal`,
        size: n,
      });
    }
    if (input.history.length >= MIN_HISTORY) {
      const n = input.history.length;
      return judge(this.name, input.fingerprint, [medianBackground(input.history)], {
        basis: 'learned_background',
        reference: `the scene learned from this camera's last ${n} captures`,
        size: n,
      });
    }
    const have = input.history.length;
    return {
      state: 'uncertain',
      score: 0.5,
      reason: `Not enough history yet: this camera has ${have} earlier capture${have === 1 ? '' : 's'}, and it starts judging by itself once it has ${MIN_HISTORY}. To start now, mark a capture that shows the normal scene as normal.`,
      details: { evaluator: this.name, basis: 'not_enough_history', baseline_size: 0, history_size: have },
    };
  }
}

interface Basis {
  basis: 'marked_normals' | 'learned_background';
  /** How the reason names what the capture was compared with. */
  reference: string;
  size: number;
}

function judge(evaluator: string, fp: Buffer, references: Buffer[], basis: Basis): EvaluationResult {
  // Judge against the closest reference. A change confined to one part of the frame (a
  // person at the door) barely moves the whole-frame mean, so the most-changed ninth of the
  // frame counts too: the effective similarity is the lower of the two.
  let best = { similarity: -1, overall: 0, region: { name: 'centre of the frame', value: 1 } };
  for (const ref of references) {
    const overall = ssim(fp, ref);
    const region = worstRegion(ssimMap(fp, ref));
    const similarity = Math.min(overall, region.value * REGION_WEIGHT);
    if (similarity > best.similarity) best = { similarity, overall, region };
  }
  const similarity = Math.max(0, Math.min(1, best.similarity));
  const region = best.region.name;
  // Map similarity onto an abnormality score: NORMAL_AT → 0.3, ABNORMAL_AT → 0.7.
  const score = clamp(0.3 + ((NORMAL_AT - similarity) / (NORMAL_AT - ABNORMAL_AT)) * 0.4);
  const pct = Math.round(similarity * 100);
  let state: EvaluationResult['state'];
  let reason: string;
  if (similarity >= NORMAL_AT) {
    state = 'normal';
    reason = `Matches the normal scene: ${pct}% similar to ${basis.reference}.`;
  } else if (similarity <= ABNORMAL_AT) {
    state = 'abnormal';
    reason = `The scene has changed: only ${pct}% similar to ${basis.reference}, most of all in the ${region}.`;
  } else {
    state = 'uncertain';
    reason = `Partly different from ${basis.reference} (${pct}% similar), mainly in the ${region}; a person should look.`;
  }
  return {
    state,
    score: Number(score.toFixed(3)),
    reason,
    details: {
      evaluator,
      basis: basis.basis,
      similarity: Number(similarity.toFixed(4)),
      frame_similarity: Number(best.overall.toFixed(4)),
      region_similarity: Number(best.region.value.toFixed(4)),
      ...(basis.basis === 'marked_normals' ? { baseline_size: basis.size } : { baseline_size: 0, history_size: basis.size }),
      most_changed_region: region,
    },
  };
}

const ROWS = ['top', 'middle', 'bottom'];
const COLS = ['left', 'centre', 'right'];

/** The ninth of the frame (a 3x3 grid) whose windows changed most, with its mean similarity. */
function worstRegion(map: WindowScore[]): { name: string; value: number } {
  const side = Math.sqrt(map.length);
  const sums = new Map<string, { total: number; n: number }>();
  for (const w of map) {
    const key = `${Math.min(2, Math.floor((w.row * 3) / side))}:${Math.min(2, Math.floor((w.col * 3) / side))}`;
    const s = sums.get(key) ?? { total: 0, n: 0 };
    s.total += w.value;
    s.n += 1;
    sums.set(key, s);
  }
  let worst = { key: '1:1', value: Infinity };
  for (const [key, s] of sums) if (s.total / s.n < worst.value) worst = { key, value: s.total / s.n };
  const [r, c] = worst.key.split(':').map(Number) as [number, number];
  const name = r === 1 && c === 1 ? 'centre of the frame' : `${ROWS[r]} ${COLS[c]} of the frame`.replace('middle centre', 'centre');
  return { name, value: worst.value };
}

function clamp(x: number) {
  return Math.max(0, Math.min(1, x));
}

import type { CaptureEvaluator, EvaluationInput, EvaluationResult } from './evaluator.js';
import { ssim, ssimMap, type WindowScore } from './fingerprint.js';

/** Similarity at or above this reads as the normal scene; at or below ABNORMAL_AT, as a change. */
const NORMAL_AT = 0.72;
const ABNORMAL_AT = 0.5;
/** Scales a region's similarity onto the frame's scale (regions vary more with light and noise). */
const REGION_WEIGHT = 1.03;

/**
 * Offline evaluator: learns each device's normal scene from captures a person marked
 * normal, and judges a new capture by its structural similarity (SSIM on a 64x64 grayscale
 * fingerprint) to the closest of them. Without a baseline it cannot judge, and says so.
 */
export class BaselineEvaluator implements CaptureEvaluator {
  readonly name = 'baseline-ssim';

  async evaluate(input: EvaluationInput): Promise<EvaluationResult> {
    if (input.baseline.length === 0) {
      return {
        state: 'uncertain',
        score: 0.5,
        reason: 'No baseline yet: mark a few captures that show the normal scene as normal, and new captures will be compared with them.',
        details: { evaluator: this.name, baseline_size: 0 },
      };
    }
    // Judge against the closest baseline capture. A change confined to one part of the frame
    // (a person at the door) barely moves the whole-frame mean, so the most-changed ninth of
    // the frame counts too: the effective similarity is the lower of the two.
    let best = { similarity: -1, overall: 0, region: { name: 'centre of the frame', value: 1 } };
    for (const fp of input.baseline) {
      const overall = ssim(input.fingerprint, fp);
      const region = worstRegion(ssimMap(input.fingerprint, fp));
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
      reason = `Matches the normal scene (${pct}% similar to the closest of ${input.baseline.length} baseline capture${input.baseline.length > 1 ? 's' : ''}).`;
    } else if (similarity <= ABNORMAL_AT) {
      state = 'abnormal';
      reason = `The scene has changed: only ${pct}% similar to the normal baseline, most of all in the ${region}.`;
    } else {
      state = 'uncertain';
      reason = `Partly different from the normal scene (${pct}% similar), mainly in the ${region}; a person should look.`;
    }
    return {
      state,
      score: Number(score.toFixed(3)),
      reason,
      details: {
        evaluator: this.name,
        similarity: Number(similarity.toFixed(4)),
        frame_similarity: Number(best.overall.toFixed(4)),
        region_similarity: Number(best.region.value.toFixed(4)),
        baseline_size: input.baseline.length,
        most_changed_region: region,
      },
    };
  }
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

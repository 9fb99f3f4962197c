import { VIDEO_FPS, type SceneOverlay, type SceneRole } from '../pipeline/types.js';

/**
 * The perfume shot grammar (seed 000, "Perfume Grammar"): every ad walks the same four beats,
 * because a short vertical ad has to stop the scroll, show the bottle, sell a feeling and ask
 * for the click, in that order. Concepts and styles change how each beat looks, never the order.
 */
export interface ShotBeat {
  role: SceneRole;
  /** Share of the ad's length: the reveal and the mood carry the ad, the hook and the call stay short. */
  weight: number;
  /** What the beat must achieve, given to the LLM planner and used in prompts. */
  purpose: string;
  /** Size of the beat's text: big copy for the hook, the name and the call; a quieter line for the mood. */
  overlaySize: SceneOverlay['size'];
}

export const SHOT_GRAMMAR: readonly ShotBeat[] = [
  { role: 'hook', weight: 0.15, purpose: 'stop the scroll with an intriguing, atmospheric opening; no product yet', overlaySize: 'large' },
  { role: 'product_reveal', weight: 0.3, purpose: 'reveal the perfume bottle as the hero of the frame', overlaySize: 'large' },
  { role: 'mood', weight: 0.35, purpose: 'sell the feeling of wearing the scent', overlaySize: 'medium' },
  { role: 'call_to_action', weight: 0.2, purpose: 'end on the bottle and invite the viewer to discover the perfume', overlaySize: 'large' },
];

export const SCENE_ROLES: readonly SceneRole[] = SHOT_GRAMMAR.map((b) => b.role);

export const DEFAULT_SCENE_WEIGHTS: readonly number[] = SHOT_GRAMMAR.map((b) => b.weight);

/** No scene shorter than this: under ~2 s a hosted clip or a text animation cannot land. */
export const MIN_SCENE_SECONDS = 2;

/**
 * Most characters a line may have at each size so it fits a 1080 px wide frame on one line
 * (the renderer wraps nothing). An estimate, not a measurement: an average glyph of ~0.55 em at
 * ~62 px (large), ~44 px (medium) and ~34 px (small) with ~5% side margins; the renderer's font
 * sizes must keep these counts on one line.
 */
export const OVERLAY_MAX_CHARS: Readonly<Record<SceneOverlay['size'], number>> = { large: 28, medium: 40, small: 52 };

export function fitsOverlay(text: string, size: SceneOverlay['size']): boolean {
  const t = text.trim();
  return t.length > 0 && t.length <= OVERLAY_MAX_CHARS[size] && !/[\r\n]/.test(t);
}

export interface FitOptions {
  fps?: number;
  minSeconds?: number;
}

/**
 * Splits `targetSeconds` into whole frames, one entry per weight, that add up EXACTLY to
 * round(targetSeconds * fps): the scenes are concatenated back to back, so any frame lost to
 * rounding would make the ad shorter than the campaign's duration (and the music drift).
 * Scenes whose proportional share is under the minimum get the minimum; the others share what
 * is left in proportion to their weights; leftover frames from rounding go to the scenes with
 * the largest fractional parts (largest-remainder method, ties to the earlier scene).
 */
export function fitDurations(targetSeconds: number, weights: readonly number[] = DEFAULT_SCENE_WEIGHTS, options: FitOptions = {}): number[] {
  const fps = options.fps ?? VIDEO_FPS;
  const minSeconds = options.minSeconds ?? MIN_SCENE_SECONDS;
  if (!Number.isFinite(targetSeconds) || targetSeconds <= 0) throw new RangeError(`target duration must be a positive number of seconds, got ${targetSeconds}`);
  if (weights.length === 0) throw new RangeError('at least one scene weight is needed');
  if (weights.some((w) => !Number.isFinite(w) || w <= 0)) throw new RangeError(`scene weights must be positive numbers, got [${weights.join(', ')}]`);
  const total = Math.round(targetSeconds * fps);
  const minFrames = Math.ceil(minSeconds * fps);
  if (total < minFrames * weights.length) {
    throw new RangeError(`${targetSeconds} s cannot hold ${weights.length} scenes of at least ${minSeconds} s each`);
  }

  // Water-filling: pin the scenes that would fall under the minimum, then re-share the rest.
  const pinned = new Set<number>();
  const share = () => {
    const free = total - pinned.size * minFrames;
    const freeWeight = weights.reduce((sum, w, i) => (pinned.has(i) ? sum : sum + w), 0);
    return weights.map((w, i) => (pinned.has(i) ? minFrames : (w / freeWeight) * free));
  };
  let ideal = share();
  for (let under = ideal.findIndex((f, i) => !pinned.has(i) && f < minFrames); under >= 0; under = ideal.findIndex((f, i) => !pinned.has(i) && f < minFrames)) {
    ideal.forEach((f, i) => {
      if (!pinned.has(i) && f < minFrames) pinned.add(i);
    });
    ideal = share();
  }

  const frames = ideal.map((f) => Math.floor(f));
  let left = total - frames.reduce((a, b) => a + b, 0);
  const byRemainder = ideal.map((f, i) => ({ i, r: f - Math.floor(f) })).sort((a, b) => b.r - a.r || a.i - b.i);
  for (let k = 0; left > 0; k = (k + 1) % byRemainder.length, left--) frames[byRemainder[k].i] += 1;
  return frames;
}

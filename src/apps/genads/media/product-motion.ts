import { VIDEO_HEIGHT, VIDEO_WIDTH, type ProductMotion } from '../pipeline/types.js';
import { easeOut, lerp, num, progress } from './expressions.js';

/**
 * How the product sprite moves in a scene, as FFmpeg expressions of t: the top-left corner
 * of the sprite (overlay x/y), an optional scale (reveal_scale) and when it fades in.
 */
export interface ProductAnimation {
  x: string;
  y: string;
  /** Scale of the sprite as an expression, or null when it keeps its resting size (no per-frame resize). */
  scale: string | null;
  fadeIn: { start: number; duration: number };
}

export interface ProductPose {
  motion: Exclude<ProductMotion, 'hidden'>;
  /** Resting centre of the product in the frame, in pixels. */
  restX: number;
  restY: number;
  /** The product's centre inside the sprite, and the sprite's size (pixels). */
  centerX: number;
  centerY: number;
  spriteWidth: number;
  /** Scene length in seconds: entrances shorten in very short scenes. */
  duration: number;
}

export function animateProduct(pose: ProductPose): ProductAnimation {
  const { restX, restY, centerX, centerY, spriteWidth } = pose;
  // Entrances take about 1.5 s, but never more than half of a short scene.
  const pace = Math.min(1, pose.duration / 3.2);
  const left = restX - centerX;
  const top = restY - centerY;
  switch (pose.motion) {
    case 'settle': {
      // Static centre, subtly alive: it sinks the last few pixels into place as it appears.
      const p = easeOut(progress(0.1 * pace, 1.8 * pace));
      return { x: num(left), y: lerp(top - 26, top, p), scale: null, fadeIn: { start: 0.1 * pace, duration: 1 * pace } };
    }
    case 'rise': {
      const p = easeOut(progress(0.05 * pace, 1.7 * pace));
      return { x: num(left), y: lerp(top + Math.round(VIDEO_HEIGHT * 0.28), top, p), scale: null, fadeIn: { start: 0.05 * pace, duration: 1 * pace } };
    }
    case 'reveal_scale': {
      const s = lerp(0.55, 1, easeOut(progress(0.1 * pace, 2 * pace)));
      // The sprite scales about its top-left corner: keep the product centre where it rests.
      return { x: `(${num(restX)}-${num(centerX)}*${s})`, y: `(${num(restY)}-${num(centerY)}*${s})`, scale: s, fadeIn: { start: 0.1 * pace, duration: 1.2 * pace } };
    }
    case 'float':
      return {
        x: `(${num(left)}+7*sin(2*PI*t/5.3))`,
        y: `(${num(top)}+18*sin(2*PI*t/3.4+0.6))`,
        scale: null,
        fadeIn: { start: 0.1 * pace, duration: 0.9 * pace },
      };
    case 'slide_in_left':
    case 'slide_in_right': {
      const from = pose.motion === 'slide_in_left' ? -spriteWidth : VIDEO_WIDTH;
      const p = easeOut(progress(0.05 * pace, 1.6 * pace));
      return { x: lerp(from, left, p), y: num(top), scale: null, fadeIn: { start: 0.05 * pace, duration: 0.8 * pace } };
    }
  }
}

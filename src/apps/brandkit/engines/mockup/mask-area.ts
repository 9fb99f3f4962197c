import type { Quad } from './homography.js';

/**
 * Where a product's mask says the label goes: the printable pixels' bounding box and the
 * quadrilateral through their four extreme corners (a rectangle for a straight-on bottle, a
 * trapezoid for a box seen at an angle, a rotated rectangle for a tilted pouch), which the
 * warp maps the label onto.
 *
 * Interface: `maskArea(grey, width, height)` → { quad, box, coverage } or null when the mask
 * marks (almost) nothing.
 */

export interface MaskArea {
  quad: Quad;
  box: { left: number; top: number; right: number; bottom: number };
  /** Share of the image the mask marks printable, 0-1. */
  coverage: number;
}

const THRESHOLD = 128;

export function maskArea(grey: Uint8Array, width: number, height: number): MaskArea | null {
  let count = 0;
  let left = width;
  let top = height;
  let right = -1;
  let bottom = -1;
  // Extremes of x+y and x−y find the corners of a convex quadrilateral region.
  let tl = Infinity;
  let br = -Infinity;
  let tr = -Infinity;
  let bl = Infinity;
  const quad: Quad = [
    [0, 0],
    [0, 0],
    [0, 0],
    [0, 0],
  ];
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) {
      if (grey[row + x] < THRESHOLD) continue;
      count++;
      if (x < left) left = x;
      if (x > right) right = x;
      if (y < top) top = y;
      if (y > bottom) bottom = y;
      const s = x + y;
      const d = x - y;
      if (s < tl) {
        tl = s;
        quad[0] = [x, y];
      }
      if (s > br) {
        br = s;
        quad[2] = [x + 1, y + 1];
      }
      if (d > tr) {
        tr = d;
        quad[1] = [x + 1, y];
      }
      if (d < bl) {
        bl = d;
        quad[3] = [x, y + 1];
      }
    }
  }
  // Fewer than 0.1 % of the pixels (or a 16-pixel speck): not a usable printable area.
  if (count < Math.max(16, width * height * 0.001)) return null;
  return { quad, box: { left, top, right: right + 1, bottom: bottom + 1 }, coverage: count / (width * height) };
}

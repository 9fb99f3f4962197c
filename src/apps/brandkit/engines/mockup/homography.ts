/**
 * Plane-to-plane perspective maps for the mockup warp: the 3 × 3 homography taking the unit
 * square's corners to a quadrilateral, and its inverse, which the renderer applies to every
 * output pixel to find where it falls on the label.
 *
 * Interface: `Point`, `Quad` (top-left, top-right, bottom-right, bottom-left),
 * `squareToQuad(quad)` → Matrix, `invert(m)`, `apply(m, x, y)` → [x, y].
 */

export type Point = [number, number];
export type Quad = [Point, Point, Point, Point];
/** Row-major 3 × 3. */
export type Matrix = [number, number, number, number, number, number, number, number, number];

/** Heckbert's closed form for the unit square → quad projective map. */
export function squareToQuad([[x0, y0], [x1, y1], [x2, y2], [x3, y3]]: Quad): Matrix {
  const dx1 = x1 - x2;
  const dx2 = x3 - x2;
  const dy1 = y1 - y2;
  const dy2 = y3 - y2;
  const sx = x0 - x1 + x2 - x3;
  const sy = y0 - y1 + y2 - y3;
  let g = 0;
  let h = 0;
  if (Math.abs(sx) > 1e-9 || Math.abs(sy) > 1e-9) {
    const den = dx1 * dy2 - dx2 * dy1;
    if (Math.abs(den) < 1e-12) throw new RangeError('degenerate quadrilateral: three corners on one line');
    g = (sx * dy2 - dx2 * sy) / den;
    h = (dx1 * sy - sx * dy1) / den;
  }
  // Maps (u, v) with u along top edge (tl → tr) and v down the left edge (tl → bl).
  return [x1 - x0 + g * x1, x3 - x0 + h * x3, x0, y1 - y0 + g * y1, y3 - y0 + h * y3, y0, g, h, 1];
}

export function invert(m: Matrix): Matrix {
  const [a, b, c, d, e, f, g, h, i] = m;
  const A = e * i - f * h;
  const B = -(d * i - f * g);
  const C = d * h - e * g;
  const det = a * A + b * B + c * C;
  if (Math.abs(det) < 1e-12) throw new RangeError('the perspective map cannot be inverted (degenerate quadrilateral)');
  const k = 1 / det;
  return [A * k, -(b * i - c * h) * k, (b * f - c * e) * k, B * k, (a * i - c * g) * k, -(a * f - c * d) * k, C * k, -(a * h - b * g) * k, (a * e - b * d) * k];
}

export function apply(m: Matrix, x: number, y: number): Point {
  const w = m[6] * x + m[7] * y + m[8];
  return [(m[0] * x + m[1] * y + m[2]) / w, (m[3] * x + m[4] * y + m[5]) / w];
}

import type { ProductExtractor } from '../pipeline/types.js';
import { finishCutout, isAlreadyCutOut } from './alpha-mask.js';
import { ProductExtractionError } from './errors.js';
import { loadProductImage, MAX_PRODUCT_SIDE, type RgbaImage } from './raster.js';

/**
 * The fast offline cut-out for what brands usually upload: a bottle shot on a plain studio
 * backdrop (flat, or a smooth sweep from light to dark). No model, well under a second.
 *
 * 1. Backdrop model: the colour along each edge of the photo (median across a thin band, then
 *    a quadratic fitted along the edge ignoring outliers, so a bottle standing on the edge does
 *    not count), blended inward as a Coons patch. A flat backdrop and any linear gradient are
 *    reproduced exactly.
 * 2. Keying: a pixel's distance to the backdrop colour expected at its position gives its alpha,
 *    with a soft ramp (feathered edge) whose start follows the backdrop's own noise.
 * 3. Only backdrop connected to the photo's edge is removed (flood fill), so bottle pixels that
 *    happen to match the backdrop (a highlight, the label) stay opaque.
 * 4. Edge pixels are un-mixed from the backdrop colour (no light halo on a dark scene); a label
 *    that matches the backdrop and was reached through a narrow gap is filled back in (the
 *    product is one solid object), specks dropped, the result trimmed (alpha-mask.ts).
 * Busy backdrops are refused with a ProductExtractionError rather than cut badly.
 */
export interface ThresholdExtractorOptions {
  maxSide?: number;
  /** Colour distance (RGB, 0-441) at which the alpha ramp starts, at least; raised for noisy backdrops. */
  minTolerance?: number;
  /** Width of the alpha ramp, in colour distance: larger is softer. */
  feather?: number;
}

/** Typical distance of the edge pixels to the backdrop model above which the backdrop is not plain. */
const MAX_BACKDROP_NOISE = 18;

export class ThresholdProductExtractor implements ProductExtractor {
  readonly name = 'threshold';

  constructor(private readonly options: ThresholdExtractorOptions = {}) {}

  async extract(image: Buffer, signal?: AbortSignal): Promise<Buffer> {
    signal?.throwIfAborted();
    const input = await loadProductImage(image, this.options.maxSide ?? MAX_PRODUCT_SIDE);
    signal?.throwIfAborted();
    // The photo's own colours, for label pixels keyed out with the backdrop and filled back in.
    const original = Uint8Array.from(input.data);
    if (!isAlreadyCutOut(input)) keyOutBackdrop(input, this.options);
    signal?.throwIfAborted();
    const cutout = await finishCutout(input, { original });
    if (!cutout) throw new ProductExtractionError('nothing in the photo stands out from the backdrop');
    return cutout.png;
  }
}

/** Sets the alpha of `image` in place: 0 on the backdrop, 255 on the product, a ramp between. */
export function keyOutBackdrop(image: RgbaImage, options: Pick<ThresholdExtractorOptions, 'minTolerance' | 'feather'> = {}): void {
  const { data, width, height } = image;
  const backdrop = backdropModel(image);
  const n = width * height;
  const distance = new Float32Array(n);
  for (let y = 0, p = 0; y < height; y++) {
    for (let x = 0; x < width; x++, p++) {
      const [r, g, b] = backdrop.at(x, y);
      distance[p] = Math.hypot(data[p * 4] - r, data[p * 4 + 1] - g, data[p * 4 + 2] - b);
    }
  }
  const noise = edgeNoise(distance, width, height);
  if (noise > MAX_BACKDROP_NOISE) {
    throw new ProductExtractionError(`the backdrop is not plain enough to key out (edge noise ${noise.toFixed(0)} > ${MAX_BACKDROP_NOISE})`);
  }
  const low = Math.max(options.minTolerance ?? 14, noise * 2.5);
  const high = low + (options.feather ?? 30);

  // Flood fill from the edges through everything that could be backdrop.
  const reachable = new Uint8Array(n);
  const stack = new Int32Array(n);
  let top = 0;
  const seed = (p: number) => {
    if (!reachable[p] && distance[p] < high) {
      reachable[p] = 1;
      stack[top++] = p;
    }
  };
  for (let x = 0; x < width; x++) {
    seed(x);
    seed((height - 1) * width + x);
  }
  for (let y = 0; y < height; y++) {
    seed(y * width);
    seed(y * width + width - 1);
  }
  while (top > 0) {
    const p = stack[--top];
    const x = p % width;
    if (x > 0) seed(p - 1);
    if (x < width - 1) seed(p + 1);
    if (p >= width) seed(p - width);
    if (p < n - width) seed(p + width);
  }

  for (let p = 0; p < n; p++) {
    const i = p * 4;
    if (!reachable[p]) {
      data[i + 3] = 255;
      continue;
    }
    const alpha = Math.min(1, Math.max(0, (distance[p] - low) / (high - low)));
    data[i + 3] = Math.round(alpha * 255);
    if (alpha > 0.05 && alpha < 1) {
      // Observed = alpha * product + (1 - alpha) * backdrop, so the product colour is recoverable.
      const bg = backdrop.at(p % width, (p - (p % width)) / width);
      for (let c = 0; c < 3; c++) data[i + c] = clampByte((data[i + c] - (1 - alpha) * bg[c]) / alpha);
    }
  }
}

const clampByte = (v: number) => (v < 0 ? 0 : v > 255 ? 255 : Math.round(v));

interface BackdropModel {
  at(x: number, y: number): [number, number, number];
}

/** The Coons patch over the four edge profiles. */
function backdropModel(image: RgbaImage): BackdropModel {
  const { width, height } = image;
  const band = Math.max(2, Math.round(Math.min(width, height) * 0.01));
  const left = edgeProfile(image, 'left', band);
  const right = edgeProfile(image, 'right', band);
  const topEdge = edgeProfile(image, 'top', band);
  const bottom = edgeProfile(image, 'bottom', band);
  const corner = (a: Float32Array, ai: number, b: Float32Array, bi: number) => [0, 1, 2].map((c) => (a[ai * 3 + c] + b[bi * 3 + c]) / 2);
  const c00 = corner(topEdge, 0, left, 0);
  const c10 = corner(topEdge, width - 1, right, 0);
  const c01 = corner(bottom, 0, left, height - 1);
  const c11 = corner(bottom, width - 1, right, height - 1);
  const out: [number, number, number] = [0, 0, 0];
  return {
    at(x, y) {
      const u = width > 1 ? x / (width - 1) : 0;
      const v = height > 1 ? y / (height - 1) : 0;
      for (let c = 0; c < 3; c++) {
        out[c] =
          (1 - u) * left[y * 3 + c] + u * right[y * 3 + c] + (1 - v) * topEdge[x * 3 + c] + v * bottom[x * 3 + c] -
          ((1 - u) * (1 - v) * c00[c] + u * (1 - v) * c10[c] + (1 - u) * v * c01[c] + u * v * c11[c]);
      }
      return out;
    },
  };
}

/**
 * The backdrop colour along one edge, one RGB per pixel of the edge. First the median across a
 * band `band` px deep (grain, dust); then a quadratic per channel along the edge, fitted
 * robustly: a bottle (or its shadow) standing on the edge is a run of samples far from the fit
 * and drops out, where an average would smear its colour into the backdrop. Flat backdrops,
 * linear sweeps and gentle vignettes are all quadratics along an edge.
 */
function edgeProfile(image: RgbaImage, side: 'left' | 'right' | 'top' | 'bottom', band: number): Float32Array {
  const { data, width, height } = image;
  const along = side === 'left' || side === 'right' ? height : width;
  const raw = new Float32Array(along * 3);
  const samples: number[][] = [[], [], []];
  for (let i = 0; i < along; i++) {
    for (const s of samples) s.length = 0;
    for (let d = 0; d < band; d++) {
      const x = side === 'left' ? d : side === 'right' ? width - 1 - d : i;
      const y = side === 'top' ? d : side === 'bottom' ? height - 1 - d : i;
      const p = (y * width + x) * 4;
      for (let c = 0; c < 3; c++) samples[c].push(data[p + c]);
    }
    for (let c = 0; c < 3; c++) raw[i * 3 + c] = median(samples[c]);
  }
  return robustQuadraticFit(raw, along);
}

/**
 * RANSAC for a start (quadratics through three samples; the one most samples agree with wins,
 * which a bottle over a third of the edge cannot be), then least squares over the samples that
 * agree, repeated until they stop changing.
 */
function robustQuadraticFit(raw: Float32Array, along: number): Float32Array {
  const t = (i: number) => (along > 1 ? i / (along - 1) : 0);
  const distanceAt = (fit: (i: number, c: number) => number, i: number) =>
    Math.hypot(raw[i * 3] - fit(i, 0), raw[i * 3 + 1] - fit(i, 1), raw[i * 3 + 2] - fit(i, 2));
  let inlier = new Uint8Array(along).fill(1);
  if (along >= 3) {
    const random = mulberry32(along);
    let best = -1;
    for (let trial = 0; trial < 150; trial++) {
      const picks = new Set<number>();
      while (picks.size < 3) picks.add(Math.floor(random() * along));
      const [i0, i1, i2] = [...picks].sort((a, b) => a - b);
      const [t0, t1, t2] = [t(i0), t(i1), t(i2)];
      // Lagrange form of the quadratic through the three samples.
      const fit = (i: number, c: number) => {
        const x = t(i);
        return (
          (raw[i0 * 3 + c] * (x - t1) * (x - t2)) / ((t0 - t1) * (t0 - t2)) +
          (raw[i1 * 3 + c] * (x - t0) * (x - t2)) / ((t1 - t0) * (t1 - t2)) +
          (raw[i2 * 3 + c] * (x - t0) * (x - t1)) / ((t2 - t0) * (t2 - t1))
        );
      };
      const agree = new Uint8Array(along);
      let count = 0;
      for (let i = 0; i < along; i++) {
        if (distanceAt(fit, i) <= 10) {
          agree[i] = 1;
          count++;
        }
      }
      if (count > best) {
        best = count;
        inlier = agree;
      }
    }
    if (best < 3) inlier.fill(1);
  }
  let fitted = new Float32Array(along * 3);
  for (let round = 0; round < 6; round++) {
    const next = new Float32Array(along * 3);
    for (let c = 0; c < 3; c++) {
      const [a, b, q] = leastSquaresQuadratic(raw, c, inlier, t);
      for (let i = 0; i < along; i++) next[i * 3 + c] = a + b * t(i) + q * t(i) ** 2;
    }
    fitted = next;
    const residual = new Float32Array(along);
    const inlierResiduals: number[] = [];
    for (let i = 0; i < along; i++) {
      residual[i] = distanceAt((j, c) => next[j * 3 + c], i);
      if (inlier[i]) inlierResiduals.push(residual[i]);
    }
    // Keep what is within a few typical residuals of the fit (never tighter than JPEG noise).
    const cutoff = Math.max(8, 4 * median(inlierResiduals));
    const kept = new Uint8Array(along);
    let changed = false;
    for (let i = 0; i < along; i++) {
      kept[i] = residual[i] <= cutoff ? 1 : 0;
      if (kept[i] !== inlier[i]) changed = true;
    }
    if (!changed) break;
    inlier = kept;
  }
  return fitted;
}

/** A small seeded PRNG: the same photo always gets the same cut-out. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let r = Math.imul(a ^ (a >>> 15), 1 | a);
    r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r;
    return ((r ^ (r >>> 14)) >>> 0) / 4294967296;
  };
}

/** Least squares of v = a + b t + q t² over the inlier samples of channel `c`. */
function leastSquaresQuadratic(raw: Float32Array, c: number, inlier: Uint8Array, t: (i: number) => number): [number, number, number] {
  // Normal equations: sums of t^k (k = 0..4) and of v t^k (k = 0..2).
  const st = [0, 0, 0, 0, 0];
  const sv = [0, 0, 0];
  for (let i = 0; i < inlier.length; i++) {
    if (!inlier[i]) continue;
    const x = t(i);
    const v = raw[i * 3 + c];
    let pow = 1;
    for (let k = 0; k <= 4; k++) {
      st[k] += pow;
      if (k <= 2) sv[k] += v * pow;
      pow *= x;
    }
  }
  const m = [
    [st[0], st[1], st[2]],
    [st[1], st[2], st[3]],
    [st[2], st[3], st[4]],
  ];
  const det = (a: number[][]) => a[0][0] * (a[1][1] * a[2][2] - a[1][2] * a[2][1]) - a[0][1] * (a[1][0] * a[2][2] - a[1][2] * a[2][0]) + a[0][2] * (a[1][0] * a[2][1] - a[1][1] * a[2][0]);
  const d = det(m);
  // Too few distinct positions for a quadratic (a tiny image): the mean colour.
  if (Math.abs(d) < 1e-9) return [st[0] ? sv[0] / st[0] : 0, 0, 0];
  // Cramer's rule.
  const solve = (col: number) => det(m.map((row, r) => row.map((v, k) => (k === col ? sv[r] : v)))) / d;
  return [solve(0), solve(1), solve(2)];
}

function median(values: number[]): number {
  if (values.length === 0) return 0;
  const sorted = values.slice().sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** How far the outermost pixel ring typically is from the model: the median, so a bottle touching the edge does not count. */
function edgeNoise(distance: Float32Array, width: number, height: number): number {
  const ring: number[] = [];
  for (let x = 0; x < width; x++) ring.push(distance[x], distance[(height - 1) * width + x]);
  for (let y = 1; y < height - 1; y++) ring.push(distance[y * width], distance[y * width + width - 1]);
  // The 75th percentile: JPEG noise and grain lift it a little, texture and scenery a lot.
  ring.sort((a, b) => a - b);
  return ring[Math.floor(ring.length * 0.75)];
}

import { cropImage, encodePng, type RgbaImage } from './raster.js';

/**
 * The finishing steps every cut-out shares, whatever made its alpha channel: snap near-zero and
 * near-full alpha (segmentation haze, JPEG noise), drop specks far from the product, clear the
 * colour of invisible pixels, and trim to the product with a small margin. All work in place on
 * RgbaImage pixels.
 */

/** Alpha at or below `floor` becomes 0 and at or above `ceil` becomes 255: the model's faint haze over the backdrop and its not-quite-opaque product interior. */
export function snapAlpha(image: RgbaImage, floor = 12, ceil = 243): void {
  const { data } = image;
  for (let i = 3; i < data.length; i += 4) {
    if (data[i] <= floor) data[i] = 0;
    else if (data[i] >= ceil) data[i] = 255;
  }
}

/**
 * Keeps the product and what belongs to it: regions of solid pixels (alpha >= `solid`, 8-connected)
 * at least `keepRatio` of the largest one (a cap separated from the bottle by a thin gap stays;
 * a stray reflection in a corner goes), plus the soft edge pixels within `edge` px of them.
 */
export function keepMainRegions(image: RgbaImage, options: { solid?: number; keepRatio?: number; edge?: number } = {}): void {
  const solid = options.solid ?? 128;
  const keepRatio = options.keepRatio ?? 0.05;
  const edge = options.edge ?? 2;
  const { data, width, height } = image;
  const n = width * height;
  const { label, sizes } = solidRegions(image, solid);
  let largest = 0;
  for (const s of sizes) if (s > largest) largest = s;
  const kept = sizes.map((s) => s > 0 && s >= largest * keepRatio);
  for (let p = 0; p < n; p++) {
    const a = data[p * 4 + 3];
    if (a === 0) continue;
    if (label[p]) {
      if (!kept[label[p]]) data[p * 4 + 3] = 0;
      continue;
    }
    // A soft pixel: kept only on the edge of a kept region.
    const x = p % width;
    const y = (p - x) / width;
    let near = false;
    for (let dy = -edge; dy <= edge && !near; dy++) {
      const ny = y + dy;
      if (ny < 0 || ny >= height) continue;
      for (let dx = -edge; dx <= edge; dx++) {
        const nx = x + dx;
        if (nx < 0 || nx >= width) continue;
        const l = label[ny * width + nx];
        if (l && kept[l]) {
          near = true;
          break;
        }
      }
    }
    if (!near) data[p * 4 + 3] = 0;
  }
}

/** Invisible pixels keep no colour: smaller PNGs, and no backdrop colour bleeding in when a renderer scales without premultiplying. */
export function clearHiddenColor(image: RgbaImage): void {
  const { data } = image;
  for (let i = 0; i < data.length; i += 4) if (data[i + 3] === 0) data[i] = data[i + 1] = data[i + 2] = 0;
}

export interface Box {
  left: number;
  top: number;
  width: number;
  height: number;
}

/** The smallest box holding every pixel with alpha >= minAlpha; null when there is none. */
export function alphaBounds(image: RgbaImage, minAlpha = 16): Box | null {
  const { data, width, height } = image;
  let left = width;
  let right = -1;
  let top = height;
  let bottom = -1;
  for (let y = 0; y < height; y++) {
    const row = y * width * 4;
    for (let x = 0; x < width; x++) {
      if (data[row + x * 4 + 3] >= minAlpha) {
        if (x < left) left = x;
        if (x > right) right = x;
        if (y < top) top = y;
        if (y > bottom) bottom = y;
      }
    }
  }
  return right < 0 ? null : { left, top, width: right - left + 1, height: bottom - top + 1 };
}

/** Fraction of the pixels of `image` that are solid (alpha >= 128). */
export function solidCoverage(image: RgbaImage): number {
  let solid = 0;
  for (let i = 3; i < image.data.length; i += 4) if (image.data[i] >= 128) solid++;
  return solid / (image.width * image.height);
}

/**
 * Crops to the product plus a margin (`marginFraction` of its longer side, at least 2 px) so
 * soft edges are never cut flush; the margin stops at the photo's edges. Null when nothing is visible.
 */
export function trimToProduct(image: RgbaImage, marginFraction = 0.02): RgbaImage | null {
  const box = alphaBounds(image);
  if (!box) return null;
  const margin = Math.max(2, Math.round(Math.max(box.width, box.height) * marginFraction));
  const left = Math.max(0, box.left - margin);
  const top = Math.max(0, box.top - margin);
  const right = Math.min(image.width, box.left + box.width + margin);
  const bottom = Math.min(image.height, box.top + box.height + margin);
  return cropImage(image, { left, top, width: right - left, height: bottom - top });
}

/**
 * A photo that is already a cut-out (a transparent PNG): its edge is transparent and a real part
 * of it is. Its alpha is then the best mask there is, and no model should guess again.
 */
export function isAlreadyCutOut(image: RgbaImage): boolean {
  const { data, width, height } = image;
  let borderTransparent = 0;
  let border = 0;
  const visit = (x: number, y: number) => {
    border++;
    if (data[(y * width + x) * 4 + 3] < 16) borderTransparent++;
  };
  for (let x = 0; x < width; x++) {
    visit(x, 0);
    visit(x, height - 1);
  }
  for (let y = 1; y < height - 1; y++) {
    visit(0, y);
    visit(width - 1, y);
  }
  if (borderTransparent < border * 0.9) return false;
  const coverage = solidCoverage(image);
  return coverage > 0.01 && coverage < 0.97;
}

/**
 * A product photo shows one solid object, so its mask has no holes: a light label close to the
 * backdrop colour, a highlight, or a model unsure of a transparent part can punch one (or a bite
 * opening to the outside through a narrow gap). Closes the mask (dilate then erode by `bridge`
 * px, so gaps narrower than twice that are bridged), fills every region then enclosed, and makes
 * those pixels opaque, with their colour from `original` (the photo before keying) when given.
 * Concave outlines (the shoulders beside a cap) are open to the outside and stay as they are.
 * Returns how many pixels were filled.
 */
export function fillProductHoles(image: RgbaImage, options: { solid?: number; bridge?: number; original?: Uint8Array } = {}): number {
  const { data, width, height } = image;
  const solid = options.solid ?? 128;
  const r = Math.max(1, options.bridge ?? Math.round(Math.max(width, height) * 0.01));
  const n = width * height;
  const mask = new Uint8Array(n);
  for (let p = 0; p < n; p++) mask[p] = data[p * 4 + 3] >= solid ? 1 : 0;
  const dilated = boxFilter(mask, width, height, r, 'any');
  // Outside: what the border reaches through the un-dilated pixels; the rest is the object, holes filled.
  const outside = reachableFromBorder(width, height, (p) => !dilated[p]);
  const filled = new Uint8Array(n);
  for (let p = 0; p < n; p++) filled[p] = outside[p] ? 0 : 1;
  const closed = boxFilter(filled, width, height, r, 'all');
  let count = 0;
  for (let p = 0; p < n; p++) {
    if (!closed[p] || data[p * 4 + 3] === 255) continue;
    if (options.original) for (let c = 0; c < 3; c++) data[p * 4 + c] = options.original[p * 4 + c];
    data[p * 4 + 3] = 255;
    count++;
  }
  return count;
}

/**
 * Regions of solid pixels (alpha >= `solid`, 8-connected): `label` gives each pixel its
 * region's number (0 for a pixel that is not solid), `sizes[k]` the pixel count of region k
 * (`sizes[0]` is unused).
 */
function solidRegions(image: RgbaImage, solid: number): { label: Int32Array; sizes: number[] } {
  const { data, width, height } = image;
  const n = width * height;
  const label = new Int32Array(n);
  const sizes: number[] = [0];
  const stack = new Int32Array(n);
  for (let start = 0; start < n; start++) {
    if (label[start] || data[start * 4 + 3] < solid) continue;
    const id = sizes.length;
    let size = 0;
    let top = 0;
    stack[top++] = start;
    label[start] = id;
    while (top > 0) {
      const p = stack[--top];
      size++;
      const x = p % width;
      const y = (p - x) / width;
      for (let dy = -1; dy <= 1; dy++) {
        const ny = y + dy;
        if (ny < 0 || ny >= height) continue;
        for (let dx = -1; dx <= 1; dx++) {
          const nx = x + dx;
          if ((dx === 0 && dy === 0) || nx < 0 || nx >= width) continue;
          const q = ny * width + nx;
          if (!label[q] && data[q * 4 + 3] >= solid) {
            label[q] = id;
            stack[top++] = q;
          }
        }
      }
    }
    sizes.push(size);
  }
  return { label, sizes };
}

/** The pixels the image's border reaches through `passable` ones (4-connected flood fill), as 1s. */
function reachableFromBorder(width: number, height: number, passable: (p: number) => boolean): Uint8Array {
  const n = width * height;
  const reached = new Uint8Array(n);
  const stack = new Int32Array(n);
  let top = 0;
  const visit = (p: number) => {
    if (!reached[p] && passable(p)) {
      reached[p] = 1;
      stack[top++] = p;
    }
  };
  for (let x = 0; x < width; x++) {
    visit(x);
    visit((height - 1) * width + x);
  }
  for (let y = 0; y < height; y++) {
    visit(y * width);
    visit(y * width + width - 1);
  }
  while (top > 0) {
    const p = stack[--top];
    const x = p % width;
    if (x > 0) visit(p - 1);
    if (x < width - 1) visit(p + 1);
    if (p >= width) visit(p - width);
    if (p < n - width) visit(p + width);
  }
  return reached;
}

/** Square window of radius r: 'any' is a dilation (some pixel set), 'all' an erosion (every pixel set, outside the image counting as unset). */
function boxFilter(mask: Uint8Array, width: number, height: number, r: number, mode: 'any' | 'all'): Uint8Array {
  // Summed-area table: one pass, then any window in O(1).
  const w1 = width + 1;
  const sat = new Int32Array(w1 * (height + 1));
  for (let y = 0; y < height; y++) {
    let row = 0;
    for (let x = 0; x < width; x++) {
      row += mask[y * width + x];
      sat[(y + 1) * w1 + x + 1] = sat[y * w1 + x + 1] + row;
    }
  }
  const out = new Uint8Array(width * height);
  const full = (2 * r + 1) ** 2;
  for (let y = 0; y < height; y++) {
    const y0 = Math.max(0, y - r);
    const y1 = Math.min(height, y + r + 1);
    for (let x = 0; x < width; x++) {
      const x0 = Math.max(0, x - r);
      const x1 = Math.min(width, x + r + 1);
      const sum = sat[y1 * w1 + x1] - sat[y0 * w1 + x1] - sat[y1 * w1 + x0] + sat[y0 * w1 + x0];
      out[y * width + x] = mode === 'any' ? (sum > 0 ? 1 : 0) : sum === full ? 1 : 0;
    }
  }
  return out;
}

export interface MaskShape {
  /** Transparent pixels enclosed by the product, as a fraction of its solid pixels (0 for a solid object). */
  holes: number;
  /** Solid pieces (8-connected) as fractions of all solid pixels, largest first. */
  pieces: number[];
}

/** The shape of a cut-out's mask, for product-check.ts: is it one solid object? */
export function maskShape(image: RgbaImage, solid = 128): MaskShape {
  const { data, width, height } = image;
  const n = width * height;
  const isSolid = (p: number) => data[p * 4 + 3] >= solid;
  let total = 0;
  for (let p = 0; p < n; p++) if (isSolid(p)) total++;
  if (total === 0) return { holes: 0, pieces: [] };
  // Transparent pixels the border cannot reach (4-connected) are holes.
  const seen = reachableFromBorder(width, height, (p) => !isSolid(p));
  let holes = 0;
  for (let p = 0; p < n; p++) if (!seen[p] && !isSolid(p)) holes++;
  // Solid pieces (8-connected).
  const pieces = solidRegions(image, solid).sizes.slice(1).map((size) => size / total);
  return { holes: holes / total, pieces: pieces.sort((a, b) => b - a) };
}

/**
 * The common finish: snap, make the product solid, despeckle, clear hidden colour, trim, encode.
 * `original`: the photo's colours before keying, for the pixels filled back in. Null when nothing is left.
 */
export async function finishCutout(image: RgbaImage, options: { original?: Uint8Array } = {}): Promise<{ png: Buffer; width: number; height: number } | null> {
  snapAlpha(image);
  fillProductHoles(image, { original: options.original });
  keepMainRegions(image);
  clearHiddenColor(image);
  const trimmed = trimToProduct(image);
  if (!trimmed) return null;
  return { png: await encodePng(trimmed), width: trimmed.width, height: trimmed.height };
}

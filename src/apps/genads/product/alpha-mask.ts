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
  const label = new Int32Array(n); // 0 = unlabelled / not solid
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

/** The common finish: snap, despeckle, clear hidden colour, trim, encode. Null when nothing is left. */
export async function finishCutout(image: RgbaImage): Promise<{ png: Buffer; width: number; height: number } | null> {
  snapAlpha(image);
  keepMainRegions(image);
  clearHiddenColor(image);
  const trimmed = trimToProduct(image);
  if (!trimmed) return null;
  return { png: await encodePng(trimmed), width: trimmed.width, height: trimmed.height };
}

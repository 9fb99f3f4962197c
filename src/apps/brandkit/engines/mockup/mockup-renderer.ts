import sharp from 'sharp';
import type { GenerateOptions, GeneratedImage, MockupEngine, MockupRequest, ProductImage } from '../image-engine.js';
import { rng, seedFrom } from '../seeded-random.js';
import { invert, squareToQuad, type Point, type Quad } from './homography.js';
import { maskArea } from './mask-area.js';

/**
 * The offline mockup renderer: the brand's label placed onto a product photo through the
 * product's mask. The label is warped onto the mask's quadrilateral by a homography (and
 * wrapped round a cylinder for bottles and jars), sampled bilinearly, and shaded by
 * multiplying with the photo's own luminance, so the product's highlights and shadows fall
 * across the label as they would on a printed one. The mask's grey levels feather its edge.
 *
 * Interface: `renderMockup(product, label, params, size?)` → { jpeg, width, height },
 * `mockupParams(seed, variation, surface)`, `OfflineMockupEngine` (the `MockupEngine`).
 */

export interface MockupParams {
  variation: number;
  /** Shrinks the label inside the printable area (fraction of its size). */
  inset: number;
  /** Moves it up (negative) or down, as a fraction of the area's height. */
  shiftY: number;
  /** 0 flat; up to 1 wraps the label round a cylinder seen from the front. */
  curvature: number;
  /** How strongly the photo's light shades the label, 0-1. */
  lighting: number;
}

export class MockupInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MockupInputError';
  }
}

const CYLINDER_CATEGORIES = /bottle|jar|can|mug|cup|candle|tube|tumbler/i;

export function surfaceOf(product: Pick<ProductImage, 'surface' | 'category' | 'name'>): 'flat' | 'cylinder' {
  return product.surface ?? (CYLINDER_CATEGORIES.test(`${product.category ?? ''} ${product.name}`) ? 'cylinder' : 'flat');
}

/** Variation 1 is the plain placement; later ones move, shrink and light the label differently. */
export function mockupParams(seed: number, variation: number, surface: 'flat' | 'cylinder'): MockupParams {
  if (variation === 1) return { variation, inset: 0.04, shiftY: 0, curvature: surface === 'cylinder' ? 0.75 : 0, lighting: 0.85 };
  const r = rng(seedFrom(seed, 'mockup', variation));
  return {
    variation,
    inset: Math.round(r.range(0.02, 0.14) * 1000) / 1000,
    shiftY: Math.round(r.range(-0.05, 0.05) * 1000) / 1000,
    curvature: surface === 'cylinder' ? Math.round(r.range(0.55, 0.95) * 100) / 100 : 0,
    lighting: Math.round(r.range(0.6, 1) * 100) / 100,
  };
}

function shrink(quad: Quad, inset: number, shiftY: number, height: number): Quad {
  const cx = quad.reduce((s, p) => s + p[0], 0) / 4;
  const cy = quad.reduce((s, p) => s + p[1], 0) / 4;
  const k = 1 - inset;
  return quad.map(([x, y]) => [cx + (x - cx) * k, cy + (y - cy) * k + shiftY * height]) as Quad;
}

const dist = (a: Point, b: Point) => Math.hypot(a[0] - b[0], a[1] - b[1]);

async function decode(product: ProductImage, size?: number) {
  let img = sharp(product.image).flatten({ background: '#ffffff' });
  const meta = await sharp(product.image)
    .metadata()
    .catch(() => ({ width: undefined, height: undefined }));
  if (!meta.width || !meta.height) throw new MockupInputError('the product image could not be read: upload a PNG or JPEG photo');
  let width = meta.width;
  let height = meta.height;
  if (size && size !== Math.max(width, height)) {
    const scale = size / Math.max(width, height);
    width = Math.max(1, Math.round(width * scale));
    height = Math.max(1, Math.round(height * scale));
    img = img.resize(width, height, { fit: 'fill' });
  }
  const [photo, mask] = await Promise.all([
    img.removeAlpha().raw().toBuffer(),
    sharp(product.mask)
      .resize(width, height, { fit: 'fill' })
      .greyscale()
      .extractChannel(0)
      .raw()
      .toBuffer()
      .catch((err: Error) => {
        throw new MockupInputError(`the product's mask could not be read (${err.message}): upload a greyscale PNG the size of the photo, white where the label prints`);
      }),
  ]);
  return { photo, mask, width, height };
}

/** The photo's luminance high point inside the printable area: full light on the label there. */
function referenceLight(photo: Buffer, mask: Buffer, box: { left: number; top: number; right: number; bottom: number }, width: number): number {
  const hist = new Uint32Array(256);
  let n = 0;
  for (let y = box.top; y < box.bottom; y += 2) {
    for (let x = box.left; x < box.right; x += 2) {
      const i = y * width + x;
      if (mask[i] < 128) continue;
      const p = i * 3;
      hist[Math.round(0.299 * photo[p] + 0.587 * photo[p + 1] + 0.114 * photo[p + 2])]++;
      n++;
    }
  }
  let seen = 0;
  for (let l = 255; l >= 0; l--) {
    seen += hist[l];
    if (seen >= n * 0.05) return Math.max(24, l);
  }
  return 255;
}

export async function renderMockup(product: ProductImage, label: Buffer, params: MockupParams, size?: number): Promise<{ jpeg: Buffer; width: number; height: number }> {
  if (size !== undefined && !(Number.isInteger(size) && size >= 64 && size <= 4096)) throw new RangeError(`mockup size ${size} is outside 64-4096 px`);
  const { photo, mask, width, height } = await decode(product, size);
  const area = maskArea(mask, width, height);
  if (!area) throw new MockupInputError(`the mask of "${product.name}" marks no printable area: paint the label's place white on a black mask`);
  const quad = shrink(area.quad, params.inset, params.shiftY, area.box.bottom - area.box.top);
  const labelW = Math.max(8, Math.round((dist(quad[0], quad[1]) + dist(quad[3], quad[2])) / 2));
  const labelH = Math.max(8, Math.round((dist(quad[0], quad[3]) + dist(quad[1], quad[2])) / 2));
  const lab = await sharp(label)
    .resize(labelW, labelH, { fit: 'fill' })
    .ensureAlpha()
    .raw()
    .toBuffer()
    .catch((err: Error) => {
      throw new MockupInputError(`the label image could not be read (${err.message}): render it again`);
    });
  const inv = invert(squareToQuad(quad));
  const [a0, a1, a2, a3, a4, a5, a6, a7, a8] = inv;
  const ref = referenceLight(photo, mask, area.box, width);
  const k = params.curvature;
  const light = params.lighting;
  const out = Buffer.from(photo);
  const lw1 = labelW - 1;
  const lh1 = labelH - 1;
  for (let y = area.box.top; y < area.box.bottom; y++) {
    const py = y + 0.5;
    for (let x = area.box.left; x < area.box.right; x++) {
      const i = y * width + x;
      const m = mask[i];
      if (m === 0) continue;
      const px = x + 0.5;
      const w = a6 * px + a7 * py + a8;
      let s = (a0 * px + a1 * py + a2) / w;
      const t = (a3 * px + a4 * py + a5) / w;
      if (s < 0 || s > 1 || t < 0 || t > 1) continue;
      // A cylinder seen from the front: equal steps across the photo cover more label near the edges.
      if (k > 0) s = (1 - k) * s + k * (0.5 + Math.asin(2 * s - 1) / Math.PI);
      const u = s * lw1;
      const v = t * lh1;
      const u0 = u | 0;
      const v0 = v | 0;
      const u1 = u0 < lw1 ? u0 + 1 : u0;
      const v1 = v0 < lh1 ? v0 + 1 : v0;
      const fu = u - u0;
      const fv = v - v0;
      const q00 = (v0 * labelW + u0) * 4;
      const q10 = (v0 * labelW + u1) * 4;
      const q01 = (v1 * labelW + u0) * 4;
      const q11 = (v1 * labelW + u1) * 4;
      const w00 = (1 - fu) * (1 - fv);
      const w10 = fu * (1 - fv);
      const w01 = (1 - fu) * fv;
      const w11 = fu * fv;
      const alpha = ((lab[q00 + 3] * w00 + lab[q10 + 3] * w10 + lab[q01 + 3] * w01 + lab[q11 + 3] * w11) / 255) * (m / 255);
      if (alpha <= 0) continue;
      const p = i * 3;
      const lum = 0.299 * photo[p] + 0.587 * photo[p + 1] + 0.114 * photo[p + 2];
      const shade = 1 - light + light * Math.min(1.15, lum / ref);
      for (let c = 0; c < 3; c++) {
        const lc = lab[q00 + c] * w00 + lab[q10 + c] * w10 + lab[q01 + c] * w01 + lab[q11 + c] * w11;
        out[p + c] = Math.min(255, photo[p + c] * (1 - alpha) + lc * shade * alpha);
      }
    }
  }
  const jpeg = await sharp(out, { raw: { width, height, channels: 3 } }).jpeg({ quality: 90 }).toBuffer();
  return { jpeg, width, height };
}

export const MAX_MOCKUP_VARIATIONS = 8;

export class OfflineMockupEngine implements MockupEngine {
  readonly kind = 'offline' as const;

  async mockups(request: MockupRequest, options: GenerateOptions = {}): Promise<GeneratedImage[]> {
    if (request.labels.length === 0) throw new MockupInputError('no label to place: render the brand label first');
    const count = Math.max(1, Math.min(MAX_MOCKUP_VARIATIONS, Math.floor(request.count)));
    const seed = request.seed ?? seedFrom(request.brand.name, request.product.name);
    const surface = surfaceOf(request.product);
    const images: GeneratedImage[] = [];
    for (let v = 1; v <= count; v++) {
      options.signal?.throwIfAborted();
      const params = mockupParams(seed, v, surface);
      const label = request.labels[(v - 1) % request.labels.length];
      const { jpeg, width, height } = await renderMockup(request.product, label, params, request.size);
      images.push({
        contentType: 'image/jpeg',
        bytes: jpeg,
        width,
        height,
        variation: v,
        prompt: `offline mockup: the ${request.brand.name} label on ${request.product.name}, ${surface === 'cylinder' ? 'wrapped round the body' : 'in perspective'}`,
        params: { engine: 'offline', seed, surface, label: (v - 1) % request.labels.length, ...params },
      });
      options.onProgress?.(v / count);
    }
    return images;
  }
}

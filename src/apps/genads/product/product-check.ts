import sharp from 'sharp';
import type { ProductCutout, ProductExtractor } from '../pipeline/types.js';
import { maskShape, solidCoverage } from './alpha-mask.js';
import { ProductImageError } from './errors.js';
import { loadProductImage, type RgbaImage } from './raster.js';
import { wholeImageCutout } from './whole-image-cutout.js';

/**
 * A cut-out is checked before it is used, because a bad one (the backdrop kept, or the bottle
 * lost) ruins every scene of every variation while looking like success. The chain: the
 * configured extractor; if it fails or its cut-out is implausible, the fallback (threshold);
 * if that fails too, the whole photo with soft rounded edges. A cut-out problem never fails the
 * generation; only a photo that cannot be decoded does (ProductImageError), or an abort.
 */

/** pino-compatible. */
export interface ProductLogger {
  warn(obj: Record<string, unknown>, msg: string): void;
}

export interface CutoutVerdict {
  ok: boolean;
  /** Fraction of the trimmed box that is solid (alpha >= 128); null when it could not be read. */
  coverage: number | null;
  reason?: string;
}

/** A product fills a good part of its own box (bottles: 50-90 %); the trim margin keeps even a box-shaped flacon below the top. */
export const MIN_COVERAGE = 0.02;
export const MAX_COVERAGE = 0.95;
/** A "product" shorter than this fraction of the photo's longer side is a speck the extractor kept. */
const MIN_RELATIVE_SIZE = 0.05;
/** Enclosed transparent pixels, as a share of the solid ones, beyond which the product has holes (extractors fill them: alpha-mask.ts). */
export const MAX_HOLES = 0.01;
/** A second solid piece this large is half a product, not a cap standing off the bottle. */
export const MAX_SECOND_PIECE = 0.2;

export async function assessCutout(png: Buffer, source: { width: number; height: number }): Promise<CutoutVerdict> {
  let cutout: RgbaImage;
  let channels: number;
  try {
    const { data, info } = await sharp(png).ensureAlpha().raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
    channels = (await sharp(png).metadata()).channels ?? 0;
    cutout = { data, width: info.width, height: info.height };
  } catch (err) {
    return { ok: false, coverage: null, reason: `the cut-out is not a readable PNG (${(err as Error).message})` };
  }
  if (channels !== 4) return { ok: false, coverage: null, reason: 'the cut-out has no alpha channel' };
  const coverage = solidCoverage(cutout);
  const pct = (v: number) => `${(v * 100).toFixed(1)} %`;
  if (coverage < MIN_COVERAGE) return { ok: false, coverage, reason: `only ${pct(coverage)} of the cut-out is solid: the product was lost` };
  if (coverage > MAX_COVERAGE) return { ok: false, coverage, reason: `${pct(coverage)} of the cut-out is solid: the backdrop was kept` };
  if (Math.max(cutout.width, cutout.height) < Math.max(source.width, source.height) * MIN_RELATIVE_SIZE) {
    return { ok: false, coverage, reason: `the cut-out is ${cutout.width}x${cutout.height} px of a ${source.width}x${source.height} photo: a speck, not the product` };
  }
  // A product is one solid object: see-through holes or a bottle in pieces mean part of it was cut away.
  const shape = maskShape(cutout);
  if (shape.holes > MAX_HOLES) return { ok: false, coverage, reason: `the cut-out has holes (${pct(shape.holes)} of the product): part of it was cut away` };
  if ((shape.pieces[1] ?? 0) > MAX_SECOND_PIECE) return { ok: false, coverage, reason: `the cut-out is in ${shape.pieces.length} pieces: part of the product was cut away` };
  return { ok: true, coverage };
}

export class CheckedProductExtractor implements ProductExtractor {
  readonly name: string;
  private readonly fallback: ProductExtractor | null;
  private readonly logger: ProductLogger | undefined;

  constructor(
    private readonly primary: ProductExtractor,
    options: { fallback?: ProductExtractor | null; logger?: ProductLogger } = {},
  ) {
    this.name = primary.name;
    this.fallback = options.fallback ?? null;
    this.logger = options.logger;
  }

  async extract(image: Buffer, signal?: AbortSignal): Promise<Buffer> {
    return (await this.extractWithReport(image, signal)).png;
  }

  async extractWithReport(image: Buffer, signal?: AbortSignal): Promise<ProductCutout> {
    signal?.throwIfAborted();
    // Decoding first: an unreadable photo is the uploader's to fix, not a reason to fall back.
    const source = await loadProductImage(image);
    const reasons: string[] = [];
    for (const extractor of this.fallback ? [this.primary, this.fallback] : [this.primary]) {
      try {
        const png = await extractor.extract(image, signal);
        const verdict = await assessCutout(png, source);
        if (verdict.ok) {
          if (reasons.length) this.logger?.warn({ extractor: this.primary.name, used: extractor.name, reasons }, `product cut-out: used ${extractor.name} because ${reasons.join('; ')}`);
          return { png, method: extractor.name, coverage: verdict.coverage, fallbackReasons: reasons };
        }
        reasons.push(`${extractor.name}: ${verdict.reason}`);
      } catch (err) {
        if (signal?.aborted || err instanceof ProductImageError) throw err;
        reasons.push(`${extractor.name}: ${(err as Error)?.message ?? String(err)}`);
      }
      signal?.throwIfAborted();
    }
    const png = await wholeImageCutout(image);
    this.logger?.warn({ extractor: this.primary.name, used: 'whole_image', reasons }, `product cut-out: no plausible cut-out (${reasons.join('; ')}); using the whole photo with soft edges`);
    return { png, method: 'whole_image', coverage: null, fallbackReasons: reasons };
  }
}

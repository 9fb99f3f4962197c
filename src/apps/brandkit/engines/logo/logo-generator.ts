import sharp from 'sharp';
import { assertDrawable, headingFamily, type BrandBasics } from '../brand-input.js';
import { FONT_FAMILIES } from '../fonts.js';
import type { GenerateOptions, GeneratedImage, LogoEngine, LogoRequest } from '../image-engine.js';
import { seedFrom } from '../seeded-random.js';
import { logoSvg, type LogoArtwork } from './logo-svg.js';
import { nearbySpec, specsFor, type LogoLayout, type LogoSpec } from './logo-spec.js';

/**
 * The offline logo generator: distinct, deterministic variations of a layout for a brand,
 * "vary this one" (a close relative of a chosen logo), and PNG renders at any size.
 *
 * Interface: `generateLogos(brand, layout, count, seed?)`, `varyLogo(brand, spec, step?)`,
 * `logoPng(svg, size)`, and `OfflineLogoEngine` (the `LogoEngine` the app's jobs call).
 */

export interface Logo extends LogoArtwork {
  spec: LogoSpec;
  /** What was drawn, in words: stored as brand_mockups/brand_assets' prompt_used. */
  description: string;
}

export const MAX_LOGO_VARIATIONS = 12;

function describe(spec: LogoSpec): string {
  return `offline ${spec.layout} logo: ${FONT_FAMILIES[spec.family].label} ${spec.weight}${spec.upper ? ' capitals' : ''}, ${spec.scheme} colours, ${spec.icon} icon, ${spec.shape} shape`;
}

function draw(brand: BrandBasics, spec: LogoSpec): Logo {
  return { ...logoSvg(brand, spec), spec, description: describe(spec) };
}

/** `count` (1-12) visibly distinct logos; the same brand, layout and seed give the same logos. */
export function generateLogos(brand: BrandBasics, layout: LogoLayout, count: number, seed = seedFrom(brand.name)): Logo[] {
  assertDrawable(brand);
  const n = Math.max(1, Math.min(MAX_LOGO_VARIATIONS, Math.floor(count)));
  return specsFor(layout, seed, n, headingFamily(brand)).map((spec) => draw(brand, spec));
}

/** A nearby variation of a logo the user picked: same layout, family, icon and shape, one or two details changed. */
export function varyLogo(brand: BrandBasics, spec: LogoSpec, step = 1): Logo {
  assertDrawable(brand);
  return draw(brand, nearbySpec(spec, step));
}

/** Redraws a stored spec (generation_params) exactly. */
export function redrawLogo(brand: BrandBasics, spec: LogoSpec): Logo {
  assertDrawable(brand);
  return draw(brand, spec);
}

/**
 * A square `size` × `size` PNG of the logo, centred on a transparent (or the given)
 * background. The SVG is rasterised at the density that makes its longest side `size`, so
 * small and large renders are both sharp.
 */
export async function logoPng(svg: string, size: number, background?: string): Promise<Buffer> {
  if (!Number.isInteger(size) || size < 8 || size > 4096) throw new RangeError(`logo PNG size ${size} is outside 8-4096 px`);
  const meta = await sharp(Buffer.from(svg)).metadata();
  const longest = Math.max(meta.width ?? size, meta.height ?? size);
  const density = Math.min(2400, Math.max(1, (72 * size) / longest));
  return sharp(Buffer.from(svg), { density })
    .resize(size, size, { fit: 'contain', background: background ?? { r: 0, g: 0, b: 0, alpha: 0 } })
    .png()
    .toBuffer();
}

export class OfflineLogoEngine implements LogoEngine {
  readonly kind = 'offline' as const;

  async logos(request: LogoRequest, options: GenerateOptions = {}): Promise<GeneratedImage[]> {
    options.signal?.throwIfAborted();
    const seed = request.seed ?? seedFrom(request.brand.name);
    const logos = generateLogos(request.brand, request.layout, request.count, seed);
    options.onProgress?.(1);
    return logos.map((logo, i) => ({
      contentType: 'image/svg+xml',
      bytes: Buffer.from(logo.svg),
      width: logo.width,
      height: logo.height,
      variation: i + 1,
      prompt: logo.description,
      params: { engine: 'offline', seed, spec: logo.spec },
    }));
  }
}

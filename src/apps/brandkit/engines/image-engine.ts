import type { BrandBasics } from './brand-input.js';
import type { LogoLayout } from './logo/logo-spec.js';

/**
 * The interface the app's jobs call to get logos and mockups, whoever draws them: the
 * offline generators here (vector logos, warped labels) or a hosted image model through
 * Fal.ai's queue (fal/). Both answer with the same `GeneratedImage` list, carrying what the
 * seed's tables store: `prompt_used` (a prompt, or a description of what was drawn offline)
 * and `generation_params` (enough to reproduce or vary the result).
 *
 * Interface: `LogoEngine.logos(request, options)`, `MockupEngine.mockups(request, options)`.
 */

export interface GeneratedImage {
  /** "image/svg+xml", "image/png", "image/jpeg" or "image/webp". */
  contentType: string;
  bytes: Buffer;
  width: number;
  height: number;
  /** 1-based, the seed's brand_mockups.variation_number. */
  variation: number;
  prompt: string;
  params: Record<string, unknown>;
}

export interface GenerateOptions {
  signal?: AbortSignal;
  /** 0-1 as the images arrive. */
  onProgress?: (fraction: number) => void;
}

export interface LogoRequest {
  brand: BrandBasics;
  layout: LogoLayout;
  /** How many variations (1-12). */
  count: number;
  /** Same seed, same logos; the app stores it to regenerate. */
  seed?: number;
  /** The seed's brands.logo_style words ("minimal, playful"); hosted models read it in the prompt. */
  style?: string;
}

export interface LogoEngine {
  readonly kind: 'offline' | 'hosted';
  logos(request: LogoRequest, options?: GenerateOptions): Promise<GeneratedImage[]>;
}

export interface ProductImage {
  name: string;
  category?: string;
  /** The catalog photo (PNG or JPEG). */
  image: Buffer;
  /** Greyscale PNG, same size as the photo: white where the label may print. */
  mask: Buffer;
  /** A cylinder (bottle, jar, can) wraps the label round; default from the category, else flat. */
  surface?: 'flat' | 'cylinder';
}

export interface MockupRequest {
  brand: BrandBasics;
  /** The brand's label artwork (PNG, from label/): one for every variation, or one per variation (used in turn). */
  labels: Buffer[];
  product: ProductImage;
  /** How many variations (1-8). */
  count: number;
  seed?: number;
  /** Longest side of the output in px (default: the product photo's). */
  size?: number;
}

export interface MockupEngine {
  readonly kind: 'offline' | 'hosted';
  mockups(request: MockupRequest, options?: GenerateOptions): Promise<GeneratedImage[]>;
}

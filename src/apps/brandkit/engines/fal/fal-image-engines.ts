import sharp from 'sharp';
import { assertDrawable, brandColours, type BrandBasics } from '../brand-input.js';
import type { GenerateOptions, GeneratedImage, LogoEngine, LogoRequest, MockupEngine, MockupRequest } from '../image-engine.js';
import type { LogoLayout } from '../logo/logo-spec.js';
import { seedFrom } from '../seeded-random.js';
import { FalError, type FalQueueClient } from './fal-queue-client.js';

/**
 * The hosted side of the image-engine interface: logos from a text-to-image model and
 * mockups from an inpainting model (the product photo and its mask go up as data URIs, the
 * label is described in the prompt), both through Fal's queue. Each answer is downloaded,
 * checked to be an image, and returned like the offline engines' with the prompt used and the
 * Fal request ids in params.
 *
 * Interface: `FalLogoEngine`, `FalMockupEngine` (constructed with a FalQueueClient and a model
 * id), `logoPrompt(request)`, `mockupPrompt(request)`.
 */

export const DEFAULT_FAL_LOGO_MODEL = 'fal-ai/flux/schnell';
export const DEFAULT_FAL_MOCKUP_MODEL = 'fal-ai/flux-pro/v1/fill';
/** Fal's image models take up to 4 images per request. */
const PER_REQUEST = 4;

const LAYOUT_WORDS: Record<LogoLayout, string> = {
  wordmark: 'a wordmark logo (the name set in distinctive type, no symbol)',
  monogram: 'a monogram logo of the initials inside a simple geometric shape',
  'icon-wordmark': 'a logo with a simple abstract symbol to the left of the name',
  stacked: 'a stacked logo, a simple symbol centred above the name',
  badge: 'a badge or emblem logo, the name inside a round or shield-shaped seal',
};

function colourWords(brand: BrandBasics): string {
  const c = brandColours(brand);
  return `primary ${c.primary}, secondary ${c.secondary}, accent ${c.accent}`;
}

export function logoPrompt(request: LogoRequest): string {
  const b = request.brand;
  return [
    `${LAYOUT_WORDS[request.layout]} for the brand "${b.name.trim()}"`,
    b.tagline ? `tagline "${b.tagline.trim()}"` : '',
    request.style ? `style: ${request.style}` : '',
    `flat vector design, colours ${colourWords(b)}, plain white background, centred, crisp edges, no mockup, no photo`,
  ]
    .filter(Boolean)
    .join('; ');
}

export function mockupPrompt(request: MockupRequest): string {
  const b = request.brand;
  return `a professional product photo of ${request.product.name} with a printed label for the brand "${b.name.trim()}" in ${colourWords(b)}, the brand name legible on the label, realistic lighting and shadows, studio background`;
}

interface FalImage {
  url: string;
  width?: number;
  height?: number;
  content_type?: string;
}

function imagesOf(result: unknown): FalImage[] {
  const r = result as { images?: unknown; image?: unknown };
  const list = Array.isArray(r?.images) ? r.images : r?.image ? [r.image] : [];
  return list.filter((i): i is FalImage => !!i && typeof (i as FalImage).url === 'string');
}

async function fetchImage(client: FalQueueClient, image: FalImage, requestId: string, signal?: AbortSignal): Promise<{ bytes: Buffer; contentType: string; width: number; height: number }> {
  const { bytes } = await client.download(image.url, signal);
  const meta = await sharp(bytes)
    .metadata()
    .catch(() => null);
  if (!meta?.format || !meta.width || !meta.height || !['png', 'jpeg', 'webp'].includes(meta.format)) {
    throw new FalError(`Fal request ${requestId} returned a file that is not a PNG, JPEG or WebP image (${image.url})`, 'bad_output', { requestId });
  }
  return { bytes, contentType: `image/${meta.format}`, width: meta.width, height: meta.height };
}

export class FalLogoEngine implements LogoEngine {
  readonly kind = 'hosted' as const;

  constructor(
    private readonly client: FalQueueClient,
    private readonly model = DEFAULT_FAL_LOGO_MODEL,
  ) {}

  async logos(request: LogoRequest, options: GenerateOptions = {}): Promise<GeneratedImage[]> {
    assertDrawable(request.brand);
    const count = Math.max(1, Math.min(12, Math.floor(request.count)));
    const seed = request.seed ?? seedFrom(request.brand.name, request.layout);
    const prompt = logoPrompt(request);
    const out: GeneratedImage[] = [];
    for (let batch = 0; out.length < count; batch++) {
      const n = Math.min(PER_REQUEST, count - out.length);
      const input = { prompt, num_images: n, seed: seed + batch, image_size: 'square_hd', output_format: 'png', enable_safety_checker: true };
      const { handle, result } = await this.client.run(this.model, input, {
        signal: options.signal,
        onProgress: (f) => options.onProgress?.((out.length + f * n) / count),
      });
      const images = imagesOf(result);
      if (images.length === 0) throw new FalError(`Fal request ${handle.requestId} for ${this.model} finished without images`, 'bad_output', { requestId: handle.requestId });
      for (const image of images.slice(0, n)) {
        const file = await fetchImage(this.client, image, handle.requestId, options.signal);
        out.push({ ...file, variation: out.length + 1, prompt, params: { engine: 'fal', model: this.model, requestId: handle.requestId, seed: seed + batch, layout: request.layout } });
      }
    }
    return out;
  }
}

function dataUri(bytes: Buffer, type: string): string {
  return `data:${type};base64,${bytes.toString('base64')}`;
}

export class FalMockupEngine implements MockupEngine {
  readonly kind = 'hosted' as const;

  constructor(
    private readonly client: FalQueueClient,
    private readonly model = DEFAULT_FAL_MOCKUP_MODEL,
  ) {}

  async mockups(request: MockupRequest, options: GenerateOptions = {}): Promise<GeneratedImage[]> {
    assertDrawable(request.brand);
    const count = Math.max(1, Math.min(8, Math.floor(request.count)));
    const seed = request.seed ?? seedFrom(request.brand.name, request.product.name);
    const [photo, mask] = await Promise.all([
      sharp(request.product.image).jpeg({ quality: 92 }).toBuffer(),
      sharp(request.product.mask).greyscale().png().toBuffer(),
    ]).catch((err: Error) => {
      throw new FalError(`the product photo or mask could not be read (${err.message}): upload a PNG or JPEG photo and a greyscale PNG mask`, 'invalid_input');
    });
    const prompt = mockupPrompt(request);
    const out: GeneratedImage[] = [];
    for (let v = 1; v <= count; v++) {
      const input = { prompt, image_url: dataUri(photo, 'image/jpeg'), mask_url: dataUri(mask, 'image/png'), seed: seed + v, num_images: 1, output_format: 'jpeg' };
      const { handle, result } = await this.client.run(this.model, input, { signal: options.signal, onProgress: (f) => options.onProgress?.((v - 1 + f) / count) });
      const [image] = imagesOf(result);
      if (!image) throw new FalError(`Fal request ${handle.requestId} for ${this.model} finished without an image`, 'bad_output', { requestId: handle.requestId });
      const file = await fetchImage(this.client, image, handle.requestId, options.signal);
      out.push({ ...file, variation: v, prompt, params: { engine: 'fal', model: this.model, requestId: handle.requestId, seed: seed + v } });
    }
    return out;
  }
}

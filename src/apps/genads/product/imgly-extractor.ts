import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ProductExtractor } from '../pipeline/types.js';
import { finishCutout, isAlreadyCutOut } from './alpha-mask.js';
import { ProductExtractionError } from './errors.js';
import { loadProductImage, MAX_PRODUCT_SIDE, type RgbaImage } from './raster.js';

/**
 * The seed's "Remove background with rembg", done with @imgly/background-removal-node: an
 * ISNet segmentation model that ships inside the package and runs on onnxruntime-node's CPU
 * backend, offline. The library (onnxruntime, ~90 MB of model) is imported on first use only,
 * so the server starts fast and only the worker pays for it; the ONNX session is then kept by
 * the library for every later call (about 7 s cold, a few seconds warm on 2 cores).
 */
export type ImglyModel = 'small' | 'medium';

export interface ImglyExtractorOptions {
  /** "medium" (the library's default, 88 MB) segments fine edges best; "small" (44 MB) is faster. */
  model?: ImglyModel;
  /** Longest side the photo is reduced to before segmentation. */
  maxSide?: number;
  /** A file: or http(s): URL of a directory holding the model files (resources.json and chunks); default: the package's own dist/. */
  modelUrl?: string;
}

type RemoveBackground = (typeof import('@imgly/background-removal-node'))['removeBackground'];

let imglyModule: Promise<RemoveBackground> | null = null;

function loadImgly(): Promise<RemoveBackground> {
  imglyModule ??= import('@imgly/background-removal-node').then((m) => m.removeBackground);
  return imglyModule;
}

/**
 * Where the model files are. The library's default is "./node_modules/…" under the process's
 * working directory, which breaks as soon as the server is started from anywhere else.
 */
function modelDirectoryUrl(): string {
  const entry = createRequire(import.meta.url).resolve('@imgly/background-removal-node');
  return `${pathToFileURL(path.dirname(entry)).href}/`;
}

export class ImglyProductExtractor implements ProductExtractor {
  readonly name = 'imgly';
  private readonly maxSide: number;
  /**
   * One config object for every call: the library caches its ONNX session per JSON of the
   * config, so a stable config is what makes the second call warm.
   */
  private config: { publicPath: string; model: ImglyModel; output: { format: 'image/x-rgba8' } } | null = null;

  constructor(private readonly options: ImglyExtractorOptions = {}) {
    this.maxSide = options.maxSide ?? MAX_PRODUCT_SIDE;
  }

  async extract(image: Buffer, signal?: AbortSignal): Promise<Buffer> {
    signal?.throwIfAborted();
    const input = await loadProductImage(image, this.maxSide);
    signal?.throwIfAborted();
    // A transparent PNG upload is its own best mask: the model would only blur it.
    if (!isAlreadyCutOut(input)) {
      const alpha = await this.segment(input, signal);
      for (let p = 0, i = 3; p < alpha.length; p++, i += 4) input.data[i] = alpha[p];
    }
    const cutout = await finishCutout(input);
    if (!cutout) throw new ProductExtractionError('the segmentation model found no product in the photo');
    return cutout.png;
  }

  /** Loads the model and runs it once on a tiny image, so the first real cut-out is not the slow one. */
  async warmUp(): Promise<void> {
    const tiny: RgbaImage = { data: Buffer.alloc(32 * 32 * 4, 255), width: 32, height: 32 };
    await this.segment(tiny);
  }

  /** The model's alpha for every pixel of `input` (width * height bytes). */
  private async segment(input: RgbaImage, signal?: AbortSignal): Promise<Uint8Array> {
    let removeBackground: RemoveBackground;
    try {
      // Resolved on first use, like the import: a missing package must not stop the server from starting.
      this.config ??= {
        publicPath: this.options.modelUrl ? this.options.modelUrl.replace(/\/?$/, '/') : modelDirectoryUrl(),
        model: this.options.model ?? 'medium',
        output: { format: 'image/x-rgba8' },
      };
      removeBackground = await loadImgly();
    } catch (err) {
      throw new ProductExtractionError(`the background removal library could not be loaded: ${(err as Error)?.message ?? String(err)}`, { cause: err });
    }
    signal?.throwIfAborted();
    // Raw RGBA in and out: no PNG encode and decode around the model. The input is opaque
    // (isAlreadyCutOut handled transparent uploads), so the model sees the real colours.
    const blob = new Blob([new Uint8Array(input.data)], { type: `image/x-rgba8;width=${input.width};height=${input.height}` });
    let out: Blob;
    try {
      // The inference itself cannot be interrupted; an abort is honoured as soon as it returns.
      out = await removeBackground(blob, this.config);
    } catch (err) {
      throw new ProductExtractionError(`the background removal model failed: ${(err as Error)?.message ?? String(err)}`, { cause: err });
    }
    signal?.throwIfAborted();
    const rgba = new Uint8Array(await out.arrayBuffer());
    if (rgba.length !== input.width * input.height * 4) {
      throw new ProductExtractionError(`the background removal model returned ${rgba.length} bytes for a ${input.width}x${input.height} image`);
    }
    const alpha = new Uint8Array(input.width * input.height);
    for (let p = 0; p < alpha.length; p++) alpha[p] = rgba[p * 4 + 3];
    return alpha;
  }
}

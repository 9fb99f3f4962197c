import type { GenAdsConfig } from '../config.js';
import { ImglyProductExtractor, type ImglyExtractorOptions } from './imgly-extractor.js';
import { CheckedProductExtractor, type ProductLogger } from './product-check.js';
import { RecentCutouts } from './recent-cutouts.js';
import { ThresholdProductExtractor } from './threshold-extractor.js';

/**
 * The product extractor GENADS_BACKGROUND_REMOVAL asks for, wrapped in the plausibility chain
 * (product-check.ts). With "imgly", a model that fails to load or run (missing files, no
 * onnxruntime binary for this platform, out of memory) costs a logged warning and the threshold
 * cut-out, not the generation. Creating it loads nothing: the model is imported on first use.
 * The model's cut-outs of recent photos are kept (recent-cutouts.ts); the threshold cut-out
 * takes a fraction of a second and is simply made again.
 */
export function createProductExtractor(
  config: Pick<GenAdsConfig, 'backgroundRemoval'>,
  options: { logger?: ProductLogger; imgly?: ImglyExtractorOptions } = {},
): CheckedProductExtractor | RecentCutouts {
  const threshold = new ThresholdProductExtractor();
  if (config.backgroundRemoval === 'threshold') return new CheckedProductExtractor(threshold, { logger: options.logger });
  return new RecentCutouts(new CheckedProductExtractor(new ImglyProductExtractor(options.imgly), { fallback: threshold, logger: options.logger }));
}

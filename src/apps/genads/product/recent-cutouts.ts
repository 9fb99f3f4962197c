import { createHash } from 'node:crypto';
import type { ProductCutout, ProductExtractor } from '../pipeline/types.js';

/** Cut-outs kept: a perfume has up to five photos; a cut-out PNG is a few hundred KB. */
const KEPT = 8;

/**
 * The segmentation model's cut-outs of the photos seen last, by the photo's SHA-256. Every run
 * that shows a photo cuts it out: each take of a campaign, each campaign of the perfume, a run
 * retried after a crash. The model costs ~9 CPU s a photo (2 cores) and its cut-out depends
 * only on the bytes, so the worker keeps the last few. Only the model's own cut-outs are kept:
 * one that fell back (the model failed, or its cut-out was implausible) is tried again next
 * time, so a passing failure does not stick.
 */
export class RecentCutouts implements ProductExtractor {
  readonly name: string;
  /** Oldest first (a Map keeps insertion order); a hit moves to the end. */
  private readonly kept = new Map<string, ProductCutout>();

  constructor(private readonly extractor: Required<ProductExtractor>) {
    this.name = extractor.name;
  }

  async extract(image: Buffer, signal?: AbortSignal): Promise<Buffer> {
    return (await this.extractWithReport(image, signal)).png;
  }

  async extractWithReport(image: Buffer, signal?: AbortSignal): Promise<ProductCutout> {
    signal?.throwIfAborted();
    const key = createHash('sha256').update(image).digest('hex');
    const hit = this.kept.get(key);
    if (hit) {
      this.kept.delete(key);
      this.kept.set(key, hit);
      return hit;
    }
    const cutout = await this.extractor.extractWithReport(image, signal);
    if (cutout.fallbackReasons.length === 0 && cutout.method === this.name) {
      this.kept.set(key, cutout);
      if (this.kept.size > KEPT) this.kept.delete(this.kept.keys().next().value!);
    }
    return cutout;
  }
}

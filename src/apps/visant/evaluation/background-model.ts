import { FINGERPRINT_SIZE } from './fingerprint.js';

/**
 * The scene a camera usually sees, learned from its own recent captures: the per-pixel median
 * of their fingerprints (64x64 greyscale, brightness-normalised by fingerprint.ts). A median
 * ignores whatever fewer than half of the frames show, so the odd frame with a person in it
 * does not become part of the scene, while something that stays (a parked car, a moved chair)
 * does once it is in most of the recent frames.
 */
export function medianBackground(frames: Buffer[], size = FINGERPRINT_SIZE): Buffer {
  if (frames.length === 0) throw new Error('a background needs at least one frame');
  const pixels = size * size;
  for (const f of frames) if (f.length !== pixels) throw new Error('fingerprints must be size x size greyscale');
  const out = Buffer.alloc(pixels);
  const column = new Uint8Array(frames.length);
  const mid = frames.length >> 1;
  for (let i = 0; i < pixels; i++) {
    for (let f = 0; f < frames.length; f++) column[f] = frames[f]![i]!;
    column.sort();
    // Even counts: the mean of the two middle values.
    out[i] = frames.length % 2 ? column[mid]! : Math.round((column[mid - 1]! + column[mid]!) / 2);
  }
  return out;
}

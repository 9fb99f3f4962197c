/**
 * mulberry32: a small, fast seeded PRNG returning floats in [0, 1). The planner and the media
 * engine both draw from it, so the same plan gives the same choices, particles and notes on
 * every machine, which Math.random cannot promise.
 */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

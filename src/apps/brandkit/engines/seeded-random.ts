/**
 * Deterministic randomness for the offline generators: the same seed gives the same logo,
 * label or mockup on every machine, which is what lets the app store only a seed and its
 * parameters and re-render an asset later, and lets tests compare variations.
 *
 * Interface: `seedFrom(...parts)` hashes any strings/numbers into a 32-bit seed;
 * `rng(seed)` returns a generator with next() in [0, 1), int(lo, hi), pick(list), chance(p).
 */

export interface Rng {
  next(): number;
  /** Integer in [lo, hi], both included. */
  int(lo: number, hi: number): number;
  pick<T>(list: readonly T[]): T;
  chance(p: number): boolean;
  range(lo: number, hi: number): number;
}

/** FNV-1a over the parts' text: stable, fast, good enough to spread seeds. */
export function seedFrom(...parts: Array<string | number>): number {
  let h = 0x811c9dc5;
  for (const ch of parts.join('\u0001')) {
    h ^= ch.codePointAt(0)!;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** mulberry32: tiny, with a full 2^32 period, plenty for picking design choices. */
export function rng(seed: number): Rng {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: (list) => list[Math.floor(next() * list.length)],
    chance: (p) => next() < p,
    range: (lo, hi) => lo + next() * (hi - lo),
  };
}

import { mulberry32 } from '../pipeline/prng.js';

/**
 * A small seeded PRNG (mulberry32): the same plan seed must give the same particles, notes
 * and timings on every machine, which Math.random cannot promise.
 */
export type Random = () => number;

export function seededRandom(seed: number): Random {
  return mulberry32((Math.trunc(seed) ^ 0x9e3779b9) >>> 0);
}

/** Uniform in [min, max). */
export function between(random: Random, min: number, max: number): number {
  return min + (max - min) * random();
}

/** A child stream, so adding a draw in one layer does not reshuffle every other layer. */
export function fork(random: Random, salt: number): Random {
  return seededRandom(Math.floor(random() * 4294967296) ^ Math.imul(salt, 0x85ebca6b));
}

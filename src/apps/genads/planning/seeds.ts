import { createHash } from 'node:crypto';
import { mulberry32 } from '../pipeline/prng.js';

/**
 * Deterministic randomness for the planners: the same campaign input must give the same plan
 * (a retried job re-renders the same ad, and tests can compare plans), yet different inputs and
 * different variations must not share choices. Every seed is a hash of what it depends on.
 */

/** JSON with object keys sorted, so two equal inputs hash the same whatever their key order. */
export function stableStringify(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableStringify(v)}`).join(',')}}`;
}

/**
 * A non-negative 31-bit integer from a hash of the parts: 31 bits because hosted models take
 * the seed as a signed 32-bit integer and some treat -1 as "random".
 */
export function seedFrom(...parts: unknown[]): number {
  const digest = createHash('sha256').update(stableStringify(parts)).digest();
  return digest.readUInt32BE(0) & 0x7fffffff;
}

/** The plan's PRNG (pipeline/prng.ts) for choices inside one plan. */
export function createRng(seed: number): () => number {
  return mulberry32(seed);
}

export function pick<T>(rng: () => number, items: readonly T[]): T {
  if (items.length === 0) throw new RangeError('pick from an empty list');
  return items[Math.floor(rng() * items.length) % items.length];
}

/**
 * Near-duplicate text: the Jaccard similarity of two texts' word 3-shingles (sets of three
 * consecutive normalised words; texts shorter than three words compare their words). pg_trgm
 * would do this in SQL, but PGlite ships without it, so the comparison runs here over the
 * workspace's recent posts (SOCIAL_NEAR_DUPLICATE_WINDOW), the same on both databases.
 */

const SHINGLE = 3;

export function shingles(text: string): Set<string> {
  const words = text
    .toLowerCase()
    .normalize('NFKC')
    .split(/[^\p{L}\p{N}#@]+/u)
    .filter(Boolean);
  if (words.length < SHINGLE) return new Set(words);
  const set = new Set<string>();
  for (let i = 0; i + SHINGLE <= words.length; i++) set.add(words.slice(i, i + SHINGLE).join(' '));
  return set;
}

export function jaccard(a: Set<string>, b: Set<string>): number {
  if (a.size === 0 && b.size === 0) return 0;
  let shared = 0;
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  for (const s of small) if (large.has(s)) shared++;
  return shared / (a.size + b.size - shared);
}

export interface NearDuplicate {
  post_id: string;
  similarity: number;
  excerpt: string;
}

/** The candidates at least `threshold` similar to `text`, most similar first (at most `limit`). */
export function findNearDuplicates(text: string, candidates: { id: string; current_text: string }[], threshold: number, limit = 5): NearDuplicate[] {
  const mine = shingles(text);
  if (mine.size === 0) return [];
  return candidates
    .map((c) => ({ post_id: c.id, similarity: jaccard(mine, shingles(c.current_text)), excerpt: c.current_text.slice(0, 140) }))
    .filter((d) => d.similarity >= threshold)
    .sort((x, y) => y.similarity - x.similarity)
    .slice(0, limit)
    .map((d) => ({ ...d, similarity: Math.round(d.similarity * 1000) / 1000 }));
}

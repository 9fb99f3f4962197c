import type { SceneOverlay, SceneRole } from '../pipeline/types.js';
import type { ConceptChoice } from './concepts.js';
import { findMoodWords } from './prompt-themes.js';
import { fitsOverlay, OVERLAY_MAX_CHARS, SHOT_GRAMMAR } from './shot-grammar.js';

/**
 * The words on screen. Every line is built from the campaign's own material (perfume and brand
 * names, the prompt's theme words and adjectives, the brand's tone) and must fit on one line of
 * a 1080 px frame at its size: the renderer wraps nothing, so a line that does not fit is
 * replaced by the next candidate, never cut mid-word.
 */
export interface CopyInput {
  brandName: string;
  perfumeName: string;
  creativePrompt: string;
  /** BrandStyle.tone, e.g. "elegant, sophisticated". */
  tone: string;
  choice: ConceptChoice;
  /** The style's mood words, after the concept's. */
  styleMoodWords: readonly string[];
  variationIndex: number;
}

export type CopyLines = Record<SceneRole, { text: string; size: SceneOverlay['size'] }>;

const cap = (s: string) => (s ? s[0].toUpperCase() + s.slice(1) : s);
const clean = (s: string) => s.replace(/\s+/g, ' ').trim();

/** The mood words for the copy: the prompt's own first, then the brand's tone, then the concept's. */
export function moodWordsFor(input: Pick<CopyInput, 'creativePrompt' | 'tone' | 'choice' | 'styleMoodWords'>): string[] {
  const toneWords = input.tone
    .toLowerCase()
    .split(/[,;/&]|\band\b/)
    .map((w) => w.trim())
    .filter((w) => /^[a-z-]{3,16}$/.test(w));
  const all = [...findMoodWords(input.creativePrompt), ...toneWords, ...input.choice.concept.moodWords, ...input.styleMoodWords];
  return [...new Set(all)];
}

function fill(template: string, vars: Record<string, string>): string {
  return clean(template.replace(/\{(\w+)\}/g, (_, name: string) => vars[name] ?? ''));
}

/**
 * The first candidate that fits at `size` or, failing that, one size smaller: candidates are in
 * order of preference, so "Discover {long perfume name}" a size smaller beats a generic line.
 */
function firstFitting(candidates: readonly string[], size: SceneOverlay['size']): { text: string; size: SceneOverlay['size'] } | null {
  const sizes: SceneOverlay['size'][] = size === 'large' ? ['large', 'medium'] : size === 'medium' ? ['medium', 'small'] : ['small'];
  for (const c of candidates.map(clean)) {
    const s = sizes.find((z) => fitsOverlay(c, z));
    if (s) return { text: c, size: s };
  }
  return null;
}

/** Cuts a name at a word boundary to fit (for very long perfume names), as the last resort. */
function shorten(text: string, max: number): string {
  const words = clean(text).split(' ');
  let out = '';
  for (const w of words) {
    const next = out ? `${out} ${w}` : w;
    if (next.length > max) break;
    out = next;
  }
  return out || clean(text).slice(0, max);
}

export function writeCopy(input: CopyInput): CopyLines {
  const { concept, match } = input.choice;
  const perfume = clean(input.perfumeName);
  const brand = clean(input.brandName);
  const noun = match?.noun ?? concept.defaultNoun;
  const moods = moodWordsFor(input);
  // A: the campaign's strongest word (the prompt's own when it has one); B: the concept's, so
  // variations differ, and never a word the line already says ("Electric. Electric.").
  const a = moods[0] ?? concept.moodWords[0];
  const varsFor = (template: string) => {
    const literal = template.replace(/\{\w+\}/g, '').toLowerCase();
    const b = [...concept.moodWords, ...moods].find((w) => w !== a && !literal.includes(w)) ?? a;
    return { noun, Noun: cap(noun), perfume, brand, a, b, A: cap(a), B: cap(b) };
  };
  const size = (role: SceneRole) => SHOT_GRAMMAR.find((beat) => beat.role === role)!.overlaySize;

  const hook = firstFitting(concept.hooks.map((t) => cap(fill(t, varsFor(t)))), size('hook')) ?? { text: cap(concept.name), size: 'medium' as const };

  // The reveal names the perfume; alternate variations sign it with the brand when it fits.
  const revealCandidates = input.variationIndex % 2 === 1 ? [`${perfume} by ${brand}`, perfume, brand] : [perfume, brand];
  const reveal = firstFitting(revealCandidates, size('product_reveal')) ?? { text: shorten(perfume, OVERLAY_MAX_CHARS.medium), size: 'medium' as const };

  const mood = firstFitting(concept.moods.map((t) => fill(t, varsFor(t))), size('mood')) ?? { text: `${cap(a)}.`, size: 'small' as const };

  const cta = firstFitting([`Discover ${perfume}`, `Discover ${brand}`, 'Discover the scent'], size('call_to_action'))!;

  return { hook, product_reveal: reveal, mood, call_to_action: cta };
}

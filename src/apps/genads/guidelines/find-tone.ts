import { negatedAt, type GuidelineLine } from './guideline-lines.js';

/**
 * The brand voice in a few words ("elegant, sophisticated, timeless"), from a lexicon of the
 * adjectives brand books use about themselves. Words in a sentence about the voice ("Our voice
 * is…", a "Tone of voice" section) count three times; words in do/don't items (mostly about
 * imagery: "warm lighting") count half; negated words ("never playful") not at all.
 */

/** Seed 000's example tone; also what a luxury perfume ad sounds like when the guidelines say nothing. */
export const DEFAULT_TONE = ['elegant', 'sophisticated'] as const;
const MAX_TONE_WORDS = 4;

/** Canonical word → the forms that count for it. */
const LEXICON: Record<string, string[]> = {
  elegant: ['elegant', 'elegance'],
  sophisticated: ['sophisticated', 'sophistication'],
  bold: ['bold', 'boldness'],
  playful: ['playful', 'playfulness'],
  minimal: ['minimal', 'minimalist', 'minimalism', 'minimalistic'],
  luxurious: ['luxurious', 'luxury', 'luxe'],
  timeless: ['timeless', 'timelessness'],
  sensual: ['sensual', 'sensuality', 'sensuous'],
  modern: ['modern', 'contemporary'],
  warm: ['warm', 'warmth'],
  fresh: ['fresh', 'freshness'],
  mysterious: ['mysterious', 'mystery', 'mystique'],
  romantic: ['romantic', 'romance'],
  refined: ['refined', 'refinement'],
  confident: ['confident', 'confidence'],
  glamorous: ['glamorous', 'glamour', 'glamor'],
  understated: ['understated'],
  classic: ['classic'],
  daring: ['daring', 'audacious'],
  radiant: ['radiant'],
  serene: ['serene', 'serenity', 'calm'],
  intimate: ['intimate', 'intimacy'],
  vibrant: ['vibrant'],
  natural: ['natural'],
  authentic: ['authentic', 'authenticity'],
  exclusive: ['exclusive', 'exclusivity'],
  poetic: ['poetic'],
  dreamy: ['dreamy'],
  ethereal: ['ethereal'],
  opulent: ['opulent', 'opulence'],
  edgy: ['edgy'],
  youthful: ['youthful'],
  feminine: ['feminine', 'femininity'],
  masculine: ['masculine', 'masculinity'],
  seductive: ['seductive'],
  joyful: ['joyful', 'joyous'],
  iconic: ['iconic'],
  graceful: ['graceful', 'grace'],
  mystical: ['mystical'],
  powerful: ['powerful'],
};

const FORM_TO_WORD = new Map(Object.entries(LEXICON).flatMap(([word, forms]) => forms.map((f) => [f, word] as const)));
const FORM_PATTERN = new RegExp(`\\b(${[...FORM_TO_WORD.keys()].sort((a, b) => b.length - a.length).join('|')})\\b`, 'gi');

const VOICE_CONTEXT = /\b(?:voice|tone|personality|character|we are|our brand is|the brand is|brand feels?|feels?|mood|attitude|spirit|essence|values?|speaks?|sounds?|describe)\b/i;
const VOICE_HEADING = /voice|tone|personality|character|values|essence|identity|who we are/i;

export function findTone(lines: GuidelineLine[]): string {
  const scores = new Map<string, { score: number; voice: boolean; first: number }>();
  let inVoiceSection = false;
  for (const line of lines) {
    if (line.heading === 'other') inVoiceSection = VOICE_HEADING.test(line.text);
    if (line.negative) continue;
    const voice = inVoiceSection || VOICE_CONTEXT.test(line.text);
    const weight = voice ? 3 : line.section ? 0.5 : 1;
    for (const m of line.text.matchAll(FORM_PATTERN)) {
      if (negatedAt(line.text, m.index)) continue;
      const word = FORM_TO_WORD.get(m[1].toLowerCase())!;
      const entry = scores.get(word) ?? { score: 0, voice: false, first: line.offset + m.index };
      entry.score += weight;
      entry.voice ||= voice;
      scores.set(word, entry);
    }
  }
  const ranked = [...scores.entries()].sort(([, a], [, b]) => Number(b.voice) - Number(a.voice) || b.score - a.score || a.first - b.first);
  const voiced = ranked.filter(([, e]) => e.voice);
  // What the text says about its own voice wins; incidental adjectives only fill in when it says little.
  const pool = voiced.length >= 2 ? voiced : ranked;
  const top = pool[0]?.[1].score ?? 0;
  const words = pool.filter(([, e]) => e.voice || e.score >= top / 3).slice(0, MAX_TONE_WORDS).map(([w]) => w);
  for (const fallback of DEFAULT_TONE) if (words.length < 2 && !words.includes(fallback)) words.push(fallback);
  return words.join(', ');
}

import type { ParticleKind } from '../pipeline/types.js';

/**
 * What the offline planner understands of a creative prompt: a handful of visual themes (night,
 * sunset, ocean…), the evocative adjectives the marketer used, and whether people were asked for.
 * Deliberately simple keyword matching: it only has to steer concept, palette, particles and
 * copy, and it must behave the same offline and every time.
 */
export type ThemeId = 'night' | 'sunset' | 'ocean' | 'floral' | 'city' | 'velvet' | 'gold' | 'snow' | 'desert' | 'forest' | 'smoke' | 'silk';

export interface PromptTheme {
  id: ThemeId;
  /** Whole words (or word stems) that call the theme up. */
  words: readonly string[];
  /** A colour the palette leans toward when the prompt names the theme. */
  tint: string;
  particles: ParticleKind;
  /** A prompt fragment for the text-to-video model. */
  setting: string;
  /** How a matched word reads in copy ("Born of {noun}"): "city" reads "the city". */
  nouns: Readonly<Record<string, string>>;
  /** The noun when the matched word has no entry in `nouns`. */
  defaultNoun: string;
}

export const PROMPT_THEMES: readonly PromptTheme[] = [
  {
    id: 'night',
    words: ['night', 'nights', 'midnight', 'moon', 'moonlit', 'moonlight', 'evening', 'nocturnal', 'stars', 'starlit', 'starry'],
    tint: '#1d2340',
    particles: 'bokeh',
    setting: 'a moonlit night sky with faint stars',
    nouns: { night: 'the night', nights: 'the night', midnight: 'midnight', moon: 'the moon', moonlit: 'moonlight', moonlight: 'moonlight', evening: 'the evening', stars: 'the stars', starlit: 'the stars', starry: 'the stars', nocturnal: 'the night' },
    defaultNoun: 'the night',
  },
  {
    id: 'sunset',
    words: ['sunset', 'sunsets', 'sundown', 'dusk', 'sunrise', 'dawn', 'golden hour', 'golden', 'sunlit', 'sun'],
    tint: '#e08a3c',
    particles: 'dust',
    setting: 'low golden-hour sun flaring through warm haze',
    nouns: { sunset: 'sunset', sunsets: 'sunset', sundown: 'sundown', dusk: 'dusk', sunrise: 'sunrise', dawn: 'dawn', 'golden hour': 'golden hour', golden: 'golden hour', sunlit: 'the sun', sun: 'the sun' },
    defaultNoun: 'golden hour',
  },
  {
    id: 'ocean',
    words: ['ocean', 'sea', 'seaside', 'beach', 'waves', 'wave', 'coast', 'coastal', 'shore', 'tide', 'marine', 'aquatic'],
    tint: '#2f7f95',
    particles: 'bokeh',
    setting: 'slow ocean waves and shimmering water reflections',
    nouns: { ocean: 'the ocean', sea: 'the sea', seaside: 'the sea', beach: 'the shore', waves: 'the waves', wave: 'the waves', coast: 'the coast', coastal: 'the coast', shore: 'the shore', tide: 'the tide' },
    defaultNoun: 'the sea',
  },
  {
    id: 'floral',
    words: ['rose', 'roses', 'floral', 'flower', 'flowers', 'garden', 'gardens', 'bloom', 'blooms', 'blossom', 'blossoms', 'petal', 'petals', 'peony', 'peonies', 'jasmine', 'lily', 'orchid', 'bouquet'],
    tint: '#d9879f',
    particles: 'petals',
    setting: 'lush blossoms and drifting petals',
    nouns: { rose: 'the rose', roses: 'roses', floral: 'blossoms', flower: 'flowers', flowers: 'flowers', garden: 'the garden', gardens: 'the garden', bloom: 'bloom', blooms: 'bloom', blossom: 'blossom', blossoms: 'blossoms', petal: 'petals', petals: 'petals', peony: 'peonies', peonies: 'peonies', jasmine: 'jasmine', lily: 'lilies', orchid: 'orchids', bouquet: 'flowers' },
    defaultNoun: 'bloom',
  },
  {
    id: 'city',
    words: ['city', 'urban', 'skyline', 'street', 'streets', 'rooftop', 'rooftops', 'downtown', 'metropolis', 'paris', 'new york', 'tokyo', 'london', 'milan'],
    tint: '#4a5a86',
    particles: 'bokeh',
    setting: 'out-of-focus city lights and a glittering skyline',
    nouns: { city: 'the city', urban: 'the city', skyline: 'the skyline', street: 'the streets', streets: 'the streets', rooftop: 'the rooftops', rooftops: 'the rooftops', downtown: 'the city', metropolis: 'the city', paris: 'Paris', 'new york': 'New York', tokyo: 'Tokyo', london: 'London', milan: 'Milan' },
    defaultNoun: 'the city',
  },
  {
    id: 'velvet',
    words: ['velvet', 'velvety', 'plush'],
    tint: '#5a1f35',
    particles: 'dust',
    setting: 'deep folds of plush velvet',
    nouns: { velvet: 'velvet', velvety: 'velvet', plush: 'velvet' },
    defaultNoun: 'velvet',
  },
  {
    id: 'gold',
    words: ['gold', 'gilded', 'gilt', 'champagne', 'brass'],
    tint: '#d4a845',
    particles: 'sparkles',
    setting: 'gilded surfaces and flecks of gold leaf',
    nouns: { gold: 'gold', gilded: 'gold', gilt: 'gold', champagne: 'champagne', brass: 'gold' },
    defaultNoun: 'gold',
  },
  {
    id: 'snow',
    words: ['snow', 'snowy', 'winter', 'ice', 'icy', 'frost', 'frosted', 'alpine', 'glacier', 'crystal', 'crystals'],
    tint: '#bcd3e6',
    particles: 'sparkles',
    setting: 'crystalline frost and softly falling snow',
    nouns: { snow: 'snow', snowy: 'snow', winter: 'winter', ice: 'ice', icy: 'ice', frost: 'frost', frosted: 'frost', alpine: 'the mountains', glacier: 'ice', crystal: 'crystal', crystals: 'crystal' },
    defaultNoun: 'winter',
  },
  {
    id: 'desert',
    words: ['desert', 'deserts', 'sand', 'sands', 'dune', 'dunes', 'sahara', 'oasis', 'arid'],
    tint: '#c8905a',
    particles: 'dust',
    setting: 'sculpted sand dunes under a warm sky',
    nouns: { desert: 'the desert', deserts: 'the desert', sand: 'the sands', sands: 'the sands', dune: 'the dunes', dunes: 'the dunes', sahara: 'the Sahara', oasis: 'the oasis', arid: 'the desert' },
    defaultNoun: 'the desert',
  },
  {
    id: 'forest',
    words: ['forest', 'forests', 'woods', 'woodland', 'moss', 'cedar', 'pine', 'leaves', 'fern', 'jungle'],
    tint: '#3f6b4a',
    particles: 'dust',
    setting: 'a misty forest with shafts of light through the leaves',
    nouns: { forest: 'the forest', forests: 'the forest', woods: 'the woods', woodland: 'the woods', moss: 'the forest', cedar: 'cedar', pine: 'the pines', leaves: 'the leaves', fern: 'the forest', jungle: 'the wild' },
    defaultNoun: 'the forest',
  },
  {
    id: 'smoke',
    words: ['smoke', 'smoky', 'smoked', 'incense', 'oud', 'amber', 'candle', 'candles', 'candlelight', 'candlelit', 'fire', 'flame', 'flames', 'ember', 'embers'],
    tint: '#8a4a22',
    particles: 'dust',
    setting: 'curling smoke and flickering candlelight',
    nouns: { smoke: 'smoke', smoky: 'smoke', smoked: 'smoke', incense: 'incense', oud: 'oud', amber: 'amber', candle: 'candlelight', candles: 'candlelight', candlelight: 'candlelight', candlelit: 'candlelight', fire: 'fire', flame: 'the flame', flames: 'the flame', ember: 'embers', embers: 'embers' },
    defaultNoun: 'smoke',
  },
  {
    id: 'silk',
    words: ['silk', 'silky', 'satin', 'chiffon', 'lace', 'fabric'],
    tint: '#e6cfc2',
    particles: 'none',
    setting: 'flowing silk ribbons in slow motion',
    nouns: { silk: 'silk', silky: 'silk', satin: 'satin', chiffon: 'silk', lace: 'lace', fabric: 'silk' },
    defaultNoun: 'silk',
  },
];

export interface ThemeMatch {
  theme: PromptTheme;
  /** The word as written in the prompt, lower-cased. */
  word: string;
  /** How the word reads in copy. */
  noun: string;
  /** Where it first appears: earlier themes lead. */
  index: number;
}

/** Evocative words a marketer uses for a scent; when the prompt has them the copy reuses them. */
const EVOCATIVE = [
  'mysterious', 'sensual', 'seductive', 'bold', 'daring', 'elegant', 'timeless', 'radiant', 'fresh', 'warm', 'romantic', 'dreamy', 'delicate',
  'confident', 'intimate', 'luminous', 'opulent', 'serene', 'magnetic', 'playful', 'powerful', 'graceful', 'sophisticated', 'modern', 'classic',
  'intense', 'tender', 'rebellious', 'enchanting', 'captivating', 'glamorous', 'sweet', 'spicy', 'woody', 'wild', 'free', 'soft', 'bright',
  'dark', 'deep', 'pure', 'vibrant', 'calm', 'fierce', 'joyful', 'effortless', 'hypnotic', 'rare', 'refined', 'lush', 'sultry', 'airy',
];

const PEOPLE = /\b(woman|women|man|men|model|models|person|people|couple|lovers?|dancer|dancers|girl|girls|boy|boys|hand|hands|silhouette|face)\b/i;

function escapeRegExp(s: string) {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The themes a prompt names, in the order it names them. */
export function findThemes(prompt: string): ThemeMatch[] {
  const text = prompt.toLowerCase();
  const matches: ThemeMatch[] = [];
  for (const theme of PROMPT_THEMES) {
    let best: ThemeMatch | null = null;
    for (const word of theme.words) {
      const m = new RegExp(`\\b${escapeRegExp(word)}\\b`).exec(text);
      // The longest match at the earliest place wins: "golden hour" over "golden".
      if (m && (!best || m.index < best.index || (m.index === best.index && word.length > best.word.length))) {
        best = { theme, word, noun: theme.nouns[word] ?? theme.defaultNoun, index: m.index };
      }
    }
    if (best) matches.push(best);
  }
  return matches.sort((a, b) => a.index - b.index);
}

/** Evocative adjectives of the prompt, in order, without repeats. */
export function findMoodWords(text: string): string[] {
  const lower = text.toLowerCase();
  return EVOCATIVE.map((w) => ({ w, i: lower.search(new RegExp(`\\b${w}\\b`)) }))
    .filter((x) => x.i >= 0)
    .sort((a, b) => a.i - b.i)
    .map((x) => x.w);
}

/** The people the prompt asks to see (e.g. "a woman"), or null: backgrounds stay empty of people otherwise. */
export function findPeople(prompt: string): string | null {
  const m = PEOPLE.exec(prompt);
  if (!m) return null;
  const word = m[1].toLowerCase();
  if (/^(hand|hands)$/.test(word)) return 'an elegant hand';
  if (/^(silhouette|face)$/.test(word)) return 'an elegant silhouette';
  if (/s$/.test(word) && word !== 'lovers') return word === 'models' ? 'models' : word;
  if (word === 'lovers' || word === 'lover' || word === 'couple') return 'a couple';
  return `a ${word}`;
}

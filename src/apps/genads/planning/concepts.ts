import type { AdStyle, BackgroundMotion, ParticleKind, PerfumeGender, ProductMotion, SceneOverlay, SceneRole } from '../pipeline/types.js';
import type { ThemeId, ThemeMatch } from './prompt-themes.js';
import { seedFrom } from './seeds.js';

/**
 * Creative concepts: the idea that makes one variation unlike another ("golden hour ritual",
 * "midnight allure", "botanical reverie"…). A concept owns everything that should change between
 * variations: the world the backgrounds show, camera moves, particles, how the bottle enters,
 * copy lines, pacing and music feel. Styles and brand colours then tint it.
 */
export interface CreativeConcept {
  id: string;
  name: string;
  /** Styles it belongs to, its home style first; concepts with none are only chosen when the prompt asks for their theme. */
  styles: readonly AdStyle[];
  /** Prompt themes that call for it, the one it is about first. */
  themes: readonly ThemeId[];
  /** A small preference for one gender's perfumes, when choosing between equally good concepts. */
  genders?: readonly PerfumeGender[];
  /** The world of the ad, for text-to-video prompts. */
  setting: string;
  /** What each beat's background shows (never the product, never text). */
  subjects: Readonly<Record<SceneRole, string>>;
  lighting: string;
  /** The colour the style palette leans toward. */
  tint: string;
  particles: Readonly<Record<SceneRole, ParticleKind>>;
  motions: Readonly<Record<SceneRole, BackgroundMotion>>;
  /** Beats where a soft band of light crosses the frame. */
  lightSweep: readonly SceneRole[];
  /** Scene weights in grammar order, when the concept wants its own pacing. */
  weights?: readonly number[];
  /** How the bottle enters on the reveal. */
  reveal: Extract<ProductMotion, 'rise' | 'reveal_scale' | 'slide_in_left' | 'slide_in_right'>;
  /** Where the bottle floats during the mood beat, as a fraction of the width. */
  moodX: number;
  animation: SceneOverlay['animation'];
  /** Hook lines, best first; {noun} is the theme word from the prompt ("Born of midnight"). */
  hooks: readonly string[];
  /** Mood lines, best first; {A} and {B} are capitalised mood words, {noun} as above. */
  moods: readonly string[];
  /** {noun} when the prompt names none of the concept's themes. */
  defaultNoun: string;
  moodWords: readonly string[];
  /** tempo: 0 slowest to 1 liveliest within the gender's bpm range; texture: words for the music prompt. */
  music: { tempo: number; texture: string };
}

export const CONCEPTS: readonly CreativeConcept[] = [
  {
    id: 'golden_hour_ritual',
    name: 'golden hour ritual',
    styles: ['gold_luxe'],
    themes: ['sunset'],
    setting: 'a sunlit marble terrace at golden hour with warm haze in the air',
    subjects: {
      hook: 'sun rays slicing through warm haze over a marble balustrade',
      product_reveal: 'a warm marble pedestal bathed in low golden sunlight',
      mood: 'sheer curtains billowing in a sunlit room, glowing motes in the light',
      call_to_action: 'a softly glowing golden horizon with a gentle lens flare',
    },
    lighting: 'low golden-hour sun with long warm shadows and a soft flare',
    tint: '#e39b4a',
    particles: { hook: 'dust', product_reveal: 'sparkles', mood: 'dust', call_to_action: 'bokeh' },
    motions: { hook: 'pan_down', product_reveal: 'push_in', mood: 'drift', call_to_action: 'pull_out' },
    lightSweep: ['product_reveal', 'call_to_action'],
    reveal: 'rise',
    moodX: 0.34,
    animation: 'rise',
    hooks: ['Chasing {noun}', 'The hour of gold'],
    moods: ['{A}. {B}. Golden.', '{A} in every ray', 'Warm. Radiant. Golden.'],
    defaultNoun: 'golden hour',
    moodWords: ['warm', 'radiant', 'glowing'],
    music: { tempo: 0.45, texture: 'sun-drenched, warm and flowing' },
  },
  {
    id: 'liquid_gold',
    name: 'liquid gold',
    styles: ['gold_luxe'],
    themes: ['gold'],
    setting: 'a dark studio where molten gold flows in slow motion',
    subjects: {
      hook: 'a slow ribbon of molten gold pouring and folding in darkness',
      product_reveal: 'a mirror-black plinth ringed by ripples of liquid gold',
      mood: 'macro waves of liquid gold catching sparkling highlights',
      call_to_action: 'a calm pool of gold with a single slow ripple',
    },
    lighting: 'crisp specular highlights on gold against deep black, warm top light',
    tint: '#d4a23a',
    particles: { hook: 'sparkles', product_reveal: 'sparkles', mood: 'bokeh', call_to_action: 'sparkles' },
    motions: { hook: 'drift', product_reveal: 'push_in', mood: 'pan_up', call_to_action: 'push_in' },
    lightSweep: ['hook', 'product_reveal', 'call_to_action'],
    weights: [0.14, 0.32, 0.34, 0.2],
    reveal: 'reveal_scale',
    moodX: 0.66,
    animation: 'fade',
    hooks: ['Made of {noun}', 'Pure gold, in motion'],
    moods: ['{A}. {B}. Gilded.', '{A} beyond measure', 'Precious. Gilded. Rare.'],
    defaultNoun: 'gold',
    moodWords: ['opulent', 'gilded', 'precious'],
    music: { tempo: 0.55, texture: 'shimmering, lavish and slow-building' },
  },
  {
    id: 'champagne_soiree',
    name: 'champagne soirée',
    styles: ['gold_luxe'],
    themes: ['gold', 'city', 'night'],
    genders: ['feminine', 'unisex'],
    setting: 'an elegant ballroom with crystal chandeliers and champagne-coloured light',
    subjects: {
      hook: 'crystal chandelier prisms glittering in soft focus',
      product_reveal: 'a mirrored console reflecting warm chandelier light',
      mood: 'champagne bubbles rising through golden light in macro',
      call_to_action: 'a ballroom glowing with warm bokeh',
    },
    lighting: 'warm chandelier glow with sparkling crystal highlights',
    tint: '#e8c98a',
    particles: { hook: 'bokeh', product_reveal: 'sparkles', mood: 'sparkles', call_to_action: 'bokeh' },
    motions: { hook: 'pan_up', product_reveal: 'pull_out', mood: 'drift', call_to_action: 'push_in' },
    lightSweep: ['product_reveal'],
    reveal: 'slide_in_right',
    moodX: 0.5,
    animation: 'fade',
    hooks: ['An evening of {noun}', 'Tonight, we celebrate'],
    moods: ['{A}. {B}. Celebrated.', '{A} and effervescent', 'Bright. Glamorous. Yours.'],
    defaultNoun: 'champagne',
    moodWords: ['effervescent', 'glamorous', 'festive'],
    music: { tempo: 0.7, texture: 'elegant, effervescent and celebratory' },
  },
  {
    id: 'midnight_allure',
    name: 'midnight allure',
    styles: ['dark_elegance'],
    themes: ['night'],
    setting: 'a moonlit night with deep indigo shadows',
    subjects: {
      hook: 'a full moon glowing behind slowly drifting dark clouds',
      product_reveal: 'a black mirror surface reflecting cold moonlight',
      mood: 'moonlight rippling across dark still water',
      call_to_action: 'a star-scattered midnight sky fading to black',
    },
    lighting: 'cool silver moonlight with deep indigo shadows',
    tint: '#2a2f5c',
    particles: { hook: 'none', product_reveal: 'dust', mood: 'bokeh', call_to_action: 'sparkles' },
    motions: { hook: 'push_in', product_reveal: 'drift', mood: 'pan_down', call_to_action: 'pull_out' },
    lightSweep: ['product_reveal'],
    weights: [0.18, 0.28, 0.34, 0.2],
    reveal: 'rise',
    moodX: 0.66,
    animation: 'fade',
    hooks: ['Born of {noun}', 'Meet me at midnight'],
    moods: ['{A}. {B}. After dark.', '{A} after dark', 'Magnetic. After dark.'],
    defaultNoun: 'midnight',
    moodWords: ['nocturnal', 'magnetic', 'seductive'],
    music: { tempo: 0.25, texture: 'slow, nocturnal and hypnotic' },
  },
  {
    id: 'velvet_noir',
    name: 'velvet noir',
    styles: ['dark_elegance'],
    themes: ['velvet'],
    genders: ['feminine', 'unisex'],
    setting: 'a dim salon draped in deep burgundy velvet',
    subjects: {
      hook: 'heavy velvet curtains parting slowly in the dark',
      product_reveal: 'a velvet-draped pedestal under a narrow spotlight',
      mood: 'slow ripples across plush velvet folds',
      call_to_action: 'a pool of soft light on dark velvet',
    },
    lighting: 'a narrow warm spotlight over deep shadow, a rich velvet sheen',
    tint: '#5a1830',
    particles: { hook: 'dust', product_reveal: 'none', mood: 'dust', call_to_action: 'none' },
    motions: { hook: 'drift', product_reveal: 'push_in', mood: 'pan_up', call_to_action: 'push_in' },
    lightSweep: ['hook', 'call_to_action'],
    weights: [0.16, 0.3, 0.34, 0.2],
    reveal: 'reveal_scale',
    moodX: 0.34,
    animation: 'rise',
    hooks: ['Wrapped in {noun}', 'Behind the velvet'],
    moods: ['{A}. {B}. Velvet.', '{A}, never loud', 'Intimate. Velvet. Yours.'],
    defaultNoun: 'velvet',
    moodWords: ['sensual', 'intimate', 'plush'],
    music: { tempo: 0.3, texture: 'sultry, intimate and slow' },
  },
  {
    id: 'smoke_and_amber',
    name: 'smoke and amber',
    styles: ['dark_elegance'],
    themes: ['smoke'],
    genders: ['masculine', 'unisex'],
    setting: 'a candlelit room of dark wood where smoke curls through the air',
    subjects: {
      hook: 'a single candle flame flickering in darkness',
      product_reveal: 'dark polished wood lit by candlelight, smoke curling behind',
      mood: 'slow curls of smoke drifting through amber light',
      call_to_action: 'glowing embers fading into warm darkness',
    },
    lighting: 'flickering amber candlelight against deep brown shadows',
    tint: '#9a5420',
    particles: { hook: 'none', product_reveal: 'dust', mood: 'dust', call_to_action: 'bokeh' },
    motions: { hook: 'push_in', product_reveal: 'pan_up', mood: 'drift', call_to_action: 'pull_out' },
    lightSweep: [],
    reveal: 'slide_in_left',
    moodX: 0.5,
    animation: 'fade',
    hooks: ['Where {noun} lingers', 'Lit by candlelight'],
    moods: ['{A}. {B}. Lingering.', '{A} and warm', 'Smoky. Warm. Lingering.'],
    defaultNoun: 'smoke',
    moodWords: ['smoky', 'warm', 'magnetic'],
    music: { tempo: 0.35, texture: 'warm, smoky and brooding' },
  },
  {
    id: 'city_after_dark',
    name: 'city after dark',
    styles: ['dark_elegance', 'gold_luxe'],
    themes: ['city', 'night'],
    genders: ['masculine', 'unisex'],
    setting: 'a city at night seen from a high rooftop',
    subjects: {
      hook: 'blurred city lights streaking past a rain-flecked window',
      product_reveal: 'a sleek rooftop ledge with the skyline glowing behind',
      mood: 'soft neon reflections on wet streets seen from above',
      call_to_action: 'a glittering skyline melting into bokeh',
    },
    lighting: 'cool city glow with warm highlights and glossy reflections',
    tint: '#3b4f8a',
    particles: { hook: 'bokeh', product_reveal: 'bokeh', mood: 'none', call_to_action: 'bokeh' },
    motions: { hook: 'drift', product_reveal: 'pull_out', mood: 'pan_down', call_to_action: 'push_in' },
    lightSweep: ['product_reveal', 'call_to_action'],
    weights: [0.14, 0.28, 0.38, 0.2],
    reveal: 'slide_in_right',
    moodX: 0.66,
    animation: 'rise',
    hooks: ['After dark in {noun}', 'The city never sleeps'],
    moods: ['{A}. {B}. Electric.', '{A} after hours', 'Electric. Bold. Yours.'],
    defaultNoun: 'the city',
    moodWords: ['electric', 'confident', 'nocturnal'],
    music: { tempo: 0.65, texture: 'sleek, pulsing and urban' },
  },
  {
    id: 'botanical_reverie',
    name: 'botanical reverie',
    styles: ['romantic_floral'],
    themes: ['floral', 'forest'],
    setting: 'a dreamy glasshouse full of blossoms and soft light',
    subjects: {
      hook: 'dew drops sliding off a petal in macro',
      product_reveal: 'a bed of fresh blossoms and green leaves in soft light',
      mood: 'blossoms swaying in a glasshouse breeze, light pouring through the glass',
      call_to_action: 'a soft-focus wall of flowers in pastel light',
    },
    lighting: 'soft diffused glasshouse light with gentle highlights',
    tint: '#b9cf9f',
    particles: { hook: 'none', product_reveal: 'petals', mood: 'petals', call_to_action: 'bokeh' },
    motions: { hook: 'push_in', product_reveal: 'pan_up', mood: 'drift', call_to_action: 'pull_out' },
    lightSweep: ['product_reveal'],
    reveal: 'rise',
    moodX: 0.34,
    animation: 'rise',
    hooks: ['A dream of {noun}', 'Where the garden wakes'],
    moods: ['{A}. {B}. In bloom.', '{A} as a petal', 'Fresh. Dreamy. In bloom.'],
    defaultNoun: 'blossoms',
    moodWords: ['dreamy', 'fresh', 'blooming'],
    music: { tempo: 0.4, texture: 'airy, blooming and gentle' },
  },
  {
    id: 'rose_garden_dawn',
    name: 'rose garden at dawn',
    styles: ['romantic_floral'],
    themes: ['floral', 'sunset'],
    genders: ['feminine'],
    setting: 'a rose garden at dawn with mist in the air',
    subjects: {
      hook: 'a rosebud slowly unfurling in the first light',
      product_reveal: 'a stone garden table scattered with rose petals at dawn',
      mood: 'rose bushes in soft morning mist with sun rays',
      call_to_action: 'a sunrise glowing through roses in soft focus',
    },
    lighting: 'pale pink dawn light with a soft misty glow',
    tint: '#e8a0a8',
    particles: { hook: 'dust', product_reveal: 'petals', mood: 'sparkles', call_to_action: 'petals' },
    motions: { hook: 'pan_up', product_reveal: 'push_in', mood: 'pan_down', call_to_action: 'drift' },
    lightSweep: ['call_to_action'],
    weights: [0.15, 0.32, 0.33, 0.2],
    reveal: 'reveal_scale',
    moodX: 0.66,
    animation: 'fade',
    hooks: ['Love, in {noun}', 'A secret in the garden'],
    moods: ['{A}. {B}. Tender.', '{A}, softly', 'Tender. Romantic. Yours.'],
    defaultNoun: 'bloom',
    moodWords: ['tender', 'romantic', 'gentle'],
    music: { tempo: 0.2, texture: 'tender, delicate and romantic' },
  },
  {
    id: 'silk_whisper',
    name: 'silk whisper',
    styles: ['romantic_floral', 'gold_luxe'],
    themes: ['silk'],
    genders: ['feminine', 'unisex'],
    setting: 'an airy studio where sheer silk floats in slow motion',
    subjects: {
      hook: 'a silk ribbon unfurling through the air in slow motion',
      product_reveal: 'flowing ivory silk gathered around an empty plinth',
      mood: 'layers of sheer silk drifting in soft backlight',
      call_to_action: 'soft silk folds settling in warm light',
    },
    lighting: 'soft backlight glowing through sheer fabric',
    tint: '#ead6c8',
    particles: { hook: 'none', product_reveal: 'sparkles', mood: 'none', call_to_action: 'bokeh' },
    motions: { hook: 'drift', product_reveal: 'pan_down', mood: 'pan_up', call_to_action: 'pull_out' },
    lightSweep: ['hook', 'product_reveal'],
    reveal: 'slide_in_left',
    moodX: 0.5,
    animation: 'rise',
    hooks: ['A whisper of {noun}', 'Softer than silk'],
    moods: ['{A}. {B}. Weightless.', '{A} as a whisper', 'Soft. Graceful. Weightless.'],
    defaultNoun: 'silk',
    moodWords: ['weightless', 'soft', 'graceful'],
    music: { tempo: 0.5, texture: 'light, flowing and graceful' },
  },
  {
    id: 'sea_breeze_reverie',
    name: 'sea breeze reverie',
    styles: [],
    themes: ['ocean'],
    setting: 'a sunlit coast with gentle waves',
    subjects: {
      hook: 'sunlight glittering on gentle ocean waves',
      product_reveal: 'a smooth wet rock by the shore with foam washing past',
      mood: 'slow turquoise waves rolling under a soft sky',
      call_to_action: 'a calm horizon over shimmering water',
    },
    lighting: 'bright airy daylight with shimmering water reflections',
    tint: '#3f93a8',
    particles: { hook: 'sparkles', product_reveal: 'none', mood: 'bokeh', call_to_action: 'sparkles' },
    motions: { hook: 'drift', product_reveal: 'push_in', mood: 'pan_down', call_to_action: 'pull_out' },
    lightSweep: ['product_reveal'],
    reveal: 'rise',
    moodX: 0.66,
    animation: 'fade',
    hooks: ['Called by {noun}', 'Where the ocean breathes'],
    moods: ['{A}. {B}. Free.', '{A} as the tide', 'Fresh. Free. Endless.'],
    defaultNoun: 'the sea',
    moodWords: ['free', 'fresh', 'breezy'],
    music: { tempo: 0.6, texture: 'breezy, open and flowing' },
  },
  {
    id: 'crystal_winter',
    name: 'crystal winter',
    styles: [],
    themes: ['snow'],
    setting: 'a frozen crystal landscape with soft falling snow',
    subjects: {
      hook: 'snowflakes drifting in cold blue light, in macro',
      product_reveal: 'a block of clear ice glinting under cool light',
      mood: 'frosted branches and falling snow in soft focus',
      call_to_action: 'a pale winter sky glowing over fresh snow',
    },
    lighting: 'cool crisp winter light with icy sparkling highlights',
    tint: '#a9c6e0',
    particles: { hook: 'sparkles', product_reveal: 'none', mood: 'sparkles', call_to_action: 'bokeh' },
    motions: { hook: 'pan_down', product_reveal: 'push_in', mood: 'drift', call_to_action: 'pull_out' },
    lightSweep: ['product_reveal', 'call_to_action'],
    reveal: 'reveal_scale',
    moodX: 0.34,
    animation: 'fade',
    hooks: ['A breath of {noun}', 'Born of winter'],
    moods: ['{A}. {B}. Crystalline.', '{A} as frost', 'Crisp. Pure. Crystalline.'],
    defaultNoun: 'winter',
    moodWords: ['crisp', 'pure', 'luminous'],
    music: { tempo: 0.35, texture: 'crystalline, cool and airy' },
  },
  {
    id: 'desert_mirage',
    name: 'desert mirage',
    styles: [],
    themes: ['desert'],
    setting: 'endless sand dunes shaped by the wind',
    subjects: {
      hook: 'sand blowing off a dune crest in slow motion',
      product_reveal: 'a smooth sandstone ledge in warm raking light',
      mood: 'rippling sand patterns and heat haze at sunset',
      call_to_action: 'a warm desert horizon melting in heat haze',
    },
    lighting: 'warm raking light across sculpted sand',
    tint: '#c98a4e',
    particles: { hook: 'dust', product_reveal: 'none', mood: 'dust', call_to_action: 'dust' },
    motions: { hook: 'pan_up', product_reveal: 'push_in', mood: 'drift', call_to_action: 'pull_out' },
    lightSweep: ['product_reveal'],
    reveal: 'slide_in_right',
    moodX: 0.66,
    animation: 'rise',
    hooks: ['Across {noun}', 'A mirage in the desert'],
    moods: ['{A}. {B}. Endless.', '{A} as the dunes', 'Warm. Untamed. Endless.'],
    defaultNoun: 'the desert',
    moodWords: ['warm', 'untamed', 'golden'],
    music: { tempo: 0.45, texture: 'exotic, warm and spacious' },
  },
];

export function conceptById(id: string): CreativeConcept | undefined {
  return CONCEPTS.find((c) => c.id === id);
}

export interface ConceptChoice {
  concept: CreativeConcept;
  /** The prompt's match for the concept's own subject (its first theme), if any: its noun goes into the copy. */
  match: ThemeMatch | null;
}

/**
 * Picks `count` different concepts, best first. A concept scores for each prompt theme it
 * answers (earlier themes in the prompt weigh more), for belonging to the style, and a little
 * for the perfume's gender; ties are broken by a seeded hash so equal candidates do not always
 * resolve the same way across campaigns, yet the same campaign always gets the same ones.
 * Concepts in `avoid` (those of the take a new take replaces) rank after every other fitting one.
 */
export function chooseConcepts(style: AdStyle, gender: PerfumeGender, themes: readonly ThemeMatch[], count: number, seed: number, avoid: readonly string[] = []): ConceptChoice[] {
  const avoided = new Set(avoid);
  const scored = CONCEPTS.map((concept) => {
    let score = 0;
    themes.forEach((t, rank) => {
      // A concept's first theme is what it is about; the others count for little ("rose garden at
      // dawn" is about flowers: a prompt about a desert sunset should not get it first).
      const at = concept.themes.indexOf(t.theme.id);
      if (at >= 0) score += Math.max(2.5, 5 - 0.5 * rank) * (at === 0 ? 1 : 0.3);
    });
    // The copy's noun comes from the concept's own subject only ("After dark in Paris"; never "After dark in the evening").
    const match = themes.find((t) => t.theme.id === concept.themes[0]) ?? null;
    // Its home style counts more than a style it merely suits.
    if (concept.styles[0] === style) score += 2.5;
    else if (concept.styles.includes(style)) score += 1.75;
    if (concept.genders?.includes(gender)) score += 0.75;
    const tieBreak = seedFrom(seed, concept.id) / 0x7fffffff / 100;
    // A new take moves away from the concepts it replaces: they come after every other fitting one.
    const penalty = avoided.has(concept.name) || avoided.has(concept.id) ? 100 : 0;
    return { concept, match, score: score + tieBreak - penalty, eligible: score > 0 };
  })
    .filter((s) => s.eligible)
    .sort((a, b) => b.score - a.score);
  if (scored.length < count) throw new RangeError(`only ${scored.length} concepts fit style ${style}; ${count} variations asked`);
  return scored.slice(0, count).map(({ concept, match }) => ({ concept, match }));
}

import type { AdStyle, MusicPlan, ParticleKind, PerfumeGender, SceneOverlay } from '../pipeline/types.js';

/**
 * The three ad styles a campaign picks from (seed 000: gold_luxe, dark_elegance,
 * romantic_floral) and the gender moods, as data: the planners read these tables and never
 * hard-code a look, so a new style is one more entry here.
 */
export interface StyleDefinition {
  id: AdStyle;
  label: string;
  /** Four "#rrggbb", darkest first: shadows, deep tone, main tone, highlight. */
  palette: readonly string[];
  lighting: string;
  /** Camera language, one phrase per scene in grammar order. */
  camera: readonly string[];
  moodWords: readonly string[];
  /** Particles that belong to the style, most typical first. */
  particles: readonly ParticleKind[];
  typography: { heading: SceneOverlay['font']; body: SceneOverlay['font'] };
  /** Fragments for a text-to-video prompt, describing the style's world without any product. */
  backgroundFragments: readonly string[];
  /** Instruments for the music prompt. */
  instruments: string;
}

export const STYLES: Readonly<Record<AdStyle, StyleDefinition>> = {
  gold_luxe: {
    id: 'gold_luxe',
    label: 'Gold Luxe',
    palette: ['#160e05', '#4a3212', '#b8862f', '#f2d58a'],
    lighting: 'warm golden key light with a soft amber rim and gentle lens bloom',
    camera: ['slow steady dolly-in', 'smooth orbiting glide', 'unhurried gimbal drift', 'graceful settling crane'],
    moodWords: ['opulent', 'radiant', 'warm', 'timeless'],
    particles: ['sparkles', 'bokeh', 'dust'],
    typography: { heading: 'serif', body: 'sans' },
    backgroundFragments: [
      'liquid gold rippling in slow motion',
      'polished brass and warm marble surfaces',
      'champagne-coloured silk folds catching the light',
      'warm golden bokeh glowing in the depth',
    ],
    instruments: 'lush strings, harp glissandos and warm grand piano',
  },
  dark_elegance: {
    id: 'dark_elegance',
    label: 'Dark Elegance',
    palette: ['#07070a', '#17131c', '#3a2740', '#9a86a2'],
    lighting: 'low-key chiaroscuro lighting, a single cool rim light carving shapes out of deep shadow',
    camera: ['slow deliberate push-in', 'measured tracking move', 'tight, shadowy slow drift', 'poised final push'],
    moodWords: ['mysterious', 'sensual', 'bold', 'nocturnal'],
    particles: ['dust', 'bokeh', 'none'],
    typography: { heading: 'serif', body: 'sans' },
    backgroundFragments: [
      'black velvet drapery in deep folds',
      'wisps of slow-moving smoke',
      'dark glossy obsidian surfaces with faint reflections',
      'moody reflections on wet black stone',
    ],
    instruments: 'deep cello, low analog synth pads and a slow heartbeat-like pulse',
  },
  romantic_floral: {
    id: 'romantic_floral',
    label: 'Romantic Floral',
    palette: ['#3a1f2b', '#8e4a64', '#e3a6b8', '#fbe8ee'],
    lighting: 'soft diffused morning light with a pastel glow and gentle backlit haze',
    camera: ['airy floating move', 'gentle drift through blossoms', 'soft-focus glide', 'tender slow pull-back'],
    moodWords: ['romantic', 'tender', 'dreamy', 'delicate'],
    particles: ['petals', 'bokeh', 'sparkles'],
    typography: { heading: 'serif', body: 'serif' },
    backgroundFragments: [
      'blooming peonies and garden roses',
      'sheer pastel fabric moving in a breeze',
      'dew drops on soft petals',
      'soft-focus garden foliage in dappled light',
    ],
    instruments: 'felt piano, airy strings and a light celesta',
  },
};

export interface Harmony {
  key: MusicPlan['key'];
  /** One chord per bar, starting on the key's tonic. */
  progression: readonly string[];
}

/** How the perfume's gender shapes the visuals and the music. */
export interface GenderMood {
  gender: PerfumeGender;
  /** Appended to background prompts. */
  visual: string;
  /** Words for the music mood. */
  musicMoods: readonly string[];
  /** Beats per minute, inclusive: perfume ads stay unhurried. */
  bpm: readonly [number, number];
  /** Key and chord progression pairs; each variation takes a different one. */
  harmonies: readonly Harmony[];
}

export const GENDER_MOODS: Readonly<Record<PerfumeGender, GenderMood>> = {
  masculine: {
    gender: 'masculine',
    visual: 'strong architectural lines, stone and dark wood textures, deeper contrast',
    musicMoods: ['confident', 'deep', 'brooding'],
    bpm: [72, 96],
    harmonies: [
      { key: { root: 'D', mode: 'minor' }, progression: ['Dm9', 'Bbmaj7', 'F', 'C'] },
      { key: { root: 'A', mode: 'minor' }, progression: ['Am', 'F', 'C', 'G'] },
      { key: { root: 'E', mode: 'minor' }, progression: ['Em7', 'Cmaj7', 'G', 'D'] },
      { key: { root: 'C', mode: 'minor' }, progression: ['Cm', 'Ab', 'Eb', 'Bb'] },
    ],
  },
  feminine: {
    gender: 'feminine',
    visual: 'soft curves, silk and petal textures, a luminous glow',
    musicMoods: ['graceful', 'tender', 'luminous'],
    bpm: [64, 88],
    harmonies: [
      { key: { root: 'F', mode: 'major' }, progression: ['Fmaj7', 'Am7', 'Bbmaj7', 'C'] },
      { key: { root: 'A', mode: 'minor' }, progression: ['Am9', 'Fmaj7', 'C', 'G'] },
      { key: { root: 'Bb', mode: 'major' }, progression: ['Bbmaj7', 'Gm7', 'Ebmaj7', 'F'] },
      { key: { root: 'D', mode: 'major' }, progression: ['Dmaj7', 'Bm7', 'Gmaj7', 'A'] },
    ],
  },
  unisex: {
    gender: 'unisex',
    visual: 'clean minimal compositions, balanced light, natural textures',
    musicMoods: ['modern', 'fresh', 'balanced'],
    bpm: [70, 100],
    harmonies: [
      { key: { root: 'C', mode: 'major' }, progression: ['Cmaj7', 'Am7', 'Fmaj7', 'G'] },
      { key: { root: 'G', mode: 'major' }, progression: ['G', 'Em7', 'Cmaj7', 'D'] },
      { key: { root: 'E', mode: 'minor' }, progression: ['Em9', 'Cmaj7', 'G', 'D'] },
      { key: { root: 'A', mode: 'minor' }, progression: ['Am7', 'Fmaj7', 'Cmaj7', 'Em7'] },
    ],
  },
};

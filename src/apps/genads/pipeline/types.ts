/**
 * The contracts between the stages of the GenAds generation pipeline (seed 000, "Generation
 * Pipeline"). Each stage has a local implementation that works offline and, where the seed
 * uses a hosted model, a hosted one; the job (generation/generate.job.ts) only sees these.
 */

/** The seed's format, and the size every layout is designed at (GENADS_VIDEO_SIZE may write smaller, scaled). */
export const VIDEO_WIDTH = 1080;
export const VIDEO_HEIGHT = 1920;
export const VIDEO_FPS = 30;

export type AdStyle = 'gold_luxe' | 'dark_elegance' | 'romantic_floral';
export type PerfumeGender = 'masculine' | 'feminine' | 'unisex';
export type ProductAngle = 'front' | 'back' | 'top' | 'left' | 'right';

/** The perfume shot grammar: every ad walks these four roles in this order. */
export type SceneRole = 'hook' | 'product_reveal' | 'mood' | 'call_to_action';

/** What the brand guidelines say, as the planner uses it. Cached per brand until the guidelines change. */
export interface BrandStyle {
  /** "#rrggbb", most important first; may be empty when the guidelines name none. */
  colors: string[];
  /** A few words, e.g. "elegant, sophisticated". */
  tone: string;
  dos: string[];
  donts: string[];
  /** Who produced it: the LLM or the offline rules. */
  source: 'llm' | 'rules';
}

export interface GuidelinesAnalyzer {
  readonly name: 'llm' | 'rules';
  /** `text` is the whole text of the guidelines document. */
  analyze(text: string, signal?: AbortSignal): Promise<{ style: BrandStyle; cost: number }>;
}

export type BackgroundMotion = 'push_in' | 'pull_out' | 'pan_up' | 'pan_down' | 'drift';
export type ParticleKind = 'bokeh' | 'sparkles' | 'petals' | 'dust' | 'none';
export type ProductMotion = 'hidden' | 'rise' | 'reveal_scale' | 'float' | 'slide_in_left' | 'slide_in_right' | 'settle';

export interface SceneBackground {
  /** 2-4 "#rrggbb" colours, darkest first, from the style palette blended with the brand colours. */
  palette: string[];
  motion: BackgroundMotion;
  /** A soft band of light crossing the frame. */
  lightSweep: boolean;
  particles: ParticleKind;
  /** Seeds every random choice (particle positions…) so a plan renders the same twice. */
  seed: number;
}

export interface ProductPlacement {
  motion: ProductMotion;
  /** Product height as a fraction of the frame height at rest (0.2-0.7). */
  scale: number;
  /** Centre of the product at rest, as fractions of the frame (0-1). */
  x: number;
  y: number;
  /**
   * The side of the bottle this scene shows (the perfume's photo of that angle, cut out like the
   * front). When the perfume has no photo of it, the front is used (the seed's get_perfume_image).
   */
  angle?: ProductAngle;
}

export interface SceneOverlay {
  text: string;
  position: 'top' | 'center' | 'bottom';
  font: 'serif' | 'sans';
  size: 'large' | 'medium' | 'small';
  animation: 'fade' | 'rise';
}

export interface ScenePlan {
  /** "scene_1" … "scene_4": names the draft file scene_{k}_bg.mp4. */
  sceneId: string;
  role: SceneRole;
  /** Whole frames at VIDEO_FPS; the frames of a variation's scenes add up to the target duration. */
  frames: number;
  /** Seconds, = frames / VIDEO_FPS. */
  duration: number;
  /** Prompt for a hosted text-to-video model (no product, no text: those are composited). */
  backgroundPrompt: string;
  /** Human-readable camera move, e.g. "slow push-in". */
  camera: string;
  background: SceneBackground;
  product: ProductPlacement;
  overlay: SceneOverlay | null;
}

export interface StyleSpec {
  lighting: string;
  camera: string;
  mood: string;
  colors: string[];
}

export interface MusicPlan {
  /** e.g. "dark, sensual, slow". */
  mood: string;
  /** Tonic and mode, e.g. { root: 'A', mode: 'minor' }. */
  key: { root: string; mode: 'major' | 'minor' };
  bpm: number;
  /** Chord symbols, one per bar, cycled: e.g. ["Am9", "Fmaj7", "C", "G"]. */
  progression: string[];
  /** Prompt for a hosted music model. */
  prompt: string;
  seed: number;
}

export interface VariationPlan {
  index: number;
  /** The creative concept that makes this variation differ, e.g. "golden hour ritual". */
  concept: string;
  scenes: ScenePlan[];
  styleSpec: StyleSpec;
  music: MusicPlan;
}

export interface PlanInput {
  brandName: string;
  perfumeName: string;
  gender: PerfumeGender;
  style: AdStyle;
  /** Seconds, 15-60. */
  duration: number;
  creativePrompt: string;
  brandStyle: BrandStyle;
  numVariations: number;
  /**
   * Which generation run of the campaign this is (1 = the first). Generating again draws a new
   * take: new seeds, and concepts other than `avoidConcepts` where the style has enough.
   */
  take?: number;
  /** Concept names of the take being replaced (and of a failed one), to move away from. */
  avoidConcepts?: string[];
}

export interface ScenePlanner {
  readonly name: 'llm' | 'rules';
  plan(input: PlanInput, signal?: AbortSignal): Promise<{ variations: VariationPlan[]; cost: number }>;
}

/** Progress of one call, 0-1. */
export type OnFraction = (fraction: number) => void;

export interface BackgroundRequest {
  scene: ScenePlan;
  styleSpec: StyleSpec;
  /** Write an H.264 MP4 here: the configured size (GENADS_VIDEO_SIZE, VIDEO_WIDTH x VIDEO_HEIGHT by default), VIDEO_FPS, exactly scene.frames frames, no audio. */
  outputPath: string;
  signal?: AbortSignal;
  onProgress?: OnFraction;
}

export interface BackgroundGenerator {
  readonly name: string;
  generate(request: BackgroundRequest): Promise<{ cost: number }>;
}

export interface MusicRequest {
  plan: MusicPlan;
  gender: PerfumeGender;
  /** Seconds of music wanted (the ad's duration). */
  duration: number;
  /** Write an MP3 here. */
  outputPath: string;
  signal?: AbortSignal;
  onProgress?: OnFraction;
}

export interface MusicGenerator {
  readonly name: string;
  generate(request: MusicRequest): Promise<{ cost: number }>;
}

export interface ProductExtractor {
  readonly name: string;
  /** A PNG with an alpha channel holding only the product, trimmed to it. */
  extract(image: Buffer, signal?: AbortSignal): Promise<Buffer>;
  /** Same as extract, also saying how the cut-out was made (product/product-check.ts implements it). */
  extractWithReport?(image: Buffer, signal?: AbortSignal): Promise<ProductCutout>;
}

export interface ProductCutout {
  png: Buffer;
  /** The extractor that made it ("imgly", "threshold"), or "whole_image" when no cut-out was plausible. */
  method: string;
  /** Fraction of the trimmed PNG that is solid; null for the whole-image fallback. */
  coverage: number | null;
  /** Why earlier methods were not used, e.g. "imgly: the background removal model failed: …"; empty when the first one worked. */
  fallbackReasons: string[];
}

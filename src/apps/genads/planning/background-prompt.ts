import type { BackgroundMotion, ParticleKind, PerfumeGender, SceneRole } from '../pipeline/types.js';
import type { BrandGuidance } from './brand-guidance.js';
import { describeColor } from '../color.js';
import type { CreativeConcept } from './concepts.js';
import type { ThemeMatch } from './prompt-themes.js';
import { GENDER_MOODS, type StyleDefinition } from './styles.js';

/** Camera wording for each background motion; the same words go into ScenePlan.camera. */
export const MOTION_CAMERA: Readonly<Record<BackgroundMotion, string>> = {
  push_in: 'slow push-in',
  pull_out: 'slow pull-back',
  pan_up: 'gentle upward tilt',
  pan_down: 'slow downward tilt',
  drift: 'floating lateral drift',
};

/** Framing per beat: detail to open, hero framing for the bottle, wide for the feeling. */
export const ROLE_FRAMING: Readonly<Record<SceneRole, string>> = {
  hook: 'macro close-up',
  product_reveal: 'medium hero shot',
  mood: 'wide atmospheric shot',
  call_to_action: 'centred hero shot',
};

const PARTICLE_WORDS: Readonly<Record<ParticleKind, string>> = {
  bokeh: 'soft floating bokeh',
  sparkles: 'tiny glinting sparkles in the air',
  petals: 'a few petals drifting through the frame',
  dust: 'fine motes floating in the light',
  none: 'clear still air',
};

export interface BackgroundPromptInput {
  role: SceneRole;
  concept: CreativeConcept;
  style: StyleDefinition;
  gender: PerfumeGender;
  palette: readonly string[];
  motion: BackgroundMotion;
  particles: ParticleKind;
  /** Prompt themes; those the concept does not answer are woven in as touches. */
  themes: readonly ThemeMatch[];
  /** People the prompt asks for (shown only in the mood beat), or null. */
  people: string | null;
  guidance: BrandGuidance;
  /** Which of the style's fragments to use, so scenes and variations do not repeat one phrase. */
  fragmentIndex: number;
}

/**
 * A text-to-video prompt for one scene's background. The product, the text and the logo are
 * composited afterwards, so the prompt asks for an empty, calm centre and explicitly excludes
 * text, logos, bottles and (unless the prompt wants them) people: text-to-video models add all
 * of these unprompted, and a hallucinated bottle behind the real one ruins the shot.
 */
export function composeBackgroundPrompt(p: BackgroundPromptInput): string {
  const extraThemes = p.themes.filter((t) => !p.concept.themes.includes(t.theme.id)).slice(0, 2);
  const colors = [...new Set(p.palette.map(describeColor))].join(', ');
  const showPeople = p.people !== null && !p.guidance.noPeople && p.role === 'mood';
  const parts = [
    `Vertical 9:16 ${ROLE_FRAMING[p.role]}, ${MOTION_CAMERA[p.motion]}: ${p.concept.subjects[p.role]}`,
    `Setting: ${p.concept.setting}${extraThemes.length ? `, with touches of ${extraThemes.map((t) => t.theme.setting).join(' and ')}` : ''}`,
    p.style.backgroundFragments[p.fragmentIndex % p.style.backgroundFragments.length],
    showPeople ? `${p.people} in soft focus far in the background, faceless and secondary` : '',
    GENDER_MOODS[p.gender].visual,
    `Lighting: ${p.concept.lighting}${p.guidance.softLighting ? ', soft and flattering' : ''}`,
    `Colour palette of ${colors}`,
    PARTICLE_WORDS[p.particles],
    ...p.guidance.promptExtras,
    'Calm negative space in the centre of the frame, shallow depth of field, luxury perfume commercial, cinematic, photorealistic, smooth slow motion',
    ['No text', 'no letters', 'no logos', 'no watermark', 'no perfume bottle or product', showPeople ? '' : 'no people', ...p.guidance.exclusions].filter(Boolean).join(', '),
  ];
  return parts
    .filter((s) => s.trim().length > 0)
    .map((s) => s.trim().replace(/[.\s]+$/, ''))
    .map((s) => s[0].toUpperCase() + s.slice(1))
    .join('. ')
    .concat('.');
}

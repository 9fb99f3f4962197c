import { VIDEO_FPS, type PlanInput, type ProductPlacement, type ScenePlan, type ScenePlanner, type SceneRole, type StyleSpec, type VariationPlan } from '../pipeline/types.js';
import { composeBackgroundPrompt, MOTION_CAMERA, ROLE_FRAMING } from './background-prompt.js';
import { readBrandGuidance } from './brand-guidance.js';
import { chooseConcepts, type ConceptChoice } from './concepts.js';
import { moodWordsFor, writeCopy } from './copy.js';
import { planMusic } from './music-plan.js';
import { buildPalette } from './palette.js';
import { findPeople, findThemes } from './prompt-themes.js';
import { createRng, seedFrom } from './seeds.js';
import { DEFAULT_SCENE_WEIGHTS, fitDurations, SHOT_GRAMMAR } from './shot-grammar.js';
import { STYLES } from './styles.js';

/** Bumped when the rules change in a way that should give existing inputs new plans. */
const RULES_VERSION = 'genads-rules-1';

const round2 = (n: number) => Math.round(n * 100) / 100;

/**
 * The offline scene planner (the default, and the fallback when no LLM is configured): walks the
 * perfume shot grammar once per variation, each variation built on a different creative concept
 * chosen from the style and the prompt, and shaped by the gender, the brand's colours and
 * guidelines. Pure and deterministic: the same input always gives the same plan, at no cost.
 */
export class RulePlanner implements ScenePlanner {
  readonly name = 'rules' as const;

  async plan(input: PlanInput, signal?: AbortSignal): Promise<{ variations: VariationPlan[]; cost: number }> {
    signal?.throwIfAborted();
    return { variations: this.planVariations(input), cost: 0 };
  }

  /** The plans themselves, synchronously (the LLM planner builds on them). */
  planVariations(input: PlanInput): VariationPlan[] {
    validate(input);
    // numVariations is left out so variation 0 stays the same whether 1 or 3 are asked for; the
    // take only from the second one on, so a first take keeps the plan it always had.
    const take = input.take && input.take > 1 ? input.take : undefined;
    const campaignSeed = seedFrom(RULES_VERSION, { ...input, numVariations: undefined, avoidConcepts: undefined, take });
    const themes = findThemes(input.creativePrompt);
    const people = findPeople(input.creativePrompt);
    const guidance = readBrandGuidance(input.brandStyle);
    const style = STYLES[input.style];
    const choices = chooseConcepts(input.style, input.gender, themes, input.numVariations, campaignSeed, input.avoidConcepts ?? []);

    return choices.map((choice, index) => {
      const seed = seedFrom(campaignSeed, 'variation', index);
      const rng = createRng(seed);
      const { concept } = choice;
      const palette = buildPalette(style, concept, themes, input.brandStyle, guidance);
      const frames = fitDurations(input.duration, concept.weights ?? DEFAULT_SCENE_WEIGHTS);
      const copy = writeCopy({
        brandName: input.brandName,
        perfumeName: input.perfumeName,
        creativePrompt: input.creativePrompt,
        tone: input.brandStyle.tone,
        choice,
        styleMoodWords: style.moodWords,
        variationIndex: index,
      });
      const leadTheme = themes[0];

      const scenes: ScenePlan[] = SHOT_GRAMMAR.map((beat, i) => {
        const role = beat.role;
        const motion = concept.motions[role];
        let particles = concept.particles[role];
        // The prompt's leading theme sets the mood beat's particles when the concept is about something else.
        if (role === 'mood' && leadTheme && !concept.themes.includes(leadTheme.theme.id) && leadTheme.theme.particles !== 'none') {
          particles = leadTheme.theme.particles;
        }
        if (guidance.noClutter) particles = 'none';
        const line = copy[role];
        return {
          sceneId: `scene_${i + 1}`,
          role,
          frames: frames[i],
          duration: frames[i] / VIDEO_FPS,
          backgroundPrompt: composeBackgroundPrompt({
            role,
            concept,
            style,
            gender: input.gender,
            palette,
            motion,
            particles,
            themes,
            people,
            guidance,
            fragmentIndex: index + i,
          }),
          camera: `${ROLE_FRAMING[role]}, ${MOTION_CAMERA[motion]}`,
          background: { palette: [...palette], motion, lightSweep: concept.lightSweep.includes(role), particles, seed: seedFrom(seed, 'scene', i) },
          product: placement(role, choice, rng),
          overlay: {
            text: line.text,
            position: OVERLAY_POSITION[role],
            font: role === 'mood' ? style.typography.body : style.typography.heading,
            size: line.size,
            animation: concept.animation,
          },
        };
      });

      const moodWords = moodWordsFor({ creativePrompt: input.creativePrompt, tone: input.brandStyle.tone, choice, styleMoodWords: style.moodWords });
      const styleSpec: StyleSpec = {
        lighting: `${concept.lighting}; ${style.lighting}${guidance.softLighting ? '; soft, flattering light' : ''}`,
        camera: `${style.camera.join(', ')}; vertical 9:16 framing`,
        mood: moodWords.slice(0, 4).join(', '),
        colors: [...palette],
      };
      const music = planMusic({ style, gender: input.gender, concept, variationIndex: index, campaignSeed, seed: seedFrom(seed, 'music'), jitter: rng() });
      return { index, concept: concept.name, scenes, styleSpec, music };
    });
  }
}

/** Text sits where the bottle is not: centred on the empty hook, under the bottle, above it in the mood beat. */
const OVERLAY_POSITION: Readonly<Record<SceneRole, 'top' | 'center' | 'bottom'>> = {
  hook: 'center',
  product_reveal: 'bottom',
  mood: 'top',
  call_to_action: 'bottom',
};

function placement(role: SceneRole, { concept }: ConceptChoice, rng: () => number): ProductPlacement {
  switch (role) {
    case 'hook':
      // The hook sells the atmosphere; the bottle is held back for the reveal.
      return { motion: 'hidden', scale: 0.5, x: 0.5, y: 0.5 };
    case 'product_reveal':
      return { motion: concept.reveal, scale: round2(0.5 + rng() * 0.06), x: 0.5, y: 0.46, angle: 'front' };
    case 'mood':
      // The mood beat shows the bottle's profile, turned towards the centre of the frame.
      return { motion: 'float', scale: round2(0.38 + rng() * 0.06), x: concept.moodX, y: 0.54, angle: concept.moodX < 0.5 ? 'right' : 'left' };
    case 'call_to_action':
      // The pack shot: the label faces the viewer.
      return { motion: 'settle', scale: 0.44, x: 0.5, y: 0.44, angle: 'front' };
  }
}

function validate(input: PlanInput) {
  if (!Number.isInteger(input.numVariations) || input.numVariations < 1 || input.numVariations > 3) {
    throw new RangeError(`numVariations must be 1, 2 or 3, got ${input.numVariations}`);
  }
  if (!(input.style in STYLES)) throw new RangeError(`unknown style ${String(input.style)}`);
  if (!input.perfumeName.trim() || !input.brandName.trim()) throw new RangeError('brand and perfume names are required');
  // fitDurations checks the duration itself (each scene needs at least 2 s).
}

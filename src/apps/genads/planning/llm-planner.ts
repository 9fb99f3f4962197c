import { askForJson, JsonAnswerError, parseJsonAnswer, type JsonAnswer } from '../../../platform/ai/json-answer.js';
import { z } from 'zod';
import { OpenAiCompatibleChat, type ChatMessage } from '../../../platform/ai/openai-chat.js';
import { LLM_SETTINGS, type GenAdsConfig } from '../config.js';
import type { PlanInput, ScenePlanner, VariationPlan } from '../pipeline/types.js';
import { readBrandGuidance } from './brand-guidance.js';
import { findPeople } from './prompt-themes.js';
import { RulePlanner } from './rule-planner.js';
import { OVERLAY_MAX_CHARS, SHOT_GRAMMAR } from './shot-grammar.js';
import { STYLES } from './styles.js';
import { PaidFailure } from '../pipeline/paid-failure.js';

/**
 * The LLM scene planner: asks an OpenAI-compatible model for the creative parts only (concept,
 * copy, background prompts, mood, lighting and camera wording) and lays them onto the rule
 * planner's plan. Durations, palettes, seeds, motions, placements and music stay rule-derived,
 * so whatever the model writes, the render stays valid and deterministic in shape; the model
 * only makes the words better. Malformed answers are re-asked once with the problems listed;
 * after that the planner throws and the caller decides whether to fall back to the rules.
 */
export interface LlmPlannerOptions {
  chat: OpenAiCompatibleChat;
  /** USD per 1M prompt / completion tokens, for the cost breakdown. */
  priceInputPerMTok: number;
  priceOutputPerMTok: number;
  rules?: RulePlanner;
  temperature?: number;
}

export class ScenePlanningError extends PaidFailure {}

const sceneAnswer = z.object({
  role: z.enum(['hook', 'product_reveal', 'mood', 'call_to_action']),
  overlayText: z.string().trim().min(1),
  backgroundPrompt: z.string().trim().min(20).max(1500),
  camera: z.string().trim().min(3).max(160),
});

const variationAnswer = z.object({
  concept: z.string().trim().min(3).max(60),
  mood: z.string().trim().min(3).max(160),
  lighting: z.string().trim().min(3).max(300),
  scenes: z.array(sceneAnswer).length(SHOT_GRAMMAR.length),
});

const answerSchema = z.object({ variations: z.array(variationAnswer).min(1) });

export type LlmPlanAnswer = z.infer<typeof answerSchema>;

/** Appended to every LLM background prompt: the compositing depends on it, so it is not left to the model. */
const BACKGROUND_GUARD = 'Vertical 9:16, calm empty centre. No text, no letters, no logos, no watermark, no perfume bottle or product';

export class LlmPlanner implements ScenePlanner {
  readonly name = 'llm' as const;
  private readonly rules: RulePlanner;

  constructor(private readonly options: LlmPlannerOptions) {
    this.rules = options.rules ?? new RulePlanner();
  }

  static fromConfig(llm: NonNullable<GenAdsConfig['llm']>): LlmPlanner {
    return new LlmPlanner({
      chat: new OpenAiCompatibleChat({ baseUrl: llm.baseUrl, apiKey: llm.apiKey, model: llm.model }),
      priceInputPerMTok: llm.priceInputPerMTok,
      priceOutputPerMTok: llm.priceOutputPerMTok,
    });
  }

  async plan(input: PlanInput, signal?: AbortSignal): Promise<{ variations: VariationPlan[]; cost: number }> {
    signal?.throwIfAborted();
    const base = this.rules.planVariations(input);
    const messages: ChatMessage[] = [
      { role: 'system', content: SYSTEM_PROMPT },
      { role: 'user', content: briefFor(input, base) },
    ];
    try {
      const { value, cost } = await askForJson(this.options.chat, messages, {
        check: (content) => checkAnswer(content, input, base),
        temperature: this.options.temperature ?? 0.8,
        maxTokens: 1000 * input.numVariations + 600,
        signal,
        echoChars: 12_000,
        settings: LLM_SETTINGS,
        pricing: { inputPerMTok: this.options.priceInputPerMTok, outputPerMTok: this.options.priceOutputPerMTok },
      });
      return { variations: merge(base, value, input), cost };
    } catch (err) {
      if (err instanceof JsonAnswerError) throw new ScenePlanningError(`LLM scene planner ${err.kind === 'unusable' ? err.message.replace('no usable answer', 'no usable plan') : err.message}`, err.cost, { cause: err });
      throw err;
    }
  }

}

const SYSTEM_PROMPT = [
  'You are the creative director of luxury perfume video ads: vertical 9:16 videos for TikTok and Reels.',
  'Every ad follows the same four-beat shot grammar; you write the creative words for each beat.',
  'The perfume bottle, the on-screen text and the logo are composited later over a generated background video,',
  'so each backgroundPrompt describes ONLY the background environment for a text-to-video model: concrete subjects, setting, light, colour, texture and motion,',
  'with calm empty space in the centre; never text, letters, logos, bottles or products, and no people unless the creative prompt asks for them.',
  'On-screen copy is short, elegant, in English unless the brief is in another language, and must respect the character limits given.',
  'Answer with one JSON object only, no prose.',
].join(' ');

function briefFor(input: PlanInput, base: VariationPlan[]): string {
  const style = STYLES[input.style];
  const brief = {
    brand: input.brandName,
    perfume: input.perfumeName,
    perfumeGender: input.gender,
    style: { id: input.style, label: style.label, lighting: style.lighting, moodWords: style.moodWords },
    creativePrompt: input.creativePrompt,
    brandGuidelines: { tone: input.brandStyle.tone, colors: input.brandStyle.colors, dos: input.brandStyle.dos, donts: input.brandStyle.donts },
    durationSeconds: input.duration,
    variations: base.map((v) => ({
      suggestedConcept: v.concept,
      palette: v.styleSpec.colors,
      scenes: v.scenes.map((s) => ({
        role: s.role,
        purpose: SHOT_GRAMMAR.find((b) => b.role === s.role)!.purpose,
        seconds: Math.round(s.duration * 10) / 10,
        cameraMove: s.camera,
        overlayMaxChars: OVERLAY_MAX_CHARS[s.overlay?.size ?? 'medium'],
        draftOverlay: s.overlay?.text ?? null,
      })),
    })),
  };
  const shape = {
    variations: [
      {
        concept: 'a short evocative name, different for every variation',
        mood: '3-5 mood words',
        lighting: 'one sentence',
        scenes: [{ role: 'hook | product_reveal | mood | call_to_action, in this order', overlayText: 'string within overlayMaxChars', backgroundPrompt: '40-90 words', camera: 'camera wording matching cameraMove' }],
      },
    ],
  };
  return [
    `Write ${input.numVariations} genuinely different variation(s) of this ad, one per entry of "variations" below, in the same order.`,
    'Keep each scene\'s role, order and camera move; you may improve on the suggested concept and the draft copy.',
    'The product_reveal text names the perfume; the call_to_action invites the viewer to discover the perfume by name.',
    ...(input.avoidConcepts?.length
      ? [`This is a new take of the campaign: do not reuse these earlier concepts or their copy: ${input.avoidConcepts.map((c) => JSON.stringify(c)).join(', ')}.`]
      : []),
    `Brief:\n${JSON.stringify(brief, null, 2)}`,
    `Answer shape:\n${JSON.stringify(shape, null, 2)}`,
  ].join('\n\n');
}

/** Parses and validates an answer, listing every problem so one re-ask can fix them all. */
export function checkAnswer(content: string, input: PlanInput, base: VariationPlan[]): JsonAnswer<LlmPlanAnswer> {
  const parsed = parseJsonAnswer(content, answerSchema);
  if (!parsed.ok) return parsed;
  const answer = parsed.value;
  const problems: string[] = [];
  if (answer.variations.length !== input.numVariations) problems.push(`variations: expected exactly ${input.numVariations}, got ${answer.variations.length}`);
  const concepts = new Set<string>();
  answer.variations.forEach((v, vi) => {
    const key = v.concept.toLowerCase();
    if (concepts.has(key)) problems.push(`variations.${vi}.concept: "${v.concept}" repeats another variation's concept`);
    concepts.add(key);
    v.scenes.forEach((s, si) => {
      const expected = SHOT_GRAMMAR[si].role;
      if (s.role !== expected) problems.push(`variations.${vi}.scenes.${si}.role: expected "${expected}", got "${s.role}"`);
      const size = base[vi]?.scenes[si]?.overlay?.size ?? 'medium';
      const max = OVERLAY_MAX_CHARS[size];
      if (s.overlayText.length > max) problems.push(`variations.${vi}.scenes.${si}.overlayText: "${s.overlayText}" is ${s.overlayText.length} characters, the limit is ${max}`);
      if (/[\r\n]/.test(s.overlayText)) problems.push(`variations.${vi}.scenes.${si}.overlayText: must be one line`);
    });
  });
  return problems.length ? { ok: false, problems } : { ok: true, value: answer };
}


/** Lays the model's words onto the rule plan; everything that shapes the render stays as planned. */
function merge(base: VariationPlan[], answer: LlmPlanAnswer, input: PlanInput): VariationPlan[] {
  return base.map((v, vi) => {
    const a = answer.variations[vi];
    return {
      ...v,
      concept: a.concept,
      styleSpec: { ...v.styleSpec, mood: a.mood, lighting: a.lighting },
      music: { ...v.music },
      scenes: v.scenes.map((s, si) => {
        const sa = a.scenes[si];
        return {
          ...s,
          backgroundPrompt: guardPrompt(sa.backgroundPrompt, input),
          camera: sa.camera,
          overlay: s.overlay ? { ...s.overlay, text: sa.overlayText } : s.overlay,
        };
      }),
    };
  });
}

function guardPrompt(prompt: string, input: PlanInput): string {
  const allowPeople = findPeople(input.creativePrompt) !== null && !readBrandGuidance(input.brandStyle).noPeople;
  return `${prompt.replace(/[.\s]+$/, '')}. ${BACKGROUND_GUARD}${allowPeople ? '' : ', no people'}.`;
}

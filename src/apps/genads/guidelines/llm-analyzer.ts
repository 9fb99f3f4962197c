import { askForJson, JsonAnswerError, parseJsonAnswer, type JsonAnswer } from '../../../platform/ai/json-answer.js';
import { z } from 'zod';
import { OpenAiCompatibleChat, type ChatMessage } from '../../../platform/ai/openai-chat.js';
import { LLM_SETTINGS, type GenAdsConfig } from '../config.js';
import type { BrandStyle, GuidelinesAnalyzer } from '../pipeline/types.js';
import { readHex } from '../color.js';
import { MAX_BRAND_COLORS } from './find-colors.js';
import { tidyRules } from './find-rules.js';
import { MAX_GUIDELINES_CHARS } from './extract-text.js';
import { PaidFailure } from '../pipeline/paid-failure.js';

/**
 * The seed's analyzer: GPT-4o-mini (any OpenAI-compatible model) reads the guidelines and
 * answers {colors, tone, dos, donts} in JSON mode. The answer is validated strictly; a malformed
 * one is re-asked once with its problems listed, then the analyzer gives up with a
 * GuidelinesAnalysisError (carrying what was spent) and the caller falls back to the rules.
 */
export interface LlmGuidelinesAnalyzerOptions {
  chat: OpenAiCompatibleChat;
  /** USD per 1M prompt / completion tokens, for the cost breakdown. */
  priceInputPerMTok: number;
  priceOutputPerMTok: number;
  /** Text beyond this is not sent (extract-text.ts already caps it). */
  maxChars?: number;
}

export class GuidelinesAnalysisError extends PaidFailure {}

const hexColor = z.string().trim().refine((s) => readHex(s) !== null, { message: 'must be a hex colour such as "#c9a227"' });
const rule = z.string().trim().min(2).max(400);

const answerSchema = z.object({
  colors: z.array(hexColor).max(24),
  /** The model sometimes lists the words; both mean the same. */
  tone: z.union([z.string().trim().min(2).max(200), z.array(z.string().trim().min(2).max(40)).min(1).max(8)]),
  dos: z.array(rule).max(40),
  donts: z.array(rule).max(40),
});

export class LlmGuidelinesAnalyzer implements GuidelinesAnalyzer {
  readonly name = 'llm' as const;

  constructor(private readonly options: LlmGuidelinesAnalyzerOptions) {}

  static fromConfig(llm: NonNullable<GenAdsConfig['llm']>): LlmGuidelinesAnalyzer {
    return new LlmGuidelinesAnalyzer({
      chat: new OpenAiCompatibleChat({ baseUrl: llm.baseUrl, apiKey: llm.apiKey, model: llm.model }),
      priceInputPerMTok: llm.priceInputPerMTok,
      priceOutputPerMTok: llm.priceOutputPerMTok,
    });
  }

  async analyze(text: string, signal?: AbortSignal): Promise<{ style: BrandStyle; cost: number }> {
    signal?.throwIfAborted();
    const body = text.trim().slice(0, this.options.maxChars ?? MAX_GUIDELINES_CHARS);
    if (!body) throw new GuidelinesAnalysisError('the guidelines text is empty: nothing to analyse', 0);
    const messages: ChatMessage[] = [
      { role: 'system', content: SYSTEM_PROMPT },
      { role: 'user', content: `Brand guidelines document:\n"""\n${body}\n"""` },
    ];
    try {
      const { value, cost } = await askForJson(this.options.chat, messages, {
        check: checkAnswer, temperature: 0.1, maxTokens: 900, signal, settings: LLM_SETTINGS,
        pricing: { inputPerMTok: this.options.priceInputPerMTok, outputPerMTok: this.options.priceOutputPerMTok },
      });
      return { style: value, cost };
    } catch (err) {
      if (err instanceof JsonAnswerError) throw new GuidelinesAnalysisError(`LLM guidelines analysis ${err.message}`, err.cost, { cause: err });
      throw err;
    }
  }

}

const SYSTEM_PROMPT = [
  'You read brand guidelines documents for a luxury perfume video-ad generator and extract the brand style.',
  'Answer with one JSON object only, no prose, in exactly this shape:',
  '{"colors": ["#rrggbb", …], "tone": "2-4 adjectives, comma-separated", "dos": ["…"], "donts": ["…"]}.',
  `colors: the brand colours the document states, as hex codes, most important first (primary, then secondary, then accents), at most ${MAX_BRAND_COLORS}; convert RGB values and colour names to hex; [] if it names none.`,
  'tone: the brand voice in 2-4 adjectives, e.g. "elegant, sophisticated".',
  'dos and donts: what the document asks for and forbids in imagery, style and wording, each a short imperative phrase (e.g. "Use soft lighting", "Avoid harsh colors"), at most 8 each, [] when there are none.',
  'Only report what the document says; do not invent rules.',
].join('\n');

/** Parses and validates an answer, listing every problem so one re-ask can fix them all. */
export function checkAnswer(content: string): JsonAnswer<BrandStyle> {
  const parsed = parseJsonAnswer(content, answerSchema);
  if (!parsed.ok) return parsed;
  const a = parsed.value;
  const colors = [...new Set(a.colors.map((c) => readHex(c)!))].slice(0, MAX_BRAND_COLORS);
  const tone = (Array.isArray(a.tone) ? a.tone : a.tone.split(/\s*[,;/]\s*|\s+and\s+/))
    .map((w) => w.trim().toLowerCase())
    .filter(Boolean)
    .slice(0, 4)
    .join(', ');
  if (!tone) return { ok: false, problems: ['tone: must name at least one adjective'] };
  return { ok: true, value: { colors, tone, dos: tidyRules(a.dos), donts: tidyRules(a.donts), source: 'llm' } };
}

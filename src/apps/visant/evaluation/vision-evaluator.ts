import { z } from 'zod';
import type { OpenAiCompatibleChat } from '../../../platform/ai/openai-chat.js';
import type { CaptureEvaluator, EvaluationInput, EvaluationResult } from './evaluator.js';

const answerSchema = z.object({
  state: z.enum(['normal', 'abnormal', 'uncertain']),
  score: z.number().min(0).max(1),
  reason: z.string().min(1).max(1000),
});

/** Malformed answers are asked for again this many times before the evaluation fails. */
const MALFORMED_RETRIES = 2;

const SYSTEM_PROMPT = [
  'You monitor a fixed security camera. You are given the owner\'s description of the normal scene and one new image.',
  'Decide whether the image shows the normal scene.',
  'Answer with a JSON object only: {"state": "normal" | "abnormal" | "uncertain", "score": number from 0 to 1 (confidence that something is abnormal), "reason": one or two plain sentences for the owner}.',
].join(' ');

/**
 * Hosted evaluator: a vision model behind an OpenAI-compatible chat API sees the image and
 * the device's normal description and must answer strict JSON; the answer is validated and
 * asked for again when malformed.
 */
export class VisionModelEvaluator implements CaptureEvaluator {
  readonly name = 'vision-llm';

  constructor(private readonly chat: OpenAiCompatibleChat) {}

  async evaluate(input: EvaluationInput): Promise<EvaluationResult> {
    const dataUrl = `data:${input.contentType};base64,${input.image.toString('base64')}`;
    const description = input.normalDescription.trim() || 'No description given: judge whether anything looks out of place for a fixed camera view.';
    let lastProblem = '';
    let tokens = 0;
    for (let attempt = 0; attempt <= MALFORMED_RETRIES; attempt++) {
      const result = await this.chat.complete(
        [
          { role: 'system', content: SYSTEM_PROMPT },
          {
            role: 'user',
            content: [
              { type: 'text', text: `Normal scene: ${description}${lastProblem ? `\n\nYour previous answer was rejected: ${lastProblem}. Answer with the JSON object only.` : ''}` },
              { type: 'image_url', image_url: { url: dataUrl, detail: 'low' } },
            ],
          },
        ],
        { json: true, temperature: 0 },
      );
      tokens += result.usage.total_tokens;
      const parsed = parseAnswer(result.content);
      if (parsed.success) {
        // The reason says what judged; the model's own words are kept for the public gallery.
        return {
          state: parsed.data.state,
          score: parsed.data.score,
          reason: `${parsed.data.reason} (judged by the hosted vision model)`,
          details: { evaluator: this.name, basis: 'hosted_model', model: result.model, model_reason: parsed.data.reason, attempts: attempt + 1, total_tokens: tokens },
        };
      }
      lastProblem = parsed.problem;
    }
    throw new Error(`the vision model gave no valid answer after ${MALFORMED_RETRIES + 1} attempts (${lastProblem})`);
  }
}

function parseAnswer(content: string): { success: true; data: z.infer<typeof answerSchema> } | { success: false; problem: string } {
  // Models sometimes wrap JSON in a code fence; take the outermost object.
  const start = content.indexOf('{');
  const end = content.lastIndexOf('}');
  if (start < 0 || end <= start) return { success: false, problem: 'no JSON object found' };
  let json: unknown;
  try {
    json = JSON.parse(content.slice(start, end + 1));
  } catch {
    return { success: false, problem: 'the JSON did not parse' };
  }
  const result = answerSchema.safeParse(json);
  if (!result.success) return { success: false, problem: result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') };
  return { success: true, data: result.data };
}

import { ChatApiError, type ChatMessage, type ChatResult, type OpenAiCompatibleChat } from './openai-chat.js';
import type { ZodType } from 'zod';

export type JsonAnswer<T> = { ok: true; value: T } | { ok: false; problems: string[] };

/**
 * A model's JSON answer, parsed and validated. Models wrap JSON in Markdown fences now and
 * then; those are removed. Every schema problem is listed (up to 12), so a single re-ask can
 * name them all.
 */
export function parseJsonAnswer<T>(content: string, schema: ZodType<T>): JsonAnswer<T> {
  let json: unknown;
  try {
    json = JSON.parse(stripFences(content));
  } catch (err) {
    return { ok: false, problems: [`the answer is not valid JSON (${(err as Error).message})`] };
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    return { ok: false, problems: parsed.error.issues.slice(0, 12).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`) };
  }
  return { ok: true, value: parsed.data };
}

function stripFences(s: string): string {
  const m = /^\s*```(?:json)?\s*([\s\S]*?)\s*```\s*$/i.exec(s);
  return m ? m[1] : s;
}

export interface AskForJsonOptions<T> {
  /** Parse and validate one answer (parseJsonAnswer plus any rules of the caller). */
  check(content: string): JsonAnswer<T>;
  temperature?: number;
  maxTokens?: number;
  /** USD per million prompt / completion tokens. */
  pricing: { inputPerMTok: number; outputPerMTok: number };
  signal?: AbortSignal;
  /** How much of a rejected answer is shown back to the model when re-asking. */
  echoChars?: number;
  /** The settings an operator would fix, named in errors (e.g. GENADS_LLM_API_KEY). */
  settings?: { apiKey: string; baseUrl: string; model: string };
}

/**
 * Why askForJson gave up, with what the calls cost so far: `call` when the API call itself
 * failed (message says what to check), `unusable` when both answers were malformed.
 */
export class JsonAnswerError extends Error {
  constructor(
    message: string,
    public readonly kind: 'call' | 'unusable',
    public readonly cost: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'JsonAnswerError';
  }
}

const ATTEMPTS = 2;

/**
 * Ask a chat model for a JSON object (JSON mode) and validate it; a malformed answer is
 * re-asked once, showing the model its answer and every problem found. Cost is summed over
 * the attempts from token usage. Aborting rejects with the signal's reason.
 */
export async function askForJson<T>(chat: OpenAiCompatibleChat, messages: ChatMessage[], options: AskForJsonOptions<T>): Promise<{ value: T; cost: number }> {
  const { signal } = options;
  const conversation = [...messages];
  let cost = 0;
  let problems: string[] = [];
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    signal?.throwIfAborted();
    let result: ChatResult;
    try {
      result = await chat.complete(conversation, { json: true, temperature: options.temperature, maxTokens: options.maxTokens, signal });
    } catch (err) {
      if (signal?.aborted) throw signal.reason;
      throw new JsonAnswerError(`call failed: ${describeChatError(err, options.settings)}`, 'call', cost, { cause: err });
    }
    cost += (result.usage.prompt_tokens * options.pricing.inputPerMTok + result.usage.completion_tokens * options.pricing.outputPerMTok) / 1_000_000;
    signal?.throwIfAborted();
    const checked = options.check(result.content);
    if (checked.ok) return { value: checked.value, cost };
    problems = checked.problems;
    if (attempt < ATTEMPTS) {
      conversation.push({ role: 'assistant', content: result.content.slice(0, options.echoChars ?? 8_000) });
      conversation.push({ role: 'user', content: `Your answer cannot be used:\n- ${problems.join('\n- ')}\nAnswer again with the complete corrected JSON object only, in exactly the shape asked for.` });
    }
  }
  throw new JsonAnswerError(`no usable answer after ${ATTEMPTS} attempts (model ${chat.model}): ${problems.slice(0, 5).join('; ')}`, 'unusable', cost);
}

/** A failed call, with the setting to check where the cause is likely configuration. */
function describeChatError(err: unknown, settings = { apiKey: 'the API key', baseUrl: 'the base URL', model: 'the model' }): string {
  if (err instanceof ChatApiError) {
    if (err.status === 401 || err.status === 403) return `${err.message} (check ${settings.apiKey})`;
    if (err.status === 404) return `${err.message} (check ${settings.baseUrl} and ${settings.model})`;
    return err.message;
  }
  return `${(err as Error)?.message ?? String(err)} (is ${settings.baseUrl} reachable?)`;
}

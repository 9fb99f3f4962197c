import { setTimeout as sleep } from 'node:timers/promises';

/**
 * A client for any OpenAI-compatible chat completions API (OpenAI, Azure OpenAI, OpenRouter,
 * vLLM, Ollama, LM Studio…): base URL, key and model are configuration. Timeouts per call,
 * retries with backoff on 429/5xx and network errors, token usage returned for cost accounting.
 */
export type ChatContent = string | Array<{ type: 'text'; text: string } | { type: 'image_url'; image_url: { url: string; detail?: 'low' | 'high' | 'auto' } }>;

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: ChatContent;
}

export interface ChatOptions {
  /** Ask for a JSON object answer (response_format json_object). */
  json?: boolean;
  temperature?: number;
  maxTokens?: number;
  /** Stops the call (and its retries) at once, rejecting with the signal's reason. */
  signal?: AbortSignal;
}

export interface ChatResult {
  content: string;
  model: string;
  usage: { prompt_tokens: number; completion_tokens: number; total_tokens: number };
}

export interface ChatClientConfig {
  baseUrl: string;
  apiKey?: string;
  model: string;
  timeoutMs?: number;
  maxRetries?: number;
}

export class ChatApiError extends Error {
  constructor(message: string, public readonly status?: number, public readonly retryable = false) {
    super(message);
    this.name = 'ChatApiError';
  }
}

export class OpenAiCompatibleChat {
  private readonly timeoutMs: number;
  private readonly maxRetries: number;

  constructor(private readonly config: ChatClientConfig) {
    this.timeoutMs = config.timeoutMs ?? 60_000;
    this.maxRetries = config.maxRetries ?? 2;
  }

  get model() {
    return this.config.model;
  }

  async complete(messages: ChatMessage[], options: ChatOptions = {}): Promise<ChatResult> {
    const url = `${this.config.baseUrl.replace(/\/$/, '')}/chat/completions`;
    const body = JSON.stringify({
      model: this.config.model,
      messages,
      temperature: options.temperature ?? 0.2,
      ...(options.maxTokens ? { max_tokens: options.maxTokens } : {}),
      ...(options.json ? { response_format: { type: 'json_object' } } : {}),
    });
    let lastError: unknown;
    for (let attempt = 0; attempt <= this.maxRetries; attempt++) {
      options.signal?.throwIfAborted();
      if (attempt > 0) await sleep(Math.min(8_000, 500 * 2 ** (attempt - 1)), undefined, { signal: options.signal });
      try {
        const timeout = AbortSignal.timeout(this.timeoutMs);
        const res = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(this.config.apiKey ? { authorization: `Bearer ${this.config.apiKey}` } : {}) },
          body,
          signal: options.signal ? AbortSignal.any([options.signal, timeout]) : timeout,
        });
        if (!res.ok) {
          const text = (await res.text()).slice(0, 500);
          const retryable = res.status === 429 || res.status >= 500;
          throw new ChatApiError(`chat API answered ${res.status}: ${text}`, res.status, retryable);
        }
        const data = (await res.json()) as { model?: string; choices?: Array<{ message?: { content?: string } }>; usage?: Partial<ChatResult['usage']> };
        const content = data.choices?.[0]?.message?.content;
        if (typeof content !== 'string') throw new ChatApiError('chat API answer has no choices[0].message.content', res.status, true);
        return {
          content,
          model: data.model ?? this.config.model,
          usage: {
            prompt_tokens: data.usage?.prompt_tokens ?? 0,
            completion_tokens: data.usage?.completion_tokens ?? 0,
            total_tokens: data.usage?.total_tokens ?? 0,
          },
        };
      } catch (err) {
        if (options.signal?.aborted) throw options.signal.reason;
        lastError = err;
        const retryable = err instanceof ChatApiError ? err.retryable : true; // network errors and timeouts
        if (!retryable) throw err;
      }
    }
    throw lastError instanceof Error ? lastError : new ChatApiError(String(lastError));
  }
}

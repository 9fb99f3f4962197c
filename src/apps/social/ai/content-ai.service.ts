import { z } from 'zod';
import type { PlatformContext } from '../../../platform/context.js';
import type { Principal } from '../../../platform/auth/principal.js';
import { tooManyRequests } from '../../../platform/errors.js';
import { ChatApiError, OpenAiCompatibleChat } from '../../../platform/ai/openai-chat.js';
import { parseJsonAnswer } from '../../../platform/ai/json-answer.js';
import type { SocialConfig } from '../config.js';
import { NETWORK_RULES } from '../providers/rules.js';
import { adaptForNetwork, offlineGenerate, shorten, type GenerateRequest, type NetworkVersion } from './offline-writer.js';

export interface GenerateResult {
  provider: 'hosted' | 'offline';
  model: string | null;
  versions: NetworkVersion[];
  /** Why the offline adapter answered although a hosted model is configured. */
  fallback_reason: string | null;
}

const answerSchema = z.object({ versions: z.array(z.object({ network: z.string(), text: z.string().min(1).max(10_000) })).min(1) });

/**
 * The seed's server-side AI proxy. With SOCIAL_AI_BASE_URL set, an OpenAI-compatible chat model
 * writes each network's version (the key never leaves the server); every answer is still held
 * to the network's length limit here, so a model that overshoots cannot produce a post the
 * publisher would refuse. Without it, or when the hosted model fails or times out, the offline
 * adapter answers and the result says so. Each user may ask SOCIAL_AI_REQUESTS_PER_MINUTE
 * times a minute (a hosted call costs money).
 */
export class ContentAiService {
  private readonly chat: OpenAiCompatibleChat | null;

  constructor(private readonly ctx: PlatformContext, private readonly config: SocialConfig) {
    const ai = config.ai;
    // One attempt: the user is waiting, and the offline answer is the fallback.
    this.chat = ai ? new OpenAiCompatibleChat({ baseUrl: ai.baseUrl, apiKey: ai.apiKey, model: ai.model, timeoutMs: ai.timeoutMs, maxRetries: 0 }) : null;
  }

  async generate(p: Principal, req: GenerateRequest & { provider: 'auto' | 'offline' }): Promise<GenerateResult> {
    const wait = await this.ctx.rateLimiter.check(`social-ai:${p.userId}`, this.config.aiRequestsPerMinute);
    if (wait > 0) throw tooManyRequests(wait, `You asked for ${this.config.aiRequestsPerMinute} AI versions this minute, the most one user may`);
    if (!this.chat || req.provider === 'offline') return { provider: 'offline', model: null, versions: offlineGenerate(req), fallback_reason: null };
    try {
      return { provider: 'hosted', model: this.chat.model, versions: await this.hosted(this.chat, req), fallback_reason: null };
    } catch (err) {
      const reason = describeFailure(err, this.config.ai!.timeoutMs);
      this.ctx.log.warn({ err, userId: p.userId }, 'social ai: hosted model failed; the offline adapter answered');
      return { provider: 'offline', model: null, versions: offlineGenerate(req), fallback_reason: reason };
    }
  }

  private async hosted(chat: OpenAiCompatibleChat, req: GenerateRequest): Promise<NetworkVersion[]> {
    const limits = req.networks.map((n) => {
      const r = NETWORK_RULES[n];
      return `- ${n}: at most ${r.maxLength} ${r.lengthUnit}${r.mediaRequired ? ' (an image or video will be attached)' : ''}`;
    });
    const answer = await chat.complete(
      [
        {
          role: 'system',
          content: [
            'You adapt a social media draft to each requested network. Keep the facts of the draft; do not invent offers, prices, dates or links.',
            `Tone: ${req.tone}.`,
            req.keywords.length ? `Use up to ${req.max_hashtags} hashtags drawn from these keywords: ${req.keywords.join(', ')}.` : 'Add no hashtags.',
            'Length limits (hard):',
            ...limits,
            'Answer with JSON only: {"versions": [{"network": "<network>", "text": "<the post>"}]}, one entry per network.',
          ].join('\n'),
        },
        { role: 'user', content: req.draft },
      ],
      { json: true, temperature: 0.7, maxTokens: 2000 },
    );
    const parsed = parseJsonAnswer(answer.content, answerSchema);
    if (!parsed.ok) throw new ChatApiError(`the model's answer was not usable (${parsed.problems.join('; ')})`);
    return req.networks.map((network) => {
      const got = parsed.value.versions.find((v) => v.network.toLowerCase() === network);
      if (!got) return { ...adaptForNetwork(req, network), notes: ['the model wrote no version for this network: the offline adapter did'] };
      const rules = NETWORK_RULES[network];
      const notes = [`written by the hosted model in a ${req.tone} tone`];
      let text = got.text.trim();
      if (rules.countLength(text) > rules.maxLength) {
        const before = rules.countLength(text);
        text = shorten(text, (c) => rules.countLength(c) <= rules.maxLength);
        notes.push(`the model wrote ${before} ${rules.lengthUnit}: shortened to ${rules.countLength(text)} (limit ${rules.maxLength})`);
      }
      if (rules.mediaRequired) notes.push('Instagram needs an image or a video: attach one before publishing');
      const hashtags = text.match(/#[\p{L}\p{N}_]+/gu) ?? [];
      return { network, text, length: rules.countLength(text), max_length: rules.maxLength, length_unit: rules.lengthUnit, hashtags, notes };
    });
  }
}

function describeFailure(err: unknown, timeoutMs: number): string {
  if (err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError')) return `the hosted model did not answer within ${timeoutMs / 1000} s`;
  if (err instanceof ChatApiError && err.status) return `the hosted model answered ${err.status}${err.status === 401 || err.status === 403 ? ' (check SOCIAL_AI_API_KEY)' : err.status === 429 ? ' (its rate limit or quota)' : ''}`;
  if (err instanceof ChatApiError) return err.message.replace(/^chat API /, 'the hosted model ');
  return `the hosted model could not be reached (${(err as Error)?.message ?? String(err)})`;
}

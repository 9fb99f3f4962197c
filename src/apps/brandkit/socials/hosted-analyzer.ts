import { OpenAiCompatibleChat } from '../../../platform/ai/openai-chat.js';
import { askForJson, JsonAnswerError, parseJsonAnswer } from '../../../platform/ai/json-answer.js';
import { ARCHETYPES } from '../identity/archetypes.js';
import { AnalysisInputError, socialAnalysisSchema, type SocialAnalysis, type SocialAnalyzer, type SocialProfileInput } from './analyzer.js';
import type { HttpProfileSource } from './profile-source.js';

/**
 * The hosted analyser: the profile's public data (from the profile source, else what the user
 * pasted) sent to an OpenAI-compatible chat model, which answers the same JSON shape as the
 * offline analyser. A malformed answer is re-asked once (askForJson); a call that fails is an
 * error the job retries.
 */
export class HostedSocialAnalyzer implements SocialAnalyzer {
  readonly name = 'hosted';
  private readonly chat: OpenAiCompatibleChat;

  constructor(
    config: { baseUrl: string; apiKey?: string; model: string; timeoutMs: number },
    private readonly source: HttpProfileSource | null,
  ) {
    this.chat = new OpenAiCompatibleChat({ baseUrl: config.baseUrl, apiKey: config.apiKey, model: config.model, timeoutMs: config.timeoutMs, maxRetries: 1 });
  }

  async analyze(input: SocialProfileInput, signal: AbortSignal): Promise<SocialAnalysis> {
    const data = this.source ? await this.source.fetch(input.platform, input.handle, signal) : { bio: input.pasted.bio ?? '', captions: input.pasted.captions ?? [] };
    if (!data.bio.trim() && !data.captions.some((c) => c.trim())) {
      throw new AnalysisInputError(`Nothing to analyse for @${input.handle}: the profile has no bio or captions`);
    }
    const profile = [`Platform: ${input.platform}`, `Handle: @${input.handle}`, `Bio: ${data.bio.slice(0, 2000)}`, 'Recent captions:', ...data.captions.slice(0, 30).map((c, i) => `${i + 1}. ${c.slice(0, 600)}`)].join('\n');
    try {
      const { value } = await askForJson(this.chat, [
        {
          role: 'system',
          content: `You analyse a social media profile for a brand-creation wizard. Answer one JSON object: {"tone": [1-5 adjectives], "themes": [up to 8 short topics], "suggested_values": [up to 5 brand values], "archetype": one of ${ARCHETYPES.join('|')}, "colors": [up to 4 #rrggbb colours that fit], "based_on": [1-10 short sentences quoting the evidence in the profile]}.`,
        },
        { role: 'user', content: profile },
      ], {
        check: (content) => parseJsonAnswer(content, socialAnalysisSchema),
        pricing: { inputPerMTok: 0, outputPerMTok: 0 },
        signal,
        settings: { apiKey: 'BRANDKIT_ANALYZER_API_KEY', baseUrl: 'BRANDKIT_ANALYZER_BASE_URL', model: 'BRANDKIT_ANALYZER_MODEL' },
      });
      return { ...value, analyzer: this.name, model: this.chat.model };
    } catch (err) {
      if (err instanceof JsonAnswerError && err.kind === 'unusable') throw new AnalysisInputError(`The analysis model gave no usable answer: ${err.message}`);
      throw err;
    }
  }
}

import { OpenAiCompatibleChat } from '../../../platform/ai/openai-chat.js';
import type { VisantConfig } from '../config.js';
import { BaselineEvaluator } from './baseline-evaluator.js';
import type { CaptureEvaluator } from './evaluator.js';
import { VisionModelEvaluator } from './vision-evaluator.js';

export function createEvaluator(config: VisantConfig): CaptureEvaluator {
  if (config.evaluator === 'vision' && config.vision) {
    return new VisionModelEvaluator(new OpenAiCompatibleChat({ baseUrl: config.vision.baseUrl, apiKey: config.vision.apiKey, model: config.vision.model, timeoutMs: config.vision.timeoutMs }));
  }
  return new BaselineEvaluator();
}

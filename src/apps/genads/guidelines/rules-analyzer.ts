import type { BrandStyle, GuidelinesAnalyzer } from '../pipeline/types.js';
import { findBrandColors } from './find-colors.js';
import { findRules } from './find-rules.js';
import { findTone } from './find-tone.js';
import { readGuidelineLines } from './guideline-lines.js';

/**
 * The offline guidelines analyzer: the default when no LLM is configured, and what the job
 * falls back to when the LLM fails. Deterministic, free and instant; it reads what a brand book
 * states explicitly (codes, colour words in colour context, voice adjectives, do/don't lists)
 * and leaves interpretation to the LLM analyzer.
 */
export class RulesGuidelinesAnalyzer implements GuidelinesAnalyzer {
  readonly name = 'rules' as const;

  async analyze(text: string, signal?: AbortSignal): Promise<{ style: BrandStyle; cost: number }> {
    signal?.throwIfAborted();
    return { style: analyzeGuidelinesText(text), cost: 0 };
  }
}

export function analyzeGuidelinesText(text: string): BrandStyle {
  const lines = readGuidelineLines(text);
  const { dos, donts } = findRules(lines);
  return { colors: findBrandColors(lines), tone: findTone(lines), dos, donts, source: 'rules' };
}

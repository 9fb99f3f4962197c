import { z } from 'zod';
import { ARCHETYPES } from '../identity/archetypes.js';
import type { SocialPlatform, SocialPasted } from '../schema.js';

/**
 * What a social analyser answers, whichever it is (offline or hosted): the brand's voice as the
 * profile shows it, and what it was based on, so the wizard can say why it suggests what it does.
 */
export const socialAnalysisSchema = z.object({
  tone: z.array(z.string().min(1).max(40)).min(1).max(5),
  themes: z.array(z.string().min(1).max(60)).max(10),
  suggested_values: z.array(z.string().min(1).max(40)).max(8),
  archetype: z.enum(ARCHETYPES),
  colors: z.array(z.string().regex(/^#[0-9a-fA-F]{6}$/)).max(6),
  /** What the analysis rests on: counts, hashtags, words found. */
  based_on: z.array(z.string().min(1).max(300)).min(1).max(20),
});
/** An analysis as stored in user_socials.analysis_data: the analyser's answer and who made it. */
export const storedAnalysisSchema = socialAnalysisSchema.extend({ analyzer: z.string(), model: z.string().optional() });
export type SocialAnalysis = z.infer<typeof storedAnalysisSchema>;

export interface SocialProfileInput {
  platform: SocialPlatform;
  handle: string;
  profileUrl: string | null;
  pasted: SocialPasted;
}

export interface SocialAnalyzer {
  readonly name: string;
  analyze(input: SocialProfileInput, signal: AbortSignal): Promise<SocialAnalysis>;
}

/** Retrying cannot help (nothing to analyse, or the model keeps answering nonsense). */
export class AnalysisInputError extends Error {
  readonly retryable = false;
}

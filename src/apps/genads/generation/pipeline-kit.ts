import type { BackgroundGenerator, GuidelinesAnalyzer, MusicGenerator, ProductExtractor, ScenePlanner } from '../pipeline/types.js';
import type { MediaInfo } from '../../../platform/media/ffmpeg.js';
import type { RenderVariationRequest } from '../media/render-variation.js';
import type { GuidelinesType } from '../storage-layout.js';

/**
 * Every stage implementation the generation job uses, chosen once from configuration
 * (create-pipeline-kit.ts). Hosted stages come with the offline one they fall back to where
 * a fallback keeps the result honest (guidelines and planning: rules instead of the LLM).
 */
export interface PipelineKit {
  extractGuidelinesText(bytes: Buffer, type: GuidelinesType): Promise<string>;
  analyzer: GuidelinesAnalyzer;
  fallbackAnalyzer: GuidelinesAnalyzer | null;
  planner: ScenePlanner;
  fallbackPlanner: ScenePlanner | null;
  extractor: ProductExtractor;
  backgrounds: BackgroundGenerator;
  music: MusicGenerator;
  /** Composite, add text and music, and encode one variation's final video (media/render-variation.ts). */
  render(request: RenderVariationRequest): Promise<MediaInfo>;
  /** What backgrounds and render write (GENADS_VIDEO_SIZE), and what the final video is checked against. */
  videoSize: { width: number; height: number };
  /** Variations generated at once. */
  variationConcurrency: number;
  /** Scene backgrounds of one variation generated at once. */
  sceneConcurrency: number;
}

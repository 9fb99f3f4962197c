import type { PlatformContext } from '../../../platform/context.js';
import { genadsSettings, type GenAdsConfig } from '../config.js';
import { extractGuidelinesText } from '../guidelines/extract-text.js';
import { LlmGuidelinesAnalyzer } from '../guidelines/llm-analyzer.js';
import { RulesGuidelinesAnalyzer } from '../guidelines/rules-analyzer.js';
import { LlmPlanner } from '../planning/llm-planner.js';
import { RulePlanner } from '../planning/rule-planner.js';
import { createProductExtractor } from '../product/create-extractor.js';
import { ffmpegTools, type FfmpegTools } from '../media/ffmpeg-tools.js';
import { LocalBackgroundGenerator } from '../media/local-background.js';
import { LocalMusicGenerator } from '../media/local-music.js';
import { renderVariation } from '../media/render-variation.js';
import { conformMusic, conformVideoClip } from '../media/conform.js';
import { ReplicateBackgroundGenerator } from '../providers/replicate-video.js';
import { ReplicateMusicGenerator } from '../providers/replicate-music.js';
import type { PipelineKit } from './pipeline-kit.js';

/** One kit per platform: the extractor keeps its model loaded between campaigns. */
const kits = new WeakMap<PlatformContext, PipelineKit>();

/** The stage implementations GENADS_* configuration asks for (offline by default). */
export function pipelineKitFor(ctx: PlatformContext): PipelineKit {
  let kit = kits.get(ctx);
  if (!kit) {
    kit = createPipelineKit(genadsSettings.load(ctx.config), ctx.log);
    kits.set(ctx, kit);
  }
  return kit;
}

export function createPipelineKit(config: GenAdsConfig, log: PlatformContext['log']): PipelineKit {
  const tools: FfmpegTools = ffmpegTools(config);
  const rules = { analyzer: new RulesGuidelinesAnalyzer(), planner: new RulePlanner() };
  return {
    extractGuidelinesText,
    analyzer: config.llm ? LlmGuidelinesAnalyzer.fromConfig(config.llm) : rules.analyzer,
    fallbackAnalyzer: config.llm ? rules.analyzer : null,
    planner: config.llm ? LlmPlanner.fromConfig(config.llm) : rules.planner,
    fallbackPlanner: config.llm ? rules.planner : null,
    extractor: createProductExtractor(config, { logger: log }),
    backgrounds: config.videoProvider === 'replicate'
      ? ReplicateBackgroundGenerator.fromConfig(config, (inputPath, outputPath, frames, signal) => conformVideoClip(tools, { inputPath, outputPath, frames, signal }))
      : new LocalBackgroundGenerator(tools),
    music: config.musicProvider === 'replicate'
      ? ReplicateMusicGenerator.fromConfig(config, (inputPath, outputPath, duration, signal) => conformMusic(tools, { inputPath, outputPath, duration, signal }))
      : new LocalMusicGenerator(tools),
    render: (request) => renderVariation(tools, request),
    videoSize: config.videoSize,
    variationConcurrency: config.variationConcurrency,
    sceneConcurrency: config.sceneConcurrency,
  };
}

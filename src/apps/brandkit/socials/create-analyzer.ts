import type { BrandkitConfig } from '../config.js';
import type { SocialAnalyzer } from './analyzer.js';
import { OfflineSocialAnalyzer } from './offline-analyzer.js';
import { HostedSocialAnalyzer } from './hosted-analyzer.js';
import { HttpProfileSource } from './profile-source.js';

/** The analyser the settings choose (BRANDKIT_ANALYZER). */
export function createSocialAnalyzer(config: BrandkitConfig): SocialAnalyzer {
  if (config.analyzer === 'hosted' && config.hosted) {
    const source = config.profileSource ? new HttpProfileSource({ ...config.profileSource, timeoutMs: config.hosted.timeoutMs }) : null;
    return new HostedSocialAnalyzer(config.hosted, source);
  }
  return new OfflineSocialAnalyzer();
}

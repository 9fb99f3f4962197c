import type { BrandkitConfig } from '../config.js';
import type { LogoEngine, MockupEngine } from '../engines/image-engine.js';
import { OfflineLogoEngine } from '../engines/logo/logo-generator.js';
import { OfflineMockupEngine } from '../engines/mockup/mockup-renderer.js';
import { FalQueueClient } from '../engines/fal/fal-queue-client.js';
import { FalLogoEngine, FalMockupEngine } from '../engines/fal/fal-image-engines.js';

/** The logo and mockup engines the settings choose (BRANDKIT_IMAGE_ENGINE): offline, or Fal.ai's queue. */
export function createImageEngines(config: BrandkitConfig): { logo: LogoEngine; mockup: MockupEngine } {
  if (!config.fal) return { logo: new OfflineLogoEngine(), mockup: new OfflineMockupEngine() };
  const client = new FalQueueClient({ baseUrl: config.fal.baseUrl, apiKey: config.fal.apiKey, pollMs: config.fal.pollMs, timeoutMs: config.fal.timeoutMs });
  return { logo: new FalLogoEngine(client, config.fal.logoModel), mockup: new FalMockupEngine(client, config.fal.mockupModel) };
}

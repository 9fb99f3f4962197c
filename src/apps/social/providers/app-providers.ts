import type { PlatformContext } from '../../../platform/context.js';
import { createProviders, type ProvidersConfig } from './registry.js';
import type { Network, SocialProvider } from './provider.js';

/**
 * The adapters one running platform uses, set when the app is set up: the real networks by
 * default, the local fakes when a test or the bench builds the app with their config. Kept per
 * context so that two platforms in one process (tests) never share adapters.
 */
const byContext = new WeakMap<PlatformContext, Record<Network, SocialProvider>>();

export function installProviders(ctx: PlatformContext, config: ProvidersConfig): void {
  byContext.set(ctx, createProviders(config));
}

export function providersOf(ctx: PlatformContext): Record<Network, SocialProvider> {
  const providers = byContext.get(ctx);
  if (!providers) throw new Error('Social providers are not installed: the social app was not set up on this context');
  return providers;
}

import type { AdapterConfig } from './adapter-config.js';
import { BlueskyProvider } from './bluesky.js';
import { FacebookProvider } from './facebook.js';
import { InstagramProvider } from './instagram.js';
import type { StagingAdapterConfig } from './media-stager.js';
import { LinkedInProvider } from './linkedin.js';
import { MastodonProvider } from './mastodon.js';
import type { Network, SocialProvider } from './provider.js';
import { XProvider } from './x.js';

/** One adapter per network, built from the app's config (real endpoints by default, the fakes in tests). */
export type ProvidersConfig = Partial<Record<Exclude<Network, 'instagram' | 'facebook'>, AdapterConfig>> & { instagram?: StagingAdapterConfig; facebook?: StagingAdapterConfig };

export function createProviders(config: ProvidersConfig = {}): Record<Network, SocialProvider> {
  return {
    x: new XProvider(config.x),
    linkedin: new LinkedInProvider(config.linkedin),
    facebook: new FacebookProvider(config.facebook),
    instagram: new InstagramProvider(config.instagram),
    bluesky: new BlueskyProvider(config.bluesky),
    mastodon: new MastodonProvider(config.mastodon),
  };
}

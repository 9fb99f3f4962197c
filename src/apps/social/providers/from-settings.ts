import type { PlatformContext } from '../../../platform/context.js';
import type { SocialConfig } from '../config.js';
import type { ProvidersConfig } from './registry.js';
import { storageMediaStager } from './storage-stager.js';

/**
 * The adapters' config for a real deployment: the networks' own endpoints (the defaults), the
 * OAuth clients from SOCIAL_*_CLIENT_ID/SECRET, Instagram's media and Facebook's videos served
 * from storage by signed URL. Tests and the bench pass their fakes' config instead (createSocialApp options).
 */
export function providersFromSettings(ctx: PlatformContext, config: SocialConfig): ProvidersConfig {
  const { x, linkedin, facebook, instagram } = config.oauthClients;
  return {
    x: { client: x },
    linkedin: { client: linkedin },
    facebook: { client: facebook, stager: storageMediaStager(ctx) },
    instagram: { client: instagram, stager: storageMediaStager(ctx) },
    mastodon: { allowPrivateInstances: config.mastodonAllowPrivateInstances },
  };
}

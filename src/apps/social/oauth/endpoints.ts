import type { Network } from '../providers/provider.js';

/**
 * Where each network's API, authorize page and token endpoint live, and the scopes the app
 * asks for (publishing plus reading the metrics). Every URL is overridable in the adapter's
 * config, which is how tests point them at the local fakes. Mastodon has no fixed host: each
 * instance is its own server (see mastodon-apps.ts); Bluesky has no OAuth here (see
 * bluesky-session.ts) and its default PDS is bsky.social.
 */
export interface NetworkEndpoints {
  apiBaseUrl: string;
  authorizeUrl?: string;
  tokenUrl?: string;
  scopes: string[];
}

export const DEFAULT_ENDPOINTS: Record<Network, NetworkEndpoints> = {
  x: {
    apiBaseUrl: 'https://api.x.com',
    authorizeUrl: 'https://x.com/i/oauth2/authorize',
    tokenUrl: 'https://api.x.com/2/oauth2/token',
    // offline.access is what makes X issue a refresh token; media.write is the v2 upload scope.
    scopes: ['tweet.read', 'tweet.write', 'users.read', 'offline.access', 'media.write'],
  },
  linkedin: {
    apiBaseUrl: 'https://api.linkedin.com',
    authorizeUrl: 'https://www.linkedin.com/oauth/v2/authorization',
    tokenUrl: 'https://www.linkedin.com/oauth/v2/accessToken',
    scopes: ['openid', 'profile', 'w_member_social'],
  },
  facebook: {
    apiBaseUrl: 'https://graph.facebook.com',
    authorizeUrl: 'https://www.facebook.com/v21.0/dialog/oauth',
    tokenUrl: 'https://graph.facebook.com/v21.0/oauth/access_token',
    scopes: ['pages_show_list', 'pages_manage_posts', 'pages_read_engagement', 'read_insights'],
  },
  instagram: {
    // Instagram API with Instagram Login (professional accounts, no Facebook page needed).
    apiBaseUrl: 'https://graph.instagram.com',
    authorizeUrl: 'https://www.instagram.com/oauth/authorize',
    tokenUrl: 'https://api.instagram.com/oauth/access_token',
    scopes: ['instagram_business_basic', 'instagram_business_content_publish', 'instagram_business_manage_insights'],
  },
  bluesky: { apiBaseUrl: 'https://bsky.social', scopes: [] },
  mastodon: { apiBaseUrl: '', scopes: ['read', 'write:statuses', 'write:media'] },
};

export const GRAPH_VERSION = 'v21.0';

import { unprocessable } from '../../../platform/errors.js';
import type { Network, OAuthClient } from './provider.js';
import { label } from './http.js';

/**
 * What every adapter is built with. The URLs default to the real network (oauth/endpoints.ts);
 * tests and the web journey point them at the local fakes. Bounds are enforced here so that a
 * bad setting fails at start-up, not in the middle of a publish.
 */
export interface AdapterConfig {
  apiBaseUrl?: string;
  authorizeUrl?: string;
  tokenUrl?: string;
  /** The app's OAuth client at the network (Mastodon's comes per instance, with each call). */
  client?: OAuthClient;
  scopes?: string[];
  /** Per request; 1 s – 5 min, default 30 s. */
  timeoutMs?: number;
  /** Media processing polls (X STATUS, Instagram status_code): wait between polls, 50 ms – 60 s, default 2 s. */
  pollIntervalMs?: number;
  /** How many polls before giving up as unavailable; 1–120, default 30. */
  maxPolls?: number;
  /**
   * Mastodon only: accept instances on private or local addresses (the tests' fake, an instance
   * on the operator's own network). Off by default: a tenant-typed address the server POSTs to
   * must be on the public internet (platform/net/public-address.ts).
   */
  allowPrivateInstances?: boolean;
  /** Bluesky only: the video service that encodes videos before they are posted (default https://video.bsky.app). */
  videoServiceUrl?: string;
}

export interface ResolvedAdapterConfig {
  apiBaseUrl: string;
  authorizeUrl?: string;
  tokenUrl?: string;
  client?: OAuthClient;
  scopes: string[];
  timeoutMs: number;
  pollIntervalMs: number;
  maxPolls: number;
}

function bounded(name: string, value: number | undefined, fallback: number, min: number, max: number): number {
  const v = value ?? fallback;
  if (!Number.isFinite(v) || v < min || v > max) throw new Error(`social provider setting ${name} must be between ${min} and ${max} (got ${v})`);
  return v;
}

export function resolveConfig(config: AdapterConfig, defaults: { apiBaseUrl: string; authorizeUrl?: string; tokenUrl?: string; scopes: string[] }): ResolvedAdapterConfig {
  return {
    apiBaseUrl: config.apiBaseUrl ?? defaults.apiBaseUrl,
    authorizeUrl: config.authorizeUrl ?? defaults.authorizeUrl,
    tokenUrl: config.tokenUrl ?? defaults.tokenUrl,
    client: config.client,
    scopes: config.scopes ?? defaults.scopes,
    timeoutMs: bounded('timeoutMs', config.timeoutMs, 30_000, 1_000, 300_000),
    pollIntervalMs: bounded('pollIntervalMs', config.pollIntervalMs, 2_000, 50, 60_000),
    maxPolls: bounded('maxPolls', config.maxPolls, 30, 1, 120),
  };
}

/** The OAuth client for a call: the one passed in (Mastodon's per-instance client) or the configured one. */
export function requireClient(network: Network, config: ResolvedAdapterConfig, override?: OAuthClient): OAuthClient {
  const client = override ?? config.client;
  if (!client) throw unprocessable(`No ${label(network)} OAuth client is configured: set its client id and secret`, 'SOCIAL_CLIENT_MISSING');
  return client;
}

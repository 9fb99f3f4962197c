import type { Readable } from 'node:stream';
import type { NetworkRules } from './rules.js';

/**
 * The one interface the app's services use to reach a social network. Each adapter speaks its
 * network's real HTTP protocol against a configurable base URL (the real API in production, a
 * local fake in tests), and fails only with a ProviderError whose kind tells the publishing job
 * what to do: wait (rate_limited), ask for a reconnect (auth_revoked), give up
 * (invalid_request) or retry (unavailable).
 */
export const NETWORKS = ['x', 'linkedin', 'facebook', 'instagram', 'bluesky', 'mastodon'] as const;
export type Network = (typeof NETWORKS)[number];

/** What the app stores (encrypted) for one connected account, and hands back on every call. */
export interface AccountTokens {
  accessToken: string;
  refreshToken?: string;
  /** When the access token stops working; absent when the network's tokens do not expire. */
  expiresAt?: Date;
  /** The network's id of the account that posts: X user id, LinkedIn person/organization URN, Facebook page id, Instagram user id, Bluesky DID, Mastodon account id. */
  accountId: string;
  /** Mastodon only: the instance the account lives on (every instance is its own API). */
  instanceUrl?: string;
}

/** One account an authorization produced (Facebook gives one per page the user manages). */
export interface ConnectedAccount {
  remoteId: string;
  displayName: string;
  handle?: string;
  tokens: AccountTokens;
  /** Scopes the network granted, which may be fewer than asked for. */
  scopes?: string[];
}

export interface PostMedia {
  /** The bytes, whole or streamed; `size` must be their exact length (upload protocols declare it up front). */
  data: Buffer | Readable;
  contentType: string;
  size: number;
  alt?: string;
  /** Where the bytes are stored (a storage driver key), for adapters that hand the network a URL instead (Instagram). */
  storageKey?: string;
}

export interface PostInput {
  text: string;
  media: PostMedia[];
  /** Link the network should preview where it has a link field (LinkedIn article, Facebook link). */
  link?: string;
  /**
   * A key that stays the same when the same post-platform is tried again, so that a retry after
   * a crash does not publish twice on networks that accept one (Mastodon's Idempotency-Key).
   */
  idempotencyKey?: string;
}

export interface PublishResult {
  remoteId: string;
  url: string;
}

/** What a network reports about one published post; a network that does not give a figure leaves it out. */
export interface PostMetrics {
  impressions?: number;
  reactions?: number;
  comments?: number;
  shares?: number;
  clicks?: number;
}

/** The OAuth client the app registered with the network (per instance for Mastodon). */
export interface OAuthClient {
  clientId: string;
  clientSecret?: string;
  /** Mastodon: the instance that registered the client. */
  instanceUrl?: string;
}

export interface AuthorizeRequest {
  state: string;
  codeChallenge: string;
  redirectUri: string;
  client?: OAuthClient;
}

export interface CodeExchange {
  code: string;
  codeVerifier: string;
  redirectUri: string;
  client?: OAuthClient;
}

export interface CallOptions {
  signal?: AbortSignal;
}

interface ProviderBase {
  readonly network: Network;
  readonly rules: NetworkRules;
  /** New tokens before (or after) the old ones expire; auth_revoked when the network refuses. */
  refresh(tokens: AccountTokens, options?: CallOptions & { client?: OAuthClient }): Promise<AccountTokens>;
  publish(tokens: AccountTokens, post: PostInput, options?: CallOptions): Promise<PublishResult>;
  fetchMetrics(tokens: AccountTokens, remoteId: string, options?: CallOptions): Promise<PostMetrics>;
  /**
   * Networks that read many posts in one request (X: up to 100 ids, Bluesky: up to 25 URIs):
   * the metrics by remote id; a post the network no longer has is absent from the map.
   */
  readonly metricsBatchSize?: number;
  fetchMetricsMany?(tokens: AccountTokens, remoteIds: string[], options?: CallOptions): Promise<Map<string, PostMetrics>>;
  deletePost?(tokens: AccountTokens, remoteId: string, options?: CallOptions): Promise<void>;
}

/** X, LinkedIn, Facebook, Instagram, Mastodon: OAuth 2 authorization code (with PKCE where the network takes it). */
export interface OAuthProvider extends ProviderBase {
  readonly auth: 'oauth2';
  authorizeUrl(request: AuthorizeRequest): string;
  exchangeCode(exchange: CodeExchange, options?: CallOptions): Promise<ConnectedAccount[]>;
}

/**
 * Bluesky: the AT Protocol's app passwords. The seed's "OAuth for every network" maps here to
 * com.atproto.server.createSession (identifier + app password → access and refresh JWTs) and
 * com.atproto.server.refreshSession; the app password itself is never stored.
 */
export interface PasswordProvider extends ProviderBase {
  readonly auth: 'app_password';
  createSession(identifier: string, appPassword: string, options?: CallOptions): Promise<ConnectedAccount>;
}

export type SocialProvider = OAuthProvider | PasswordProvider;

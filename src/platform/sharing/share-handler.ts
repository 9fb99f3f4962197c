import type { FastifyRequest } from 'fastify';
import type { PlatformContext } from '../context.js';
import type { Principal } from '../auth/principal.js';

/**
 * A share link after the public side resolved it: the view is already counted, the password
 * (if any) checked. orgId tells the app whose data to load: load it with
 * withTenant(ctx.database.db, { orgId: share.orgId }, …) so another tenant's resource can
 * never be shown through a link, whatever resource_id says.
 */
export interface ResolvedShare {
  linkId: string;
  orgId: string;
  app: string;
  resourceType: string;
  resourceId: string;
  filters: Record<string, unknown>;
  title: string | null;
  expiresAt: Date;
  maxViews: number | null;
  /** Including the view being served. */
  viewCount: number;
  createdAt: Date;
  /** The public URL of this link (PUBLIC_URL or the request's host) and its QR code. */
  url: string;
  qrUrl: string;
}

/** What an app resource a new link would point to. */
export interface ShareTarget {
  resourceType: string;
  resourceId: string;
  filters: Record<string, unknown>;
}

/**
 * How an app presents its share links. Register it as `share` on the app's TenantryApp;
 * the platform routes /s/:token, /api/s/:token to it by the link's `app`.
 * Throw notFound() (http/errors) when the resource is gone: the visitor sees the friendly 404.
 */
export interface ShareHandler {
  /**
   * Called for every visit before the view is counted (and before a password is checked):
   * throw to refuse it, e.g. tooManyRequests() for a per-visitor limit, and the link keeps
   * the view. Without it every visit of a live link is admitted.
   */
  admit?(link: { linkId: string; orgId: string; app: string }, ctx: PlatformContext, request: FastifyRequest): Promise<void> | void;
  /** The whole HTML document for GET /s/:token. Escape user-written values with escapeHtml. */
  renderHtml?(share: ResolvedShare, ctx: PlatformContext, request: FastifyRequest): Promise<string> | string;
  /** The JSON body for GET /api/s/:token (and /s/:token asked with Accept: application/json). */
  renderJson?(share: ResolvedShare, ctx: PlatformContext, request: FastifyRequest): Promise<unknown> | unknown;
  /**
   * Lets POST /api/v1/share-links create links for this app: check that the principal may
   * share the target (throw notFound() when the resource is not theirs to see). Without it,
   * this app's links can be created only through the app's own API, which knows its rules.
   */
  authorizeCreate?(principal: Principal, target: ShareTarget, ctx: PlatformContext): Promise<void> | void;
}

export type ShareHandlers = ReadonlyMap<string, ShareHandler>;

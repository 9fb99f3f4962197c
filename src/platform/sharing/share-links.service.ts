import { createHmac } from 'node:crypto';
import { sql, type Expression, type ExpressionBuilder, type Selectable, type SqlBool } from 'kysely';
import type { PlatformContext } from '../context.js';
import type { PlatformTables, ShareLinksTable } from '../db/schema.js';
import { withSystem, withTenant } from '../db/tenant.js';
import { fetchPage, mapPage, pageRequest, type Page } from '../db/page.js';
import { recordAudit, type RequestMeta } from '../audit/audit.service.js';
import type { Principal } from '../auth/principal.js';
import { hashPassword, hashSecret, newSecret, secretsEqual, verifyPassword } from '../auth/secrets.js';
import { conflict, notFound, tooManyRequests, unprocessable } from '../errors.js';
import { shareNotFound, sharePasswordRequired, sharePasswordWrong } from './share-errors.js';
import type { ResolvedShare } from './share-handler.js';

/** 256-bit tokens from newSecret are 43 base64url characters; anything else cannot be one of ours. */
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;
const UUID_SHAPE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Shown in lists so people can tell links apart; 8 of 43 characters leave 208 secret bits. */
const PREFIX_LENGTH = 8;
const DAY_MS = 86_400_000;
/**
 * Share passwords are guessed offline-style by anyone holding the link: 8 characters is the
 * least that survives the per-link attempt cap for long (NIST SP 800-63B's minimum too).
 */
export const SHARE_PASSWORD_MIN_LENGTH = 8;
export const SHARE_PASSWORD_MAX_LENGTH = 256;

export type ShareStatus = 'active' | 'expired' | 'revoked' | 'exhausted';

export interface CreateShareInput {
  app: string;
  resourceType: string;
  resourceId: string;
  filters?: Record<string, unknown>;
  title?: string | null;
  /** Lifetime in days (default SHARE_DEFAULT_EXPIRY_DAYS); or give expiresAt. */
  expiresInDays?: number;
  expiresAt?: Date;
  maxViews?: number | null;
  password?: string | null;
}

export interface UpdateShareInput {
  title?: string | null;
  expiresInDays?: number;
  expiresAt?: Date;
  /** null removes the limit. */
  maxViews?: number | null;
  /** null removes the password. */
  password?: string | null;
}

export interface ShareListFilter {
  app?: string;
  resourceType?: string;
  resourceId?: string;
  status?: ShareStatus | 'all';
  page?: number;
  limit?: number;
}

/** A link as its owners see it: never the token or any hash. */
export interface ShareLinkView {
  id: string;
  app: string;
  resource_type: string;
  resource_id: string;
  filters: Record<string, unknown>;
  title: string | null;
  token_prefix: string;
  has_password: boolean;
  expires_at: Date;
  max_views: number | null;
  view_count: number;
  last_viewed_at: Date | null;
  revoked_at: Date | null;
  created_by: string | null;
  created_at: Date;
  updated_at: Date;
  status: ShareStatus;
}

export interface CreatedShare {
  link: ShareLinkView;
  /** The secret: shown once, never stored. */
  token: string;
  url: string;
}

export interface ResolveOptions {
  password?: string;
  /** A value from unlockValue(), remembered by the browser after a correct password. */
  unlock?: string;
  /** Wrong-password attempts are limited per link and IP. */
  ip: string;
  baseUrl?: string;
  /**
   * Asked before the view is counted: throw (e.g. tooManyRequests) to refuse the visit
   * without using up one of the link's views. The platform passes the app's ShareHandler.admit.
   */
  admit?: (link: { linkId: string; orgId: string; app: string }) => Promise<void> | void;
}

const VIEW_FIELDS = [
  'id', 'app', 'resource_type', 'resource_id', 'filters', 'title', 'token_prefix', 'password_hash', 'expires_at',
  'max_views', 'view_count', 'last_viewed_at', 'revoked_at', 'created_by', 'created_at', 'updated_at',
] as const;
type ShareRow = Pick<Selectable<ShareLinksTable>, (typeof VIEW_FIELDS)[number]>;

type ShareDeps = Pick<PlatformContext, 'database' | 'rateLimiter' | 'config'>;

/**
 * Public share links, a platform service for every app: a link names one resource of one
 * app (plus app-defined filters), expires, may be limited in views and protected by a
 * password, and can be changed or revoked by its org. The token is the credential and is
 * stored only as a hash; the public side resolves it without a tenant (withSystem) and
 * hands the app the link's orgId.
 */
export class ShareService {
  constructor(private readonly deps: ShareDeps) {}

  private get db() {
    return this.deps.database.db;
  }


  async create(p: Principal, input: CreateShareInput, options: { baseUrl?: string; meta?: RequestMeta } = {}): Promise<CreatedShare> {
    checkCreateInput(input);
    const expiresAt = this.expiryFrom(input) ?? new Date(Date.now() + this.deps.config.sharing.defaultExpiryDays * DAY_MS);
    // argon2 is slow on purpose: hash before the transaction so no connection waits on it.
    const passwordHash = input.password ? await hashPassword(input.password) : null;
    const token = newSecret();
    const row = await withTenant(this.db, p, async (tx) => {
      const created = await tx
        .insertInto('share_links')
        .values({
          org_id: p.orgId,
          app: input.app,
          resource_type: input.resourceType,
          resource_id: input.resourceId,
          filters: JSON.stringify(input.filters ?? {}),
          title: input.title ?? null,
          token_prefix: token.slice(0, PREFIX_LENGTH),
          token_hash: hashSecret(token),
          password_hash: passwordHash,
          expires_at: expiresAt,
          max_views: input.maxViews ?? null,
          created_by: p.userId,
        })
        .returning(VIEW_FIELDS)
        .executeTakeFirstOrThrow();
      await recordAudit(tx, p, {
        orgId: p.orgId,
        action: 'share_link.created',
        targetType: 'share_link',
        targetId: created.id,
        metadata: { app: input.app, resource_type: input.resourceType, resource_id: input.resourceId, expires_at: expiresAt.toISOString(), max_views: input.maxViews ?? null, password: Boolean(passwordHash) },
      }, options.meta);
      return created;
    });
    return { link: toView(row), token, url: shareUrl(this.baseUrl(options.baseUrl), token) };
  }

  async list(p: Principal, filter: ShareListFilter = {}): Promise<Page<ShareLinkView>> {
    return withTenant(this.db, p, async (tx) => {
      let q = tx.selectFrom('share_links').where('org_id', '=', p.orgId);
      if (filter.app) q = q.where('app', '=', filter.app);
      if (filter.resourceType) q = q.where('resource_type', '=', filter.resourceType);
      if (filter.resourceId) q = q.where('resource_id', '=', filter.resourceId);
      if (filter.status && filter.status !== 'all') {
        const status = filter.status;
        q = q.where((eb) => statusCondition(eb, status));
      }
      const found = await fetchPage(q, pageRequest(filter), (filtered) => filtered.select(VIEW_FIELDS).orderBy('created_at', 'desc').orderBy('id', 'desc'));
      return mapPage(found, toView);
    });
  }

  /** By id, or by token (apps address links by token, e.g. PUT /v1/share-links/{token}). */
  get(p: Principal, ref: string): Promise<ShareLinkView> {
    return withTenant(this.db, p, async (tx) => {
      const row = await tx.selectFrom('share_links').select(VIEW_FIELDS).where('org_id', '=', p.orgId).where(refCondition(ref)).executeTakeFirst();
      if (!row) throw notFound('Share link');
      return toView(row);
    });
  }

  async update(p: Principal, ref: string, input: UpdateShareInput, meta?: RequestMeta): Promise<ShareLinkView> {
    const expiresAt = this.expiryFrom(input);
    checkPassword(input.password);
    const passwordHash = input.password ? await hashPassword(input.password) : input.password === null ? null : undefined;
    return withTenant(this.db, p, async (tx) => {
      const current = await tx.selectFrom('share_links').select(['id', 'revoked_at', 'view_count']).where('org_id', '=', p.orgId).where(refCondition(ref)).forUpdate().executeTakeFirst();
      if (!current) throw notFound('Share link');
      if (current.revoked_at) throw conflict('This share link was revoked and cannot be changed: create a new one', 'SHARE_REVOKED');
      if (input.maxViews != null && input.maxViews < current.view_count) {
        throw unprocessable(`max_views cannot be below the ${current.view_count} views already counted`, 'MAX_VIEWS_BELOW_COUNT');
      }
      const changes: Record<string, unknown> = {};
      if (input.title !== undefined) changes.title = input.title;
      if (expiresAt) changes.expires_at = expiresAt;
      if (input.maxViews !== undefined) changes.max_views = input.maxViews;
      if (passwordHash !== undefined) changes.password_hash = passwordHash;
      const row = await tx
        .updateTable('share_links')
        .set({ ...changes, updated_at: new Date() })
        .where('org_id', '=', p.orgId)
        .where('id', '=', current.id)
        .returning(VIEW_FIELDS)
        .executeTakeFirstOrThrow();
      const audited = { ...changes };
      if ('password_hash' in audited) {
        delete audited.password_hash;
        audited.password = passwordHash ? 'set' : 'removed';
      }
      await recordAudit(tx, p, { orgId: p.orgId, action: 'share_link.updated', targetType: 'share_link', targetId: row.id, metadata: audited }, meta);
      return toView(row);
    });
  }

  revoke(p: Principal, ref: string, meta?: RequestMeta): Promise<void> {
    return withTenant(this.db, p, async (tx) => {
      const row = await tx
        .updateTable('share_links')
        .set({ revoked_at: new Date(), updated_at: new Date() })
        .where('org_id', '=', p.orgId)
        .where(refCondition(ref))
        .where('revoked_at', 'is', null)
        .returning('id')
        .executeTakeFirst();
      if (!row) throw notFound('Share link');
      await recordAudit(tx, p, { orgId: p.orgId, action: 'share_link.revoked', targetType: 'share_link', targetId: row.id }, meta);
    });
  }

  /**
   * The public side: check the token (and password), count the view, return what to show.
   * Unknown, tampered, expired, revoked and used-up links all fail the same way (404).
   * The view is counted by one conditional UPDATE, so concurrent visitors can never push a
   * link past max_views.
   */
  async resolve(token: string, options: ResolveOptions): Promise<ResolvedShare> {
    const row = await this.findUsable(token);
    await options.admit?.({ linkId: row.id, orgId: row.org_id, app: row.app });
    if (row.password_hash && !(options.unlock && isValidUnlock(row, options.unlock))) {
      if (!options.password) throw sharePasswordRequired();
      // Every guess counts (the limiter has no "peek"), so a correct password is never
      // distinguishable from a wrong one once the limit is reached. Per link and IP first,
      // then per link alone: behind a proxy (or with many addresses) an attacker can rotate
      // IPs, and the link-wide cap still locks guessing for the window.
      const sharing = this.deps.config.sharing;
      const wait = await this.deps.rateLimiter.check(`share-password:${row.id}:${options.ip}`, sharing.passwordAttemptsPerMinute);
      if (wait) throw tooManyRequests(wait, 'Too many password attempts for this share link');
      const lockout = await this.deps.rateLimiter.check(`share-password-link:${row.id}`, sharing.passwordAttemptsPerLink, sharing.passwordLockoutMinutes * 60_000);
      if (lockout) throw tooManyRequests(lockout, 'Too many password attempts for this share link: it is locked for a while; ask its owner if you cannot wait');
      if (!(await verifyPassword(row.password_hash, options.password))) throw sharePasswordWrong();
    }
    const counted = await withSystem(this.db, (tx) =>
      tx
        .updateTable('share_links')
        .set({ view_count: sql`view_count + 1`, last_viewed_at: sql`now()` })
        .where('id', '=', row.id)
        .where((eb) => statusCondition(eb, 'active'))
        .returning(['view_count'])
        .executeTakeFirst(),
    );
    if (!counted) throw shareNotFound();
    const base = this.baseUrl(options.baseUrl);
    return {
      linkId: row.id,
      orgId: row.org_id,
      app: row.app,
      resourceType: row.resource_type,
      resourceId: row.resource_id,
      filters: row.filters,
      title: row.title,
      expiresAt: row.expires_at,
      maxViews: row.max_views,
      viewCount: counted.view_count,
      createdAt: row.created_at,
      url: shareUrl(base, token),
      qrUrl: `${shareUrl(base, token)}/qr`,
    };
  }

  /** Is this token a live link? For the QR code, which must not count a view or need the password. */
  async peek(token: string): Promise<{ linkId: string; orgId: string; app: string }> {
    const row = await this.findUsable(token);
    return { linkId: row.id, orgId: row.org_id, app: row.app };
  }

  /**
   * The value a browser keeps (cookie) after entering the right password, so the next page
   * view does not ask again. Keyed by the password hash: changing or removing the password
   * invalidates every remembered unlock, and nothing new needs to be stored.
   */
  async unlockValue(token: string): Promise<string | null> {
    const row = await this.findUsable(token);
    return row.password_hash ? unlockFor(row) : null;
  }

  private async findUsable(token: string): Promise<ShareRow & { org_id: string }> {
    if (!TOKEN_SHAPE.test(token)) throw shareNotFound();
    const row = await withSystem(this.db, (tx) =>
      tx
        .selectFrom('share_links as s')
        .innerJoin('orgs as o', 'o.id', 's.org_id')
        .select(VIEW_FIELDS.map((f) => `s.${f}` as const))
        .select(['s.org_id', 'o.status as org_status'])
        .where('s.token_hash', '=', hashSecret(token))
        .executeTakeFirst(),
    );
    if (!row || row.org_status !== 'active' || statusOf(row) !== 'active') throw shareNotFound();
    return row;
  }

  private expiryFrom(input: { expiresInDays?: number; expiresAt?: Date }): Date | undefined {
    const max = this.deps.config.sharing.maxExpiryDays;
    if (input.expiresInDays !== undefined && input.expiresAt !== undefined) {
      throw unprocessable('Give either expires_in_days or expires_at, not both', 'AMBIGUOUS_EXPIRY');
    }
    if (input.expiresInDays !== undefined) {
      if (!(input.expiresInDays > 0) || input.expiresInDays > max) throw unprocessable(`expires_in_days must be between 1 and ${max}`, 'INVALID_EXPIRY');
      return new Date(Date.now() + input.expiresInDays * DAY_MS);
    }
    if (input.expiresAt !== undefined) {
      const at = input.expiresAt.getTime();
      if (Number.isNaN(at) || at <= Date.now()) throw unprocessable('expires_at must be in the future', 'INVALID_EXPIRY');
      if (at > Date.now() + max * DAY_MS) throw unprocessable(`expires_at must be within ${max} days`, 'INVALID_EXPIRY');
      return input.expiresAt;
    }
    return undefined;
  }

  private baseUrl(given?: string): string {
    return (given ?? this.deps.config.publicUrl ?? `http://localhost:${this.deps.config.port}`).replace(/\/+$/, '');
  }
}

/**
 * Apps call the service directly, past any route schema: the same rules as the table's
 * constraints, checked here so a mistake is a 422 naming the field, not a database error.
 */
function checkCreateInput(input: CreateShareInput) {
  if (!/^[a-z][a-z0-9_-]{0,39}$/.test(input.app)) throw unprocessable('app must be a lower-case app name such as "visant"', 'INVALID_SHARE');
  if (!/^[a-z][a-z0-9_.-]{0,63}$/.test(input.resourceType)) throw unprocessable('resourceType must be a lower-case type such as "device"', 'INVALID_SHARE');
  if (!input.resourceId || input.resourceId.length > 200) throw unprocessable('resourceId must be 1 to 200 characters', 'INVALID_SHARE');
  if (input.title != null && input.title.length > 200) throw unprocessable('title must be at most 200 characters', 'INVALID_SHARE');
  if (input.filters != null && (typeof input.filters !== 'object' || Array.isArray(input.filters))) throw unprocessable('filters must be an object', 'INVALID_SHARE');
  if (input.maxViews != null && !(Number.isInteger(input.maxViews) && input.maxViews > 0)) throw unprocessable('maxViews must be a positive whole number', 'INVALID_SHARE');
  checkPassword(input.password);
}

function checkPassword(password: string | null | undefined) {
  if (password == null) return;
  if (password.length < SHARE_PASSWORD_MIN_LENGTH || password.length > SHARE_PASSWORD_MAX_LENGTH) {
    throw unprocessable(`password must be ${SHARE_PASSWORD_MIN_LENGTH} to ${SHARE_PASSWORD_MAX_LENGTH} characters: choose a longer one`, 'INVALID_SHARE');
  }
}

export function shareUrl(baseUrl: string, token: string): string {
  return `${baseUrl}/s/${token}`;
}

export function statusOf(row: Pick<ShareRow, 'revoked_at' | 'expires_at' | 'max_views' | 'view_count'>, now = Date.now()): ShareStatus {
  if (row.revoked_at) return 'revoked';
  if (row.expires_at.getTime() <= now) return 'expired';
  if (row.max_views != null && row.view_count >= row.max_views) return 'exhausted';
  return 'active';
}

function statusCondition(eb: ExpressionBuilder<PlatformTables, 'share_links'>, status: ShareStatus): Expression<SqlBool> {
  switch (status) {
    case 'revoked':
      return eb('revoked_at', 'is not', null);
    case 'expired':
      return eb.and([eb('revoked_at', 'is', null), eb('expires_at', '<=', sql<Date>`now()`)]);
    case 'exhausted':
      return eb.and([eb('revoked_at', 'is', null), eb('expires_at', '>', sql<Date>`now()`), eb('max_views', 'is not', null), eb('view_count', '>=', eb.ref('max_views'))]);
    case 'active':
      return eb.and([
        eb('revoked_at', 'is', null),
        eb('expires_at', '>', sql<Date>`now()`),
        eb.or([eb('max_views', 'is', null), eb('view_count', '<', eb.ref('max_views'))]),
      ]);
  }
}

/** A management reference is a link id (UUID) or its token; the two shapes never overlap. */
function refCondition(ref: string) {
  return (eb: ExpressionBuilder<PlatformTables, 'share_links'>): Expression<SqlBool> => {
    if (UUID_SHAPE.test(ref)) return eb('id', '=', ref);
    if (TOKEN_SHAPE.test(ref)) return eb('token_hash', '=', hashSecret(ref));
    return sql<SqlBool>`false`;
  };
}

function toView(row: ShareRow): ShareLinkView {
  const { password_hash, ...rest } = row;
  return { ...rest, filters: row.filters, has_password: password_hash !== null, status: statusOf(row) };
}

function unlockFor(row: Pick<ShareRow, 'id' | 'password_hash'>): string {
  return createHmac('sha256', row.password_hash ?? '').update(`share-unlock:${row.id}`).digest('base64url');
}

function isValidUnlock(row: Pick<ShareRow, 'id' | 'password_hash'>, unlock: string): boolean {
  return secretsEqual(unlockFor(row), unlock);
}

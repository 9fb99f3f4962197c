import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The machinery every fake network shares: a local HTTP server on 127.0.0.1 with a tiny
 * router, a record of every request, scripted faults (the next N matching requests answer
 * 429/401/500 or answer slowly), an access-token store (issue, expire, revoke), and an OAuth
 * 2 authorization server with PKCE (S256) that auto-approves: GET on the authorize URL
 * redirects straight back with a code, which is what a browser journey needs.
 */
export interface FakeRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  raw: Buffer;
  params: Record<string, string>;
  json<T = unknown>(): T;
  /** urlencoded or multipart body, parsed as fetch's Request would. */
  form(): Promise<FormData>;
  bearer(): string | undefined;
}

export interface FakeReply {
  status?: number;
  json?: unknown;
  body?: string | Buffer;
  headers?: Record<string, string>;
}

export type Handler = (req: FakeRequest) => FakeReply | Promise<FakeReply>;

export interface Fault {
  /** Only requests whose path matches (default: every request). */
  path?: RegExp;
  /** How many requests this fault answers (default 1). */
  times?: number;
  /** Wait this long before answering (a slow network). */
  delayMs?: number;
  /** Answer with this instead of the real handler; absent with delayMs: answer normally, late. */
  reply?: FakeReply;
}

export interface RecordedCall {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
}

interface TokenGrant {
  accountId: string;
  expiresAt: number;
  scopes: string[];
}

interface PendingCode {
  clientId: string;
  redirectUri: string;
  challenge?: string;
  scopes: string[];
  accountId: string;
}

export class FakeHttpServer {
  readonly calls: RecordedCall[] = [];
  private readonly routes: Array<{ method: string; pattern: RegExp; keys: string[]; handler: Handler }> = [];
  private faults: Fault[] = [];
  private server?: Server;
  baseUrl = '';
  /** Access tokens and refresh tokens the fake has issued. */
  readonly accessTokens = new Map<string, TokenGrant>();
  readonly refreshTokens = new Map<string, { accountId: string; clientId: string; scopes: string[] }>();
  private readonly codes = new Map<string, PendingCode>();
  private seq = 0;
  /** Lifetime of issued access tokens, in seconds. */
  tokenLifetimeSeconds = 7200;

  constructor(readonly name: string) {}

  route(method: string, path: string, handler: Handler): this {
    const keys: string[] = [];
    const pattern = new RegExp(`^${path.replace(/:(\w+)/g, (_, k: string) => (keys.push(k), '([^/]+)'))}$`);
    this.routes.push({ method, pattern, keys, handler });
    return this;
  }

  /** A new id, increasing, unique within this fake. */
  nextId(prefix = ''): string {
    return `${prefix}${Date.now()}${String(++this.seq).padStart(4, '0')}`;
  }

  fault(fault: Fault): void {
    this.faults.push({ times: 1, ...fault });
  }

  /** The next matching request(s) answer 429 with these headers. */
  rateLimitNext(headers: Record<string, string>, path?: RegExp, json: unknown = { error: 'rate limited' }): void {
    this.fault({ path, reply: { status: 429, headers, json } });
  }

  failNext(status: number, path?: RegExp, json: unknown = { error: 'internal error' }, times = 1): void {
    this.fault({ path, times, reply: { status, json } });
  }

  slowNext(delayMs: number, path?: RegExp): void {
    this.fault({ path, delayMs });
  }

  callsTo(path: RegExp, method?: string): RecordedCall[] {
    return this.calls.filter((c) => path.test(c.path) && (!method || c.method === method));
  }

  // --- tokens -------------------------------------------------------------------------

  issueTokens(accountId: string, clientId = 'fake-client', scopes: string[] = []) {
    const accessToken = `at-${this.name}-${randomBytes(12).toString('hex')}`;
    const refreshToken = `rt-${this.name}-${randomBytes(12).toString('hex')}`;
    this.accessTokens.set(accessToken, { accountId, expiresAt: Date.now() + this.tokenLifetimeSeconds * 1000, scopes });
    this.refreshTokens.set(refreshToken, { accountId, clientId, scopes });
    return { accessToken, refreshToken, expiresIn: this.tokenLifetimeSeconds };
  }

  /** The account a bearer token belongs to, or undefined when unknown, expired or revoked. */
  tokenAccount(token: string | undefined): string | undefined {
    const grant = token ? this.accessTokens.get(token) : undefined;
    return grant && grant.expiresAt > Date.now() ? grant.accountId : undefined;
  }

  /** Revokes an access token (and, with all, every token of its account): the next call answers 401. */
  revoke(accessToken: string, all = false): void {
    const grant = this.accessTokens.get(accessToken);
    this.accessTokens.delete(accessToken);
    if (all && grant) {
      for (const [t, g] of this.accessTokens) if (g.accountId === grant.accountId) this.accessTokens.delete(t);
      for (const [t, g] of this.refreshTokens) if (g.accountId === grant.accountId) this.refreshTokens.delete(t);
    }
  }

  expire(accessToken: string): void {
    const grant = this.accessTokens.get(accessToken);
    if (grant) grant.expiresAt = 0;
  }

  // --- OAuth 2 with PKCE ---------------------------------------------------------------

  /**
   * GET authorize: validates the request and redirects back with a code for `accountFor(clientId)`.
   * `requirePkce` makes a missing code_challenge an error (X and Mastodon require it).
   */
  oauthAuthorize(path: string, opts: { clients: () => Map<string, { secret: string; redirectUris?: string[] }>; accountId: () => string; requirePkce: boolean; scopeSeparator?: RegExp }): this {
    return this.route('GET', path, (req) => {
      const q = req.query;
      const client = opts.clients().get(q.get('client_id') ?? '');
      const redirectUri = q.get('redirect_uri') ?? '';
      if (!client) return { status: 400, json: { error: 'invalid_client', error_description: 'unknown client_id' } };
      if (client.redirectUris && !client.redirectUris.includes(redirectUri)) return { status: 400, json: { error: 'invalid_request', error_description: 'redirect_uri not registered' } };
      if (q.get('response_type') !== 'code') return { status: 400, json: { error: 'unsupported_response_type' } };
      const challenge = q.get('code_challenge') ?? undefined;
      if (opts.requirePkce && (!challenge || q.get('code_challenge_method') !== 'S256')) {
        return { status: 400, json: { error: 'invalid_request', error_description: 'code_challenge with code_challenge_method=S256 is required' } };
      }
      const code = `code-${randomBytes(10).toString('hex')}`;
      this.codes.set(code, { clientId: q.get('client_id')!, redirectUri, challenge, scopes: (q.get('scope') ?? '').split(opts.scopeSeparator ?? / /).filter(Boolean), accountId: opts.accountId() });
      const back = new URL(redirectUri);
      back.searchParams.set('code', code);
      if (q.get('state')) back.searchParams.set('state', q.get('state')!);
      return { status: 302, headers: { location: back.toString() } };
    });
  }

  /**
   * Token endpoint (form-encoded): authorization_code (checks redirect_uri, client and the PKCE
   * verifier against the stored challenge; codes are single-use) and refresh_token (rotates).
   */
  oauthToken(
    path: string,
    opts: {
      clients: () => Map<string, { secret: string }>;
      clientAuth: 'basic' | 'body';
      rotateRefresh: boolean;
      extra?: (grant: { accountId: string }) => Record<string, unknown>;
      /** Network-specific grants (Facebook's fb_exchange_token), after client authentication. */
      extraGrants?: Record<string, (form: URLSearchParams, clientId: string) => FakeReply>;
    },
  ): this {
    return this.route('POST', path, async (req) => {
      const form = new URLSearchParams(req.raw.toString('utf8'));
      let clientId = form.get('client_id') ?? '';
      let secret = form.get('client_secret') ?? undefined;
      const basic = /^Basic (.+)$/.exec(req.headers.authorization ?? '')?.[1];
      if (basic) [clientId, secret] = Buffer.from(basic, 'base64').toString('utf8').split(':').map(decodeURIComponent);
      if (opts.clientAuth === 'basic' && !basic && secret) return { status: 400, json: { error: 'invalid_client', error_description: 'confidential clients authenticate with HTTP Basic' } };
      const client = opts.clients().get(clientId);
      if (!client || (secret !== undefined && secret !== client.secret)) return { status: 401, json: { error: 'invalid_client', error_description: 'client authentication failed' } };
      const grantType = form.get('grant_type');
      const custom = grantType ? opts.extraGrants?.[grantType] : undefined;
      if (custom) return custom(form, clientId);
      if (grantType === 'authorization_code') {
        const code = this.codes.get(form.get('code') ?? '');
        if (!code || code.clientId !== clientId) return { status: 400, json: { error: 'invalid_grant', error_description: 'authorization code is invalid or was already used' } };
        this.codes.delete(form.get('code')!);
        if (code.redirectUri !== form.get('redirect_uri')) return { status: 400, json: { error: 'invalid_grant', error_description: 'redirect_uri does not match the authorization request' } };
        if (code.challenge) {
          const verifier = form.get('code_verifier') ?? '';
          if (createHash('sha256').update(verifier).digest('base64url') !== code.challenge) return { status: 400, json: { error: 'invalid_grant', error_description: 'code_verifier does not match code_challenge' } };
        }
        const t = this.issueTokens(code.accountId, clientId, code.scopes);
        return { json: { token_type: 'bearer', access_token: t.accessToken, refresh_token: t.refreshToken, expires_in: t.expiresIn, scope: code.scopes.join(' '), ...opts.extra?.({ accountId: code.accountId }) } };
      }
      if (grantType === 'refresh_token') {
        const old = form.get('refresh_token') ?? '';
        const grant = this.refreshTokens.get(old);
        if (!grant || grant.clientId !== clientId) return { status: 400, json: { error: 'invalid_grant', error_description: 'refresh token is invalid or revoked' } };
        if (opts.rotateRefresh) this.refreshTokens.delete(old);
        const t = this.issueTokens(grant.accountId, clientId, grant.scopes);
        if (!opts.rotateRefresh) this.refreshTokens.delete(t.refreshToken);
        return { json: { token_type: 'bearer', access_token: t.accessToken, expires_in: t.expiresIn, scope: grant.scopes.join(' '), ...(opts.rotateRefresh ? { refresh_token: t.refreshToken } : {}) } };
      }
      return { status: 400, json: { error: 'unsupported_grant_type' } };
    });
  }

  // --- server --------------------------------------------------------------------------

  async start(): Promise<string> {
    this.server = createServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      const raw = Buffer.concat(chunks);
      const url = new URL(req.url ?? '/', 'http://fake');
      const method = req.method ?? 'GET';
      this.calls.push({ method, path: url.pathname, headers: req.headers });
      let reply: FakeReply;
      try {
        const fault = this.takeFault(url.pathname);
        if (fault?.delayMs) await new Promise((r) => setTimeout(r, fault.delayMs));
        if (res.destroyed) return;
        reply = fault?.reply ?? (await this.dispatch(method, url, req.headers, raw));
      } catch (err) {
        reply = { status: 500, json: { error: `fake ${this.name} crashed: ${(err as Error).message}` } };
      }
      if (res.destroyed) return;
      const headers: Record<string, string> = { ...reply.headers };
      let body: string | Buffer = reply.body ?? '';
      if (reply.json !== undefined) {
        headers['content-type'] ??= 'application/json';
        body = JSON.stringify(reply.json);
      }
      res.writeHead(reply.status ?? 200, headers).end(body);
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.baseUrl = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.baseUrl;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    await new Promise<void>((resolve, reject) => {
      server.close((err) => (err ? reject(err) : resolve()));
      server.closeAllConnections();
    });
  }

  private takeFault(path: string): Fault | undefined {
    const i = this.faults.findIndex((f) => !f.path || f.path.test(path));
    if (i < 0) return undefined;
    const fault = this.faults[i];
    if (--fault.times! <= 0) this.faults.splice(i, 1);
    return fault;
  }

  private async dispatch(method: string, url: URL, headers: IncomingHttpHeaders, raw: Buffer): Promise<FakeReply> {
    for (const r of this.routes) {
      if (r.method !== method) continue;
      const m = r.pattern.exec(url.pathname);
      if (!m) continue;
      const params = Object.fromEntries(r.keys.map((k, i) => [k, decodeURIComponent(m[i + 1])]));
      return r.handler({
        method,
        path: url.pathname,
        query: url.searchParams,
        headers,
        raw,
        params,
        json: () => JSON.parse(raw.toString('utf8')),
        form: () => new Response(new Uint8Array(raw), { headers: { 'content-type': headers['content-type'] ?? 'application/octet-stream' } }).formData(),
        bearer: () => /^Bearer (.+)$/i.exec(headers.authorization ?? '')?.[1],
      });
    }
    return { status: 404, json: { error: `fake ${this.name}: no route for ${method} ${url.pathname}` } };
  }
}

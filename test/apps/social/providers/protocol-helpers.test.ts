import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { buildAuthorizeUrl, createPkce, pkceChallenge } from '../../../../src/apps/social/oauth/pkce.js';
import { retryAfterSeconds } from '../../../../src/apps/social/providers/retry-after.js';
import { resolveConfig } from '../../../../src/apps/social/providers/adapter-config.js';
import { graphUsageWait } from '../../../../src/apps/social/providers/meta-graph.js';
import { ProviderError } from '../../../../src/apps/social/providers/errors.js';
import { MastodonProvider } from '../../../../src/apps/social/providers/mastodon.js';
import { createServer } from 'node:net';

describe('PKCE', () => {
  it('matches RFC 7636 appendix B and makes a fresh 43-character verifier each time', () => {
    assert.equal(pkceChallenge('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk'), 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
    const a = createPkce();
    const b = createPkce();
    assert.match(a.verifier, /^[A-Za-z0-9_-]{43}$/);
    assert.notEqual(a.verifier, b.verifier);
    assert.equal(a.challenge, createHash('sha256').update(a.verifier).digest('base64url'));
  });

  it('builds the authorize URL with every parameter the code flow needs', () => {
    const url = new URL(buildAuthorizeUrl('https://auth.example/authorize?prompt=consent', { clientId: 'c', redirectUri: 'https://app/cb', scopes: ['a', 'b'], state: 'st', codeChallenge: 'ch', scopeSeparator: ',' }));
    assert.deepEqual(Object.fromEntries(url.searchParams), { prompt: 'consent', response_type: 'code', client_id: 'c', redirect_uri: 'https://app/cb', scope: 'a,b', state: 'st', code_challenge: 'ch', code_challenge_method: 'S256' });
  });
});

describe('retry-after headers', () => {
  const now = new Date('2026-11-30T12:00:00Z');
  const wait = (h: Record<string, string>) => retryAfterSeconds(new Headers(h), now);
  it('reads seconds, HTTP dates, epoch seconds and ISO times, in that order of preference', () => {
    assert.equal(wait({ 'retry-after': '17' }), 17);
    assert.equal(wait({ 'retry-after': 'Mon, 30 Nov 2026 12:01:00 GMT' }), 60);
    assert.equal(wait({ 'x-rate-limit-reset': String(now.getTime() / 1000 + 45) }), 45);
    assert.equal(wait({ 'ratelimit-reset': '30' }), 30);
    assert.equal(wait({ 'ratelimit-reset': String(now.getTime() / 1000 + 600) }), 600);
    assert.equal(wait({ 'x-ratelimit-reset': '2026-11-30T12:05:00.000Z' }), 300);
    assert.equal(wait({ 'retry-after': '5', 'x-rate-limit-reset': String(now.getTime() / 1000 + 99) }), 5);
  });
  it('never less than 1 s, at most an hour, undefined without a usable header', () => {
    assert.equal(wait({ 'x-rate-limit-reset': String(now.getTime() / 1000 - 10) }), 1);
    assert.equal(wait({ 'retry-after': '999999' }), 3600);
    assert.equal(wait({ 'retry-after': 'soon' }), undefined);
    assert.equal(wait({}), undefined);
    assert.equal(graphUsageWait(new Headers({ 'x-business-use-case-usage': '{"1":[{"estimated_time_to_regain_access":3}]}' })), 180);
    assert.equal(graphUsageWait(new Headers({ 'x-business-use-case-usage': 'not json' })), undefined);
  });
});

describe('adapter settings', () => {
  it('are bounded', () => {
    assert.throws(() => resolveConfig({ timeoutMs: 10 }, { apiBaseUrl: 'x', scopes: [] }), /timeoutMs must be between 1000 and 300000/);
    assert.throws(() => resolveConfig({ maxPolls: 0 }, { apiBaseUrl: 'x', scopes: [] }), /maxPolls/);
    assert.equal(resolveConfig({}, { apiBaseUrl: 'x', scopes: [] }).timeoutMs, 30_000);
  });
});

describe('unreachable networks', () => {
  it('a refused connection is unavailable (retryable), naming the step', async () => {
    // A port that was free a moment ago: nothing listens there.
    const port = await new Promise<number>((resolve) => {
      const srv = createServer().listen(0, '127.0.0.1', () => {
        const p = (srv.address() as { port: number }).port;
        srv.close(() => resolve(p));
      });
    });
    const masto = new MastodonProvider({ timeoutMs: 2000 });
    await assert.rejects(
      masto.publish({ accessToken: 't', accountId: '1', instanceUrl: `http://127.0.0.1:${port}` }, { text: 'hi', media: [] }),
      (e: ProviderError) => e instanceof ProviderError && e.kind === 'unavailable' && e.retryable && /could not be reached while creating the status/.test(e.message),
    );
  });
});

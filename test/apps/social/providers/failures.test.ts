import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isRetryable } from '../../../../src/platform/errors.js';
import { ProviderError, type ProviderErrorKind } from '../../../../src/apps/social/providers/errors.js';
import type { Network, PostInput } from '../../../../src/apps/social/providers/provider.js';
import { startFakeNetworks, type FakeNetworks } from '../fakes/index.js';
import type { FakeReply } from '../fakes/fake-server.js';
import { connect, fakeImage, type Connected } from './connect.js';

/**
 * The four failure kinds on every network, each produced by the fake the way the real network
 * produces it (its status, body and rate-limit header), through the adapter's publish.
 */
const inSeconds = (s: number) => Math.floor(Date.now() / 1000) + s;

const CASES: Record<Network, { publishPath: RegExp; rateLimit: () => FakeReply; expectedWait: number }> = {
  x: { publishPath: /^\/2\/tweets$/, rateLimit: () => ({ status: 429, headers: { 'x-rate-limit-limit': '100', 'x-rate-limit-remaining': '0', 'x-rate-limit-reset': String(inSeconds(60)) }, json: { title: 'Too Many Requests', detail: 'Too Many Requests', type: 'about:blank', status: 429 } }), expectedWait: 60 },
  linkedin: { publishPath: /^\/rest\/posts$/, rateLimit: () => ({ status: 429, headers: { 'retry-after': '30' }, json: { status: 429, message: 'Resource level throttle APPLICATION DAY limit for calls to this resource is reached.' } }), expectedWait: 30 },
  facebook: {
    publishPath: /\/feed$/,
    // Graph API: a 400 with code 32 (page-level throttling), the wait in the usage header, in minutes.
    rateLimit: () => ({ status: 400, headers: { 'x-business-use-case-usage': JSON.stringify({ '100200300': [{ type: 'pages', call_count: 100, total_cputime: 20, total_time: 30, estimated_time_to_regain_access: 5 }] }) }, json: { error: { message: '(#32) Page request limit reached', type: 'OAuthException', code: 32 } } }),
    expectedWait: 300,
  },
  instagram: {
    publishPath: /\/media$/,
    rateLimit: () => ({ status: 403, headers: { 'x-business-use-case-usage': JSON.stringify({ '17841400000000001': [{ type: 'instagram', estimated_time_to_regain_access: 2 }] }) }, json: { error: { message: 'Application request limit reached', type: 'OAuthException', code: 4 } } }),
    expectedWait: 120,
  },
  bluesky: { publishPath: /createRecord$/, rateLimit: () => ({ status: 429, headers: { 'ratelimit-limit': '5000', 'ratelimit-remaining': '0', 'ratelimit-reset': String(inSeconds(120)), 'ratelimit-policy': '5000;w=3600' }, json: { error: 'RateLimitExceeded', message: 'Rate Limit Exceeded' } }), expectedWait: 120 },
  mastodon: { publishPath: /^\/api\/v1\/statuses$/, rateLimit: () => ({ status: 429, headers: { 'x-ratelimit-limit': '300', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': new Date(Date.now() + 90_000).toISOString() }, json: { error: 'Too many requests' } }), expectedWait: 90 },
};

const post = (network: Network): PostInput => ({ text: `Hello from the ${network} failure tests`, media: network === 'instagram' ? [fakeImage()] : [] });

async function rejectsWith(promise: Promise<unknown>, kind: ProviderErrorKind, network: Network): Promise<ProviderError> {
  const err = await promise.then(
    () => assert.fail(`expected ${kind}, the publish succeeded`),
    (e: unknown) => e,
  );
  assert.ok(err instanceof ProviderError, `expected a ProviderError, got ${(err as Error).stack}`);
  assert.equal(err.kind, kind, err.message);
  assert.equal(err.network, network);
  return err;
}

describe('provider failures on every network', () => {
  let fakes: FakeNetworks;
  before(async () => {
    fakes = await startFakeNetworks({ timeoutMs: 1000 });
  });
  after(() => fakes.close());

  for (const network of Object.keys(CASES) as Network[]) {
    describe(network, () => {
      let account: Connected;
      before(async () => {
        account = await connect(fakes, network);
      });

      it('429 (or the network\'s throttling answer) → rate_limited with the wait from its headers', async () => {
        const c = CASES[network];
        fakes[network].fault({ path: c.publishPath, reply: c.rateLimit() });
        const err = await rejectsWith(account.provider.publish(account.tokens, post(network)), 'rate_limited', network);
        assert.ok(Math.abs(err.retryAfterSeconds! - c.expectedWait) <= 2, `retryAfter ${err.retryAfterSeconds}, expected about ${c.expectedWait}`);
        assert.equal(err.headers?.['retry-after'], String(err.retryAfterSeconds));
        assert.equal(isRetryable(err), true);
      });

      it('5xx → unavailable, retryable, with the network\'s message', async () => {
        fakes[network].failNext(503, CASES[network].publishPath, network === 'mastodon' ? { error: 'Service Unavailable: maintenance' } : { error: { message: 'Service Unavailable: maintenance' }, message: 'Service Unavailable: maintenance', detail: 'Service Unavailable: maintenance' });
        const err = await rejectsWith(account.provider.publish(account.tokens, post(network)), 'unavailable', network);
        assert.match(err.message, /503/);
        assert.match(err.message, /maintenance/);
        assert.equal(isRetryable(err), true);
      });

      it('an answer slower than the timeout → unavailable (the request is aborted)', async () => {
        fakes[network].slowNext(2500, CASES[network].publishPath);
        const err = await rejectsWith(account.provider.publish(account.tokens, post(network)), 'unavailable', network);
        assert.match(err.message, /did not answer within 1 s/);
      });

      it('a revoked token → auth_revoked, not retryable, asking for a reconnect', async () => {
        const fresh = await connect(fakes, network);
        fakes[network].revoke(fresh.tokens.accessToken);
        const err = await rejectsWith(fresh.provider.publish(fresh.tokens, post(network)), 'auth_revoked', network);
        assert.match(err.message, /reconnect/i);
        assert.equal(isRetryable(err), false);
        assert.equal(err.code, 'SOCIAL_RECONNECT_NEEDED');
      });

      it('after all that, the account still publishes (faults were one-shot)', async () => {
        const result = await account.provider.publish(account.tokens, post(network));
        assert.ok(result.remoteId);
        assert.match(result.url, /^https?:\/\//);
      });
    });
  }
});

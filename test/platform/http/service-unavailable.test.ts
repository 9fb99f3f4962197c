import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import pg from 'pg';
import { asServiceUnavailable } from '../../../src/platform/http/service-unavailable.js';
import { RateLimiter, type RateLimitStore } from '../../../src/platform/http/rate-limiter.js';
import { AppError } from '../../../src/platform/errors.js';

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('a service behind the request that cannot be reached answers 503, not 500', () => {
  it('a database connection that is refused (a real node-postgres error) is a 503 with Retry-After', async () => {
    const client = new pg.Client({ host: '127.0.0.1', port: await closedPort(), user: 'nobody', database: 'none' });
    const err = await client.connect().then(() => undefined, (e: unknown) => e);
    assert.ok(err, 'connecting to a closed port fails');
    const answer = asServiceUnavailable(err);
    assert.ok(answer instanceof AppError);
    assert.equal(answer.status, 503);
    assert.equal(answer.code, 'SERVICE_UNAVAILABLE');
    assert.equal(answer.headers?.['retry-after'], '5');
    assert.equal(answer.retryable, true);
  });

  it('PostgreSQL shutting down, a lost connection, or one wrapped in a cause, is DATABASE_UNAVAILABLE', () => {
    for (const err of [
      Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }),
      Object.assign(new Error('server conn crashed?'), { code: '08P01' }),
      new Error('Connection terminated unexpectedly'),
      new Error('saving the capture failed', { cause: new Error('Connection terminated unexpectedly') }),
    ]) {
      assert.equal(asServiceUnavailable(err)?.code, 'DATABASE_UNAVAILABLE', err.message);
    }
  });

  it('S3 answering 5xx (after the SDK retried) is STORAGE_UNAVAILABLE; its 4xx are not', () => {
    const s3 = (status: number, fault: 'client' | 'server', name: string) => Object.assign(new Error(name), { name, $fault: fault, $metadata: { httpStatusCode: status } });
    assert.equal(asServiceUnavailable(s3(500, 'server', 'InternalError'))?.code, 'STORAGE_UNAVAILABLE');
    assert.equal(asServiceUnavailable(s3(503, 'server', 'SlowDown'))?.code, 'STORAGE_UNAVAILABLE');
    assert.equal(asServiceUnavailable(s3(403, 'client', 'AccessDenied')), undefined, 'a refused credential is a bug to log, not an outage');
  });

  it('a full disk (ENOSPC, EDQUOT), however wrapped, is 507 STORAGE_FULL: the operator\'s to fix, safe to send again', () => {
    for (const err of [
      Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' }),
      new Error('storing the upload failed', { cause: Object.assign(new Error('EDQUOT: disk quota exceeded'), { code: 'EDQUOT' }) }),
    ]) {
      const answer = asServiceUnavailable(err);
      assert.equal(answer?.status, 507, err.message);
      assert.equal(answer?.code, 'STORAGE_FULL');
      assert.equal(answer?.retryable, true);
    }
  });

  it('anything else stays a 500', () => {
    assert.equal(asServiceUnavailable(new Error('boom')), undefined);
    assert.equal(asServiceUnavailable(Object.assign(new Error('duplicate key'), { code: '23505' })), undefined);
    assert.equal(asServiceUnavailable(undefined), undefined);
  });

  it('a rate limit that cannot be counted fails closed: 503 RATE_LIMIT_UNAVAILABLE, never a pass', async () => {
    const unreachable: RateLimitStore = {
      hit: () => Promise.reject(new Error('Reached the max retries per request limit (which is 2)')),
      close: async () => {},
    };
    await assert.rejects(new RateLimiter(unreachable).check('login-ip:127.0.0.1', 5), (err: unknown) => {
      assert.ok(err instanceof AppError);
      assert.equal(err.status, 503);
      assert.equal(err.code, 'RATE_LIMIT_UNAVAILABLE');
      return true;
    });
  });
});

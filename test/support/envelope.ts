import assert from 'node:assert/strict';
import type { LightMyRequestResponse } from 'fastify';

/**
 * Asserts a response is an error in the platform envelope with the given status (and code),
 * never a 500, and returns the parsed body for further checks.
 */
export function assertError(res: LightMyRequestResponse, status: number, code?: string) {
  assert.equal(res.statusCode, status, `expected ${status}${code ? ` ${code}` : ''}, got ${res.statusCode}: ${res.body}`);
  const body = res.json();
  assert.equal(body.success, false, 'envelope has success:false');
  assert.equal(typeof body.error, 'string', 'envelope has an error message');
  assert.ok(body.error.length > 0, 'the error message is not empty');
  assert.equal(typeof body.code, 'string', 'envelope has a code');
  assert.equal(typeof body.requestId, 'string', 'envelope has a requestId');
  assert.equal(res.headers['x-request-id'], body.requestId, 'requestId matches the x-request-id header');
  if (code) assert.equal(body.code, code, `error code (${body.error})`);
  return body as { success: false; error: string; code: string; details?: unknown; requestId: string };
}

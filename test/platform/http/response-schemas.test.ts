import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestPlatform, type TestPlatform } from '../../support/platform.js';
import { installedApps } from '../../../src/apps/index.js';

/**
 * Every documented route declares what it answers on success: the web app's client is
 * generated from /openapi.json, and a route without a 2xx schema is typed `unknown` there, which
 * is how hand-written copies of the answers crept into web/. A JSON answer needs a schema; a
 * file, image, page or stream names its content type; 204 has no body to describe, and neither
 * has a redirect (302 to a presigned URL) when it is the route's success.
 */

interface Operation {
  responses?: Record<string, { description?: string; content?: Record<string, { schema?: Record<string, unknown> }> }>;
}
interface OpenApiDocument {
  paths: Record<string, Record<string, Operation>>;
}

/** "METHOD /path: why" for every operation whose success answer is not described. */
function undescribedSuccesses(spec: OpenApiDocument): string[] {
  const problems: string[] = [];
  for (const [path, operations] of Object.entries(spec.paths)) {
    for (const [method, operation] of Object.entries(operations)) {
      const successes = Object.entries(operation.responses ?? {}).filter(([status]) => status.startsWith('2') || status.startsWith('3'));
      const where = `${method.toUpperCase()} ${path}`;
      if (successes.length === 0) problems.push(`${where}: no 2xx (or redirect) response`);
      for (const [status, response] of successes) {
        if (status === '204' || status.startsWith('3')) continue;
        const content = Object.entries(response.content ?? {});
        if (content.length === 0) problems.push(`${where}: ${status} has no content (declare a response schema, or 204 with noContent())`);
        for (const [type, media] of content) {
          if (!media.schema || Object.keys(media.schema).length === 0) problems.push(`${where}: ${status} ${type} has an empty schema`);
        }
      }
    }
  }
  return problems;
}

describe('response schemas in the OpenAPI description', () => {
  let t: TestPlatform;

  before(async () => {
    t = await startTestPlatform({ apps: installedApps });
  });
  after(async () => {
    await t?.close();
  });

  test('every route declares its success answer', async () => {
    const res = await t.request('GET', '/openapi.json');
    assert.equal(res.statusCode, 200);
    const spec = res.json() as OpenApiDocument;
    const checked = Object.values(spec.paths).flatMap((operations) => Object.keys(operations));
    // Every app's routes are there: the check below is not vacuous.
    assert.ok(checked.length >= 90, `only ${checked.length} operations documented`);
    assert.ok(spec.paths['/visant/v1/captures'] && spec.paths['/api/v1/auth/me'] && spec.paths['/genads/api/campaigns'], 'the platform\'s and every app\'s routes are documented');
    assert.deepEqual(undescribedSuccesses(spec), []);
  });

  test('the check finds a route with no schema, an empty one, or none at all', () => {
    const spec: OpenApiDocument = {
      paths: {
        '/api/v1/undeclared': { get: { responses: { 200: { description: 'Default Response' } } } },
        '/api/v1/empty': { get: { responses: { 200: { content: { 'application/json': { schema: {} } } } } } },
        '/visant/v1/errors-only': { post: { responses: { 400: { content: { 'application/json': { schema: { type: 'object' } } } } } } },
        '/visant/v1/fine': { delete: { responses: { 204: { description: 'Gone' } } }, get: { responses: { 200: { content: { 'image/png': { schema: { type: 'string' } } } } } } },
      },
    };
    assert.deepEqual(undescribedSuccesses(spec), [
      'GET /api/v1/undeclared: 200 has no content (declare a response schema, or 204 with noContent())',
      'GET /api/v1/empty: 200 application/json has an empty schema',
      'POST /visant/v1/errors-only: no 2xx (or redirect) response',
    ]);
  });
});

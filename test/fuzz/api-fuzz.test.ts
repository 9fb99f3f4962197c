import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { fuzz } from './openapi-fuzzer.js';
import { setUpFuzzing, type FuzzSetup } from './fuzz-world.js';

/**
 * The quick run of the /openapi.json fuzzer (npm run fuzz sends 10,000): a few hostile requests
 * per documented route, and none may get a 5xx, a 4xx without the envelope, or the victim's data.
 * FUZZ_SEED repeats a run.
 */
describe('API fuzzer (quick)', () => {
  let setup: FuzzSetup;
  before(async () => {
    setup = await setUpFuzzing();
  });
  after(() => setup?.close());

  it('documents every route it fuzzes, the apps included', () => {
    const paths = new Set(setup.operations.map((o) => o.path));
    for (const path of ['/api/v1/auth/login', '/api/v1/files/{id}', '/visant/v1/captures/{id}', '/genads/api/perfumes/{perfumeId}', '/brandkit/api/brands/{brandId}']) assert.ok(paths.has(path), `${path} is in /openapi.json`);
  });

  it('answers hostile requests on every route with a 4xx envelope or a success that shows nothing of the other tenant', async () => {
    const seed = Number(process.env.FUZZ_SEED ?? Date.now() % 1_000_000);
    const report = await fuzz({ ...setup, total: setup.operations.length * 4, seed });
    const failures = report.failures.slice(0, 20).map((f) => `${f.request}\n  → ${f.problems.join('; ')}`);
    assert.deepEqual(failures, [], `FUZZ_SEED=${seed}: ${report.failures.length} of ${report.requests} requests broke a promise`);
    assert.ok(report.requests >= setup.operations.length * 4);
    if (report.stalls.length) console.log(`# ${report.stalls.length} request(s) stalled and were answered when sent again:\n${report.stalls.join('\n')}`);
    // The requests reach past authentication: some succeed, some are refused for their input.
    assert.ok((report.byStatus['400'] ?? 0) > 0 && Object.keys(report.byStatus).some((s) => s.startsWith('2')), JSON.stringify(report.byStatus));
  });
});

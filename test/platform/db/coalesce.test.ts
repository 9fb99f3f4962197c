import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { coalesce } from '../../../src/platform/db/coalesce.js';

/** A batch runner that records each batch and holds it until released. */
function recorder<O>(answer: (input: number) => O) {
  const batches: Array<{ key: string; inputs: number[] }> = [];
  const releases: Array<() => void> = [];
  const run = async (key: string, inputs: number[]) => {
    batches.push({ key, inputs });
    await new Promise<void>((resolve) => releases.push(resolve));
    return inputs.map(answer);
  };
  /** Resolves once `n` batches have started. */
  const started = async (n: number) => {
    while (batches.length < n) await new Promise((resolve) => setImmediate(resolve));
  };
  return { batches, releases, run, started };
}

describe('coalesce (group commit for small statements)', () => {
  it('runs the calls of one turn together and gives each caller its own answer', async () => {
    const r = recorder((i) => i * 10);
    const call = coalesce(r.run, { max: 100 });
    const answers = Promise.all([1, 2, 3].map((i) => call('org-a', i)));
    await r.started(1);
    r.releases[0]!();
    assert.deepEqual(await answers, [10, 20, 30]);
    assert.deepEqual(r.batches, [{ key: 'org-a', inputs: [1, 2, 3] }]);
  });

  it('sends the calls made while a batch runs together in the next one, and none meanwhile', async () => {
    const r = recorder((i) => i);
    const call = coalesce(r.run, { max: 100 });
    const first = call('org-a', 1);
    await r.started(1);
    const later = Promise.all([call('org-a', 2), call('org-a', 3)]);
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(r.batches.length, 1, 'one batch per key at a time');
    r.releases[0]!();
    await first;
    await r.started(2);
    r.releases[1]!();
    await later;
    assert.deepEqual(r.batches.map((b) => b.inputs), [[1], [2, 3]]);
  });

  it('keeps keys apart: another key does not wait for a running batch', async () => {
    const r = recorder((i) => i);
    const call = coalesce(r.run, { max: 100 });
    const a = call('org-a', 1);
    const b = call('org-b', 2);
    await r.started(2);
    assert.deepEqual(r.batches.map((x) => x.key).sort(), ['org-a', 'org-b']);
    r.releases.forEach((release) => release());
    assert.deepEqual([await a, await b], [1, 2]);
  });

  it('splits at max', async () => {
    const r = recorder((i) => i);
    const call = coalesce(r.run, { max: 2 });
    const all = Promise.all([1, 2, 3, 4, 5].map((i) => call('k', i)));
    for (let n = 1; n <= 3; n++) {
      await r.started(n);
      r.releases[n - 1]!();
    }
    assert.deepEqual(await all, [1, 2, 3, 4, 5]);
    assert.deepEqual(r.batches.map((b) => b.inputs), [[1, 2], [3, 4], [5]]);
  });

  it('fails every caller of a failed batch with its error, and the next batch still runs', async () => {
    let calls = 0;
    const call = coalesce(async (_key: string, inputs: number[]) => {
      if (calls++ === 0) throw new Error('deadlock detected');
      return inputs;
    }, { max: 100 });
    const failed = [call('k', 1), call('k', 2)];
    for (const f of failed) await assert.rejects(f, /deadlock detected/);
    assert.equal(await call('k', 3), 3);
  });

  it('refuses a batch that answers the wrong number of results', async () => {
    const call = coalesce(async () => [1], { max: 100 });
    await assert.rejects(Promise.all([call('k', 1), call('k', 2)]), /batch of 2 answered 1 results/);
  });
});

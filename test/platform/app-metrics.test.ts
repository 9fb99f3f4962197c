import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import Fastify from 'fastify';
import { metricsPlugin } from '../../src/platform/http/metrics.js';
import { assertAppMetricName, type AppMetric } from '../../src/platform/http/app-metrics.js';

/** Apps add their own metrics to /metrics through TenantryApp.metrics, read at each scrape. */
describe('app metrics in /metrics', () => {
  it('reads each app metric at every scrape, and a failing one does not break the others', async () => {
    let runs = 3;
    const errors: string[] = [];
    const metrics: AppMetric[] = [
      { name: 'demo_runs_total', help: 'runs by outcome', type: 'counter', labelNames: ['status'], collect: async () => [{ labels: { status: 'completed' }, value: runs }, { labels: { status: 'failed' }, value: 1 }] },
      { name: 'demo_queue_depth', help: 'queued', type: 'gauge', collect: async () => [{ value: runs * 2 }] },
      { name: 'demo_broken', help: 'always fails', type: 'gauge', collect: async () => { throw new Error('database away'); } },
    ];
    const app = Fastify();
    await app.register(metricsPlugin, { enabled: true, token: undefined, appMetrics: metrics, onCollectError: (name) => void errors.push(name) });
    try {
      let body = (await app.inject({ method: 'GET', url: '/metrics' })).body;
      assert.match(body, /^demo_runs_total\{status="completed"\} 3$/m);
      assert.match(body, /^demo_runs_total\{status="failed"\} 1$/m);
      assert.match(body, /^demo_queue_depth 6$/m);
      assert.match(body, /# TYPE demo_runs_total counter/);
      assert.doesNotMatch(body, /^demo_broken /m);
      assert.deepEqual(errors, ['demo_broken']);
      runs = 5;
      body = (await app.inject({ method: 'GET', url: '/metrics' })).body;
      assert.match(body, /^demo_runs_total\{status="completed"\} 5$/m, 'the current value, not added to the last one');
      assert.match(body, /^demo_queue_depth 10$/m);
    } finally {
      await app.close();
    }
  });

  it('refuses a metric not named after its app', () => {
    const metric = (name: string): AppMetric => ({ name, help: 'x', type: 'gauge', collect: async () => [] });
    assert.doesNotThrow(() => assertAppMetricName('genads', metric('genads_runs_total')));
    assert.throws(() => assertAppMetricName('genads', metric('visant_queue_depth')), /must be snake_case and start with "genads_"/);
    assert.throws(() => assertAppMetricName('genads', metric('genads-runs')), /snake_case/);
  });
});

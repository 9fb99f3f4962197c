import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestPlatform, type TestPlatform, type TestUser } from '../../support/platform.js';
import { visantApp } from '../../../src/apps/visant/index.js';
import { sceneJpeg } from '../../support/images.js';

/** Collect SSE data frames from a real HTTP stream until `done` says stop or the time runs out. */
async function collect(url: string, token: string, done: (events: Array<{ topic: string; payload: { type: string } }>) => boolean, ms: number, ready: () => void) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), ms);
  const events: Array<{ topic: string; payload: { type: string } }> = [];
  try {
    const res = await fetch(url, { headers: { authorization: `Bearer ${token}` }, signal: controller.signal });
    assert.equal(res.status, 200);
    const decoder = new TextDecoder();
    let buffer = '';
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      buffer += decoder.decode(chunk, { stream: true });
      let i: number;
      while ((i = buffer.indexOf('\n\n')) >= 0) {
        const frame = buffer.slice(0, i);
        buffer = buffer.slice(i + 2);
        const lines = frame.split('\n');
        if (lines.includes('event: ready')) {
          ready();
          continue;
        }
        const data = lines.find((l) => l.startsWith('data: '));
        if (data) events.push(JSON.parse(data.slice(6)));
      }
      if (done(events)) break;
    }
  } catch (err) {
    if ((err as Error).name !== 'AbortError') throw err;
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
  return events;
}

describe('visant live updates', () => {
  let t: TestPlatform;
  let owner: TestUser;
  let other: TestUser;
  let base: string;
  before(async () => {
    t = await startTestPlatform({ apps: [visantApp] });
    owner = await t.signup('live');
    other = await t.signup('live-other');
    await t.server.listen({ host: '127.0.0.1', port: 0 });
    base = `http://127.0.0.1:${(t.server.server.address() as { port: number }).port}`;
  });
  after(() => t.close());

  it('streams new captures and their evaluation to the dashboard, filtered by device and org', async () => {
    const key = (await t.request('POST', '/visant/v1/devices', { token: owner.token, body: { device_id: 'porch' } })).json().api_key;
    await t.request('POST', '/visant/v1/devices', { token: owner.token, body: { device_id: 'garage' } });
    let readyCount = 0;
    let onReady!: () => void;
    const allReady = new Promise<void>((r) => (onReady = r));
    const ready = () => {
      if (++readyCount === 3) onReady();
    };
    const wanted = (evs: Array<{ payload: { type: string } }>) => evs.some((e) => e.payload.type === 'visant.capture.evaluated');
    const porch = collect(`${base}/api/v1/events?topics=visant:device:porch`, owner.token, wanted, 20_000, ready);
    const garage = collect(`${base}/api/v1/events?topics=visant:device:garage`, owner.token, () => false, 4_000, ready);
    const otherOrg = collect(`${base}/api/v1/events?topics=visant:device:porch,visant:captures`, other.token, () => false, 4_000, ready);
    await allReady;
    const res = await t.request('POST', '/visant/v1/captures', { token: key, body: { device_id: 'porch', image_base64: (await sceneJpeg()).toString('base64') } });
    assert.equal(res.statusCode, 201);
    const [porchEvents, garageEvents, otherEvents] = await Promise.all([porch, garage, otherOrg]);
    assert.deepEqual(porchEvents.map((e) => e.payload.type), ['visant.capture.created', 'visant.capture.evaluated']);
    assert.equal(garageEvents.length, 0, 'another device of the same org is filtered out');
    assert.equal(otherEvents.length, 0, "another org never sees this org's events");
  });
});

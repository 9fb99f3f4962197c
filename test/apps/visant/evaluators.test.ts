import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { BaselineEvaluator } from '../../../src/apps/visant/evaluation/baseline-evaluator.js';
import { VisionModelEvaluator } from '../../../src/apps/visant/evaluation/vision-evaluator.js';
import { fingerprint } from '../../../src/apps/visant/evaluation/fingerprint.js';
import { OpenAiCompatibleChat } from '../../../src/platform/ai/openai-chat.js';
import { sceneJpeg } from '../../support/images.js';

async function input(image: Buffer, baseline: Buffer[], history: Buffer[] = []) {
  return {
    image,
    contentType: 'image/jpeg',
    fingerprint: await fingerprint(image),
    normalDescription: 'An empty yard',
    baseline: await Promise.all(baseline.map((b) => fingerprint(b))),
    history: await Promise.all(history.map((h) => fingerprint(h))),
  };
}

/** Frames of the same scene with their own sensor noise. */
const noisy = (seed: number, extra: Parameters<typeof sceneJpeg>[0] = {}) => sceneJpeg({ ...extra, noise: { seed } });
const INTRUDER = { x: 0.3, y: 0.15, w: 0.3, h: 0.6 };

describe('offline baseline evaluator', () => {
  const evaluator = new BaselineEvaluator();

  it('answers uncertain, saying when judging starts, while it has neither marked normals nor enough history', async () => {
    const r = await evaluator.evaluate(await input(await sceneJpeg(), [], [await noisy(1), await noisy(2)]));
    assert.equal(r.state, 'uncertain');
    assert.equal(r.details.basis, 'not_enough_history');
    assert.match(r.reason, /^Not enough history yet: this camera has 2 earlier captures, and it starts judging by itself once it has 3\. .*mark a capture/);
  });

  it('learns the scene from recent captures: noisy normal frames are normal, an intruder is abnormal', async () => {
    const history = [await noisy(1), await noisy(2), await noisy(3)];
    const normal = await evaluator.evaluate(await input(await noisy(4), [], history));
    assert.equal(normal.state, 'normal', normal.reason);
    assert.equal(normal.details.basis, 'learned_background');
    assert.equal(normal.details.history_size, 3);
    assert.match(normal.reason, /the scene learned from this camera's last 3 captures/);
    const intruder = await evaluator.evaluate(await input(await noisy(5, { intruder: INTRUDER }), [], history));
    assert.equal(intruder.state, 'abnormal', intruder.reason);
    assert.ok(intruder.score > 0.6, `score ${intruder.score}`);
    assert.match(intruder.reason, /^The scene has changed: .*learned from this camera's last 3 captures/);
  });

  it('is not poisoned by an odd abnormal frame in the history', async () => {
    const history = [await noisy(11), await noisy(12, { intruder: INTRUDER }), await noisy(13), await noisy(14)];
    const normal = await evaluator.evaluate(await input(await noisy(15), [], history));
    assert.equal(normal.state, 'normal', normal.reason);
    const again = await evaluator.evaluate(await input(await noisy(16, { intruder: INTRUDER }), [], history));
    assert.equal(again.state, 'abnormal', `the same intruder is still a change: ${again.reason}`);
  });

  it('prefers captures marked normal over the learned scene', async () => {
    // The history shows a scene that changed (a dark block everywhere); the marked normal is the empty scene.
    const changed = { x: 0.05, y: 0.05, w: 0.9, h: 0.5 };
    const history = [await noisy(21, { intruder: changed }), await noisy(22, { intruder: changed }), await noisy(23, { intruder: changed })];
    const r = await evaluator.evaluate(await input(await noisy(24, { intruder: changed }), [await sceneJpeg()], history));
    assert.equal(r.details.basis, 'marked_normals');
    assert.notEqual(r.state, 'normal', r.reason);
    assert.match(r.reason, /marked normal/);
  });

  it('judges the same scene under other lighting as normal', async () => {
    const r = await evaluator.evaluate(await input(await sceneJpeg({ brightness: 1.25 }), [await sceneJpeg()]));
    assert.equal(r.state, 'normal', r.reason);
    assert.ok(r.score < 0.4, `score ${r.score}`);
  });

  it('judges a large new object as abnormal and names where it is', async () => {
    const r = await evaluator.evaluate(await input(await sceneJpeg({ intruder: { x: 0.02, y: 0.02, w: 0.4, h: 0.45 } }), [await sceneJpeg()]));
    assert.notEqual(r.state, 'normal', r.reason);
    assert.ok(r.score > 0.5, `score ${r.score}`);
    assert.match(r.reason, /top left/);
  });

  it('does not call a scene normal when the change is confined to one part of the frame', async () => {
    const r = await evaluator.evaluate(await input(await sceneJpeg({ intruder: { x: 0.45, y: 0.2, w: 0.12, h: 0.2 } }), [await sceneJpeg()]));
    assert.notEqual(r.state, 'normal', r.reason);
    assert.ok((r.details.frame_similarity as number) > 0.72, 'the whole-frame mean alone would have said normal');
    assert.match(r.reason, /top centre/);
  });

  it('scores a bigger change higher than a smaller one', async () => {
    const base = [await sceneJpeg()];
    const small = await evaluator.evaluate(await input(await sceneJpeg({ intruder: { x: 0.45, y: 0.1, w: 0.08, h: 0.1 } }), base));
    const big = await evaluator.evaluate(await input(await sceneJpeg({ intruder: { x: 0.1, y: 0.1, w: 0.8, h: 0.8 } }), base));
    assert.ok(big.score > small.score, `${big.score} > ${small.score}`);
    assert.equal(big.state, 'abnormal');
  });
});

describe('hosted vision evaluator (OpenAI-compatible fake)', () => {
  let server: http.Server;
  let baseUrl: string;
  const answers: string[] = [];
  const seen: Array<{ auth?: string; body: { model: string; messages: Array<{ content: unknown }>; response_format?: unknown } }> = [];
  before(async () => {
    server = http.createServer((req, res) => {
      let raw = '';
      req.on('data', (c) => (raw += c));
      req.on('end', () => {
        seen.push({ auth: req.headers.authorization, body: JSON.parse(raw) });
        const next = answers.shift();
        if (next === '500') {
          res.writeHead(500).end('overloaded');
          return;
        }
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ model: 'fake-vision', choices: [{ message: { role: 'assistant', content: next ?? '' } }], usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 } }));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  });
  after(() => new Promise<void>((r) => server.close(() => r())));

  it('sends the image and description, and validates the JSON answer, asking again when malformed', async () => {
    answers.push('500', 'I think it is fine', '```json\n{"state":"abnormal","score":0.91,"reason":"A person is standing by the gate."}\n```');
    const evaluator = new VisionModelEvaluator(new OpenAiCompatibleChat({ baseUrl, apiKey: 'sk-test', model: 'gpt-4o-mini', maxRetries: 2 }));
    const r = await evaluator.evaluate(await input(await sceneJpeg(), []));
    assert.equal(r.state, 'abnormal');
    assert.equal(r.score, 0.91);
    assert.equal(r.details.attempts, 2);
    assert.equal(r.details.basis, 'hosted_model');
    assert.equal(r.reason, 'A person is standing by the gate. (judged by the hosted vision model)');
    assert.equal(r.details.model_reason, 'A person is standing by the gate.');
    const last = seen.at(-1)!;
    assert.equal(last.auth, 'Bearer sk-test');
    assert.equal(last.body.model, 'gpt-4o-mini');
    assert.deepEqual(last.body.response_format, { type: 'json_object' });
    const parts = last.body.messages[1]!.content as Array<{ type: string; text?: string; image_url?: { url: string } }>;
    assert.match(parts[0]!.text!, /An empty yard/);
    assert.match(parts[1]!.image_url!.url, /^data:image\/jpeg;base64,\/9j\//);
  });

  it('fails after repeated malformed answers instead of inventing a result', async () => {
    answers.push('{"state":"weird","score":2}', '{"state":"normal"}', 'nope');
    const evaluator = new VisionModelEvaluator(new OpenAiCompatibleChat({ baseUrl, model: 'm', maxRetries: 0 }));
    await assert.rejects(evaluator.evaluate(await input(await sceneJpeg(), [])), /no valid answer/);
  });
});

import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { LlmPlanner, ScenePlanningError } from '../../../../src/apps/genads/planning/llm-planner.js';
import { RulePlanner } from '../../../../src/apps/genads/planning/rule-planner.js';
import type { PlanInput } from '../../../../src/apps/genads/pipeline/types.js';
import { OpenAiCompatibleChat } from '../../../../src/platform/ai/openai-chat.js';

const input: PlanInput = {
  brandName: 'Maison Lumière',
  perfumeName: 'Nuit Dorée',
  gender: 'feminine',
  style: 'dark_elegance',
  duration: 30,
  creativePrompt: 'Midnight in Paris, velvet and candlelight',
  brandStyle: { colors: ['#1b2a4a', '#d4af37'], tone: 'elegant, sophisticated', dos: ['Use soft lighting'], donts: ['Avoid harsh colors'], source: 'llm' },
  numVariations: 2,
};

function validAnswer(n = 2) {
  const names = ['Velvet Eclipse', 'Parisian Candle Hour', 'Third Concept'];
  return {
    variations: Array.from({ length: n }, (_, v) => ({
      concept: names[v],
      mood: `hushed, magnetic, velvet ${v}`,
      lighting: `single candle key light with deep shadows ${v}`,
      scenes: [
        { role: 'hook', overlayText: `Paris, after midnight ${v}`, backgroundPrompt: `Slow macro of a candle flame wavering beside dark velvet folds, Paris rooftops blurred beyond the window, variation ${v}`, camera: `macro push-in ${v}` },
        { role: 'product_reveal', overlayText: 'Nuit Dorée', backgroundPrompt: `A black lacquered pedestal under a narrow warm spotlight, velvet drapery behind, variation ${v}`, camera: `hero pull-back ${v}` },
        { role: 'mood', overlayText: `Whispered, never spoken ${v}`, backgroundPrompt: `Rain on a Paris window at night with candlelight reflections, soft bokeh of streetlights, variation ${v}`, camera: `slow tilt down ${v}` },
        { role: 'call_to_action', overlayText: 'Discover Nuit Dorée', backgroundPrompt: `The Paris skyline at midnight dissolving into golden bokeh over dark velvet, variation ${v}`, camera: `gentle push-in ${v}` },
      ],
    })),
  };
}

describe('LLM scene planner against a fake OpenAI-compatible server', () => {
  let server: http.Server;
  let baseUrl: string;
  let answers: Array<{ status?: number; content: string; usage?: { prompt_tokens: number; completion_tokens: number } }>;
  let seen: Array<{ auth?: string; body: { model: string; temperature: number; response_format?: unknown; messages: Array<{ role: string; content: string }> } }>;

  before(async () => {
    server = http.createServer((req, res) => {
      let raw = '';
      req.on('data', (c: Buffer) => (raw += c.toString('utf8')));
      req.on('end', () => {
        seen.push({ auth: req.headers.authorization, body: JSON.parse(raw) });
        const a = answers.shift() ?? { content: '{}' };
        res.writeHead(a.status ?? 200, { 'content-type': 'application/json' });
        if (a.status && a.status >= 400) return res.end(JSON.stringify({ error: { message: a.content } }));
        const usage = a.usage ?? { prompt_tokens: 1000, completion_tokens: 500 };
        res.end(JSON.stringify({ model: 'fake-4o', choices: [{ message: { role: 'assistant', content: a.content } }], usage: { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens } }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  beforeEach(() => {
    answers = [];
    seen = [];
  });

  const planner = () =>
    new LlmPlanner({ chat: new OpenAiCompatibleChat({ baseUrl, apiKey: 'sk-test', model: 'fake-4o', maxRetries: 0 }), priceInputPerMTok: 0.15, priceOutputPerMTok: 0.6 });

  it('merges a valid answer onto the rule plan: words from the model, structure from the rules; cost from usage', async () => {
    answers.push({ content: JSON.stringify(validAnswer()), usage: { prompt_tokens: 2400, completion_tokens: 900 } });
    const { variations, cost } = await planner().plan(input);
    const rules = new RulePlanner().planVariations(input);

    assert.equal(seen.length, 1);
    assert.equal(seen[0].auth, 'Bearer sk-test');
    assert.equal(seen[0].body.model, 'fake-4o');
    assert.deepEqual(seen[0].body.response_format, { type: 'json_object' });
    const brief = seen[0].body.messages[1].content;
    for (const expected of ['Nuit Dorée', 'Maison Lumière', 'Midnight in Paris, velvet and candlelight', 'Avoid harsh colors', 'overlayMaxChars', rules[0].concept]) {
      assert.ok(brief.includes(expected), `the brief mentions ${expected}`);
    }

    assert.equal(variations.length, 2);
    assert.equal(variations[0].concept, 'Velvet Eclipse');
    assert.equal(variations[1].concept, 'Parisian Candle Hour');
    assert.equal(variations[0].styleSpec.mood, 'hushed, magnetic, velvet 0');
    assert.equal(variations[0].styleSpec.lighting, 'single candle key light with deep shadows 0');
    assert.equal(variations[1].scenes[0].overlay?.text, 'Paris, after midnight 1');
    assert.equal(variations[0].scenes[3].overlay?.text, 'Discover Nuit Dorée');
    assert.equal(variations[0].scenes[2].camera, 'slow tilt down 0');
    const prompt = variations[0].scenes[0].backgroundPrompt;
    assert.match(prompt, /^Slow macro of a candle flame/);
    assert.match(prompt, /No text, no letters, no logos, no watermark, no perfume bottle or product, no people\.$/, 'the compositing guard is always appended');

    variations.forEach((v, i) => {
      const r = rules[i];
      assert.deepEqual(v.music, r.music);
      assert.deepEqual(v.styleSpec.colors, r.styleSpec.colors);
      assert.equal(v.styleSpec.camera, r.styleSpec.camera);
      v.scenes.forEach((s, j) => {
        const rs = r.scenes[j];
        for (const k of ['sceneId', 'role', 'frames', 'duration', 'background', 'product'] as const) assert.deepEqual(s[k], rs[k], `${k} stays rule-derived`);
        assert.equal(s.overlay?.size, rs.overlay?.size);
        assert.equal(s.overlay?.position, rs.overlay?.position);
        assert.equal(s.overlay?.font, rs.overlay?.font);
      });
      assert.equal(v.scenes.reduce((a, s) => a + s.frames, 0), 900);
    });
    assert.ok(Math.abs(cost - (2400 * 0.15 + 900 * 0.6) / 1e6) < 1e-15, `cost ${cost}`);
    assert.equal(planner().name, 'llm');
  });

  it('accepts an answer wrapped in a ```json fence', async () => {
    answers.push({ content: '```json\n' + JSON.stringify(validAnswer()) + '\n```' });
    const { variations } = await planner().plan(input);
    assert.equal(variations[0].concept, 'Velvet Eclipse');
  });

  it('re-asks once after malformed JSON, showing the model its answer and the problem', async () => {
    answers.push({ content: '{"variations": [ {"concept": "Velvet', usage: { prompt_tokens: 2000, completion_tokens: 40 } });
    answers.push({ content: JSON.stringify(validAnswer()), usage: { prompt_tokens: 2100, completion_tokens: 800 } });
    const { variations, cost } = await planner().plan(input);
    assert.equal(seen.length, 2);
    const retry = seen[1].body.messages;
    assert.equal(retry.length, 4);
    assert.equal(retry[2].role, 'assistant');
    assert.equal(retry[2].content, '{"variations": [ {"concept": "Velvet');
    assert.equal(retry[3].role, 'user');
    assert.match(retry[3].content, /not valid JSON/);
    assert.equal(variations[0].concept, 'Velvet Eclipse');
    assert.ok(Math.abs(cost - ((2000 + 2100) * 0.15 + (40 + 800) * 0.6) / 1e6) < 1e-15, 'both calls are paid for');
  });

  it('re-asks when the JSON breaks the rules (too long, wrong order, repeated concept, wrong count), listing each problem', async () => {
    const bad = validAnswer();
    bad.variations[0].scenes[0].overlayText = 'An overlay line that is far too long for a large line';
    [bad.variations[1].scenes[1], bad.variations[1].scenes[2]] = [bad.variations[1].scenes[2], bad.variations[1].scenes[1]];
    bad.variations[1].concept = 'velvet eclipse';
    answers.push({ content: JSON.stringify(bad) });
    answers.push({ content: JSON.stringify(validAnswer(3)) });
    answers.push({ content: JSON.stringify(validAnswer()) });
    const err = await planner().plan(input).catch((e: unknown) => e);
    const problems = seen[1].body.messages[3].content;
    assert.match(problems, /variations\.0\.scenes\.0\.overlayText: .* is 53 characters, the limit is 28/);
    assert.match(problems, /variations\.1\.scenes\.1\.role: expected "product_reveal", got "mood"/);
    assert.match(problems, /variations\.1\.concept: "velvet eclipse" repeats/);
    // The second answer has 3 variations for 2 asked: still wrong, and there is no third try.
    assert.ok(err instanceof ScenePlanningError);
    assert.match(err.message, /expected exactly 2, got 3/);
    assert.equal(seen.length, 2);
  });

  it('throws a clear error, with the money spent, when the answers stay malformed', async () => {
    answers.push({ content: 'Sure! Here is your plan: ...' }, { content: '{"variations": "none"}' });
    const err = await planner().plan(input).catch((e: unknown) => e);
    assert.ok(err instanceof ScenePlanningError);
    assert.match(err.message, /no usable plan after 2 attempts \(model fake-4o\)/);
    assert.match(err.message, /variations/);
    assert.equal(seen.length, 2);
    assert.ok(Math.abs(err.cost - (2 * (1000 * 0.15 + 500 * 0.6)) / 1e6) < 1e-15);
  });

  it('says which setting to check when the API refuses the key', async () => {
    answers.push({ status: 401, content: 'Incorrect API key provided' });
    const err = await planner().plan(input).catch((e: unknown) => e);
    assert.ok(err instanceof ScenePlanningError);
    assert.match(err.message, /401.*Incorrect API key provided.*GENADS_LLM_API_KEY/);
    assert.equal(err.cost, 0);
    assert.equal(seen.length, 1);
  });

  it('keeps people out of the guard only when the prompt asks for them', async () => {
    answers.push({ content: JSON.stringify(validAnswer()) });
    const { variations } = await planner().plan({ ...input, creativePrompt: 'A woman in a velvet gown at midnight in Paris' });
    assert.doesNotMatch(variations[0].scenes[2].backgroundPrompt, /no people/);
    assert.match(variations[0].scenes[2].backgroundPrompt, /no perfume bottle or product\.$/);
  });
});

import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { OpenAiCompatibleChat } from '../../../../src/platform/ai/openai-chat.js';
import { extractGuidelinesText } from '../../../../src/apps/genads/guidelines/extract-text.js';
import { GuidelinesAnalysisError, LlmGuidelinesAnalyzer } from '../../../../src/apps/genads/guidelines/llm-analyzer.js';
import { SAMPLE_GUIDELINES } from '../support/documents.js';
import { buildPdf } from '../support/pdf.js';
import { startFakeChatServer, type FakeChatServer, type ScriptedReply } from '../../../support/fake-chat-server.js';

const PRICES = { priceInputPerMTok: 0.15, priceOutputPerMTok: 0.6 };
/** 1000 prompt + 200 completion tokens at gpt-4o-mini prices. */
const CALL_COST = (1000 * 0.15 + 200 * 0.6) / 1_000_000;

const servers: FakeChatServer[] = [];
after(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

async function analyzerFor(replies: ScriptedReply[]) {
  const server = await startFakeChatServer(replies);
  servers.push(server);
  const chat = new OpenAiCompatibleChat({ baseUrl: server.baseUrl, apiKey: 'sk-test', model: 'gpt-4o-mini', timeoutMs: 5_000 });
  return { server, analyzer: new LlmGuidelinesAnalyzer({ chat, ...PRICES }) };
}

const VALID = JSON.stringify({
  colors: ['#C9A227', '111', '#f5f0e6', '#c9a227'],
  tone: 'Elegant, sophisticated and timeless',
  dos: ['Use soft, warm lighting.', 'Show luxury materials such as silk and marble'],
  donts: ['- Avoid harsh neon colours', 'Never use cluttered backgrounds'],
});

describe('LlmGuidelinesAnalyzer against a local OpenAI-compatible server', () => {
  it('sends the extracted text in JSON mode and normalises a valid answer; cost from token usage', async () => {
    const { server, analyzer } = await analyzerFor([{ content: VALID }]);
    const text = await extractGuidelinesText(buildPdf({ pages: [SAMPLE_GUIDELINES] }), 'application/pdf');
    const { style, cost } = await analyzer.analyze(text);
    assert.deepEqual(style, {
      colors: ['#c9a227', '#111111', '#f5f0e6'],
      tone: 'elegant, sophisticated, timeless',
      dos: ['Use soft, warm lighting', 'Show luxury materials such as silk and marble'],
      donts: ['Avoid harsh neon colours', 'Never use cluttered backgrounds'],
      source: 'llm',
    });
    assert.ok(Math.abs(cost - CALL_COST) < 1e-12, `cost ${cost}`);
    assert.equal(server.requests.length, 1);
    const [req] = server.requests;
    assert.equal(req.headers.authorization, 'Bearer sk-test');
    assert.equal(req.body.model, 'gpt-4o-mini');
    assert.deepEqual(req.body.response_format, { type: 'json_object' });
    assert.match(req.body.messages[0].content, /"colors"/);
    assert.match(req.body.messages[1].content, /Primary colour: Gold #C9A227\./);
  });

  it('accepts tone as a list and an answer wrapped in a code fence', async () => {
    const { analyzer } = await analyzerFor([{ content: '```json\n{"colors":[],"tone":["Bold","Playful"],"dos":[],"donts":[]}\n```' }]);
    const { style } = await analyzer.analyze('Our voice is bold and playful.');
    assert.deepEqual(style, { colors: [], tone: 'bold, playful', dos: [], donts: [], source: 'llm' });
  });

  it('re-asks once with the problems when the answer is malformed, and counts both calls', async () => {
    const malformed = JSON.stringify({ colors: ['gold', '#12345'], tone: 'elegant', dos: 'Use soft lighting' });
    const { server, analyzer } = await analyzerFor([{ content: malformed }, { content: VALID }]);
    const { style, cost } = await analyzer.analyze(SAMPLE_GUIDELINES.join('\n'));
    assert.deepEqual(style.colors, ['#c9a227', '#111111', '#f5f0e6']);
    assert.ok(Math.abs(cost - 2 * CALL_COST) < 1e-12, `cost ${cost}`);
    assert.equal(server.requests.length, 2);
    const reask = server.requests[1].body.messages;
    assert.equal(reask.length, 4);
    assert.equal(reask[2].role, 'assistant');
    assert.equal(reask[2].content, malformed);
    assert.match(reask[3].content, /colors\.0: must be a hex colour/);
    assert.match(reask[3].content, /colors\.1: must be a hex colour/);
    assert.match(reask[3].content, /dos: /);
    assert.match(reask[3].content, /donts: /);
  });

  it('gives up after the re-ask with a clear error that carries the cost spent', async () => {
    const { server, analyzer } = await analyzerFor([{ content: 'Sure! The brand colours are gold and black.' }]);
    await assert.rejects(analyzer.analyze(SAMPLE_GUIDELINES.join('\n')), (err: unknown) => {
      assert.ok(err instanceof GuidelinesAnalysisError);
      assert.match(err.message, /no usable answer after 2 attempts \(model gpt-4o-mini\): the answer is not valid JSON/);
      assert.ok(Math.abs(err.cost - 2 * CALL_COST) < 1e-12);
      return true;
    });
    assert.equal(server.requests.length, 2);
  });

  it('rides out a 500 through the chat client retry', async () => {
    const { server, analyzer } = await analyzerFor([{ status: 500, body: '{"error":{"message":"upstream overloaded"}}' }, { content: VALID }]);
    const { style, cost } = await analyzer.analyze(SAMPLE_GUIDELINES.join('\n'));
    assert.equal(style.source, 'llm');
    assert.deepEqual(style.colors, ['#c9a227', '#111111', '#f5f0e6']);
    assert.ok(Math.abs(cost - CALL_COST) < 1e-12, 'the failed call bills nothing');
    assert.equal(server.requests.length, 2);
  });

  it('fails clearly on a rejected key, without retrying', async () => {
    const { server, analyzer } = await analyzerFor([{ status: 401, body: '{"error":{"message":"Incorrect API key provided"}}' }]);
    await assert.rejects(analyzer.analyze('Our voice is bold.'), (err: unknown) => {
      assert.ok(err instanceof GuidelinesAnalysisError);
      assert.match(err.message, /answered 401.*check GENADS_LLM_API_KEY/);
      assert.equal(err.cost, 0);
      return true;
    });
    assert.equal(server.requests.length, 1);
  });

  it('stops waiting for the model when aborted during the call', async () => {
    const { server, analyzer } = await analyzerFor([{ content: VALID, delayMs: 1_500 }]);
    const controller = new AbortController();
    // Aborted once the server holds the request (a fixed delay raced the request on a busy
    // machine); the call must then end well before the server's 1.5 s answer.
    let abortedAt = 0;
    void server.nextRequest().then(() => {
      abortedAt = Date.now();
      controller.abort(new Error('campaign cancelled'));
    });
    await assert.rejects(analyzer.analyze('Our voice is bold.', controller.signal), /campaign cancelled/);
    assert.ok(abortedAt > 0, 'the abort came while the server held the request');
    assert.ok(Date.now() - abortedAt < 1_000, `returned ${Date.now() - abortedAt} ms after the abort`);
    assert.equal(server.requests.length, 1);
  });

  it('stops at once when aborted before the call', async () => {
    const { server, analyzer } = await analyzerFor([{ content: VALID }]);
    const controller = new AbortController();
    controller.abort(new Error('campaign cancelled'));
    await assert.rejects(analyzer.analyze('Our voice is bold.', controller.signal), /campaign cancelled/);
    assert.equal(server.requests.length, 0);
  });
});

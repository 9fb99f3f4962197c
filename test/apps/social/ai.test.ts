import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { xWeightedLength, graphemeCount } from '../../../src/apps/social/providers/text-length.js';
import { applyTone, hashtagOf } from '../../../src/apps/social/ai/offline-writer.js';
import type { TestPlatform, TestUser } from '../../support/platform.js';
import { startFakeChatServer, type FakeChatServer } from '../../support/fake-chat-server.js';
import { dataOf, startSocial } from './social-fixture.js';

const LONG = `We are opening our new bakery on Main Street this Saturday with fresh sourdough, cinnamon rolls and free coffee for the first fifty guests. ${'Come early, bring friends, and tell us what you would like us to bake next. '.repeat(4)}`;

describe('social AI content: the offline adapter', () => {
  let t: TestPlatform;
  let editor: TestUser;
  before(async () => {
    t = await startSocial({ SOCIAL_AI_REQUESTS_PER_MINUTE: '5' });
    editor = await t.signup('ai-editor');
  });
  after(() => t.close());

  it('adapts a draft to each network: tone template, hashtags from keywords, length limits, and says what it did', async () => {
    const res = await t.request('POST', '/social/api/ai/generate', { token: editor.token, body: { draft: LONG, networks: ['x', 'bluesky', 'linkedin', 'instagram'], tone: 'friendly', keywords: ['bakery', 'main street', '#sourdough'], max_hashtags: 2 } });
    const data = dataOf(res);
    assert.equal(data.provider, 'offline');
    assert.equal(data.fallback_reason, null);
    assert.match(res.json().message, /Adapted offline/);
    const by = Object.fromEntries(data.versions.map((v: { network: string }) => [v.network, v]));
    assert.ok(xWeightedLength(by.x.text) <= 280, by.x.text);
    assert.equal(by.x.length, xWeightedLength(by.x.text));
    assert.ok(graphemeCount(by.bluesky.text) <= 300);
    assert.ok(by.x.notes.some((n: string) => /shortened the text from \d+ to \d+ weighted characters \(limit 280\)/.test(n)), by.x.notes.join(' | '));
    assert.ok(by.x.text.includes('…'));
    // LinkedIn has room: the whole draft, greeting and smile, two hashtags.
    assert.ok(by.linkedin.text.startsWith('Hi everyone! We are opening'));
    assert.ok(by.linkedin.text.includes('free coffee for the first fifty guests'));
    assert.deepEqual(by.linkedin.hashtags, ['#Bakery', '#MainStreet']);
    assert.ok(by.linkedin.text.endsWith('#Bakery #MainStreet'));
    assert.ok(by.linkedin.notes.includes('added #Bakery #MainStreet from the keywords'));
    assert.ok(by.instagram.notes.some((n: string) => /needs an image or a video/.test(n)));
  });

  it('tone templates and hashtags are predictable', () => {
    assert.equal(applyTone('Big news!!! 🎉 We launched', 'professional'), 'Big news! We launched');
    assert.equal(applyTone('Sale ends tonight', 'urgent'), 'Don\'t miss it: Sale ends tonight ⏰');
    assert.equal(applyTone('Hello', 'neutral'), 'Hello');
    assert.equal(hashtagOf('summer sale 2026'), '#SummerSale2026');
    assert.equal(hashtagOf('!!!'), null);
  });

  it('refuses bad input and viewers, and limits each user per minute', async () => {
    const viewer = await t.addMember(editor, 'viewer', 'ai-viewer');
    const body = { draft: 'Hello there', networks: ['x'] };
    assert.equal((await t.request('POST', '/social/api/ai/generate', { token: viewer.token, body })).statusCode, 403);
    assert.equal((await t.request('POST', '/social/api/ai/generate', { token: editor.token, body: { ...body, networks: ['x', 'x'] } })).statusCode, 400);
    assert.equal((await t.request('POST', '/social/api/ai/generate', { token: editor.token, body: { ...body, draft: '  ' } })).statusCode, 400);
    assert.equal((await t.request('POST', '/social/api/ai/generate', { token: editor.token, body: { ...body, networks: ['myspace'] } })).statusCode, 400);
    const busy = await t.signup('ai-busy');
    for (let i = 0; i < 5; i++) dataOf(await t.request('POST', '/social/api/ai/generate', { token: busy.token, body }));
    const limited = await t.request('POST', '/social/api/ai/generate', { token: busy.token, body });
    assert.equal(limited.statusCode, 429);
    assert.match(limited.json().error, /You asked for 5 AI versions this minute.*retry after \d+ s/);
    assert.ok(Number(limited.headers['retry-after']) > 0);
    // Another user is not affected.
    dataOf(await t.request('POST', '/social/api/ai/generate', { token: editor.token, body }));
  });
});

describe('social AI content: a hosted OpenAI-compatible model', () => {
  let t: TestPlatform;
  let editor: TestUser;
  let chat: FakeChatServer;
  const KEY = 'sk-test-server-only-key';
  before(async () => {
    chat = await startFakeChatServer([
      { content: JSON.stringify({ versions: [{ network: 'x', text: `${'Fresh bread on Main Street, come by! '.repeat(12)}#Bakery` }, { network: 'mastodon', text: 'Fresh sourdough on Main Street this Saturday. #Bakery' }] }) },
      { status: 500, body: '{"error":{"message":"upstream exploded"}}' },
      { content: 'Sure! Here are your posts: (not JSON)' },
      { content: '{"versions": []}', delayMs: 2500 },
    ]);
    t = await startSocial({ SOCIAL_AI_BASE_URL: chat.baseUrl, SOCIAL_AI_API_KEY: KEY, SOCIAL_AI_MODEL: 'test-model', SOCIAL_AI_TIMEOUT_SECONDS: '1' });
    editor = await t.signup('ai-hosted');
  });
  after(async () => {
    await t.close();
    await chat.close();
  });
  const ask = () => t.request('POST', '/social/api/ai/generate', { token: editor.token, body: { draft: 'Fresh sourdough on Main Street this Saturday', networks: ['x', 'mastodon'], tone: 'playful', keywords: ['bakery'] } });

  it('writes through the model with the key on the server only, and holds the answer to the limits', async () => {
    const res = await ask();
    const data = dataOf(res);
    assert.equal(data.provider, 'hosted');
    assert.equal(data.model, 'test-model');
    assert.equal(chat.requests[0].headers.authorization, `Bearer ${KEY}`);
    assert.equal(chat.requests[0].body.model, 'test-model');
    assert.match(chat.requests[0].body.messages[0].content, /x: at most 280 weighted characters/);
    assert.match(chat.requests[0].body.messages[0].content, /Tone: playful/);
    assert.ok(!res.body.includes(KEY));
    const x = data.versions.find((v: { network: string }) => v.network === 'x');
    assert.ok(xWeightedLength(x.text) <= 280);
    assert.ok(x.notes.some((n: string) => /the model wrote \d+ weighted characters: shortened/.test(n)), x.notes.join(' | '));
    const masto = data.versions.find((v: { network: string }) => v.network === 'mastodon');
    assert.equal(masto.text, 'Fresh sourdough on Main Street this Saturday. #Bakery');
    assert.deepEqual(masto.hashtags, ['#Bakery']);
  });

  it('falls back to the offline adapter, in words, when the model fails, answers nonsense or times out', async () => {
    const failed = await ask();
    assert.equal(dataOf(failed).provider, 'offline');
    assert.equal(dataOf(failed).fallback_reason, 'the hosted model answered 500');
    assert.match(failed.json().message, /^The hosted model failed \(the hosted model answered 500\): these versions are the offline adapter's/);
    const nonsense = dataOf(await ask());
    assert.equal(nonsense.provider, 'offline');
    assert.match(nonsense.fallback_reason, /not usable/);
    // The model answers after 2.5 s: the request must be given up at the 1 s timeout, not waited out.
    // (Shown by the fake seeing the client leave before its answer, not by a clock: a loaded machine stretches both.)
    const abandoned = chat.nextAbandoned();
    const slow = dataOf(await ask());
    assert.equal(slow.provider, 'offline');
    assert.equal(slow.fallback_reason, 'the hosted model did not answer within 1 s');
    await abandoned;
    assert.ok(slow.versions[0].text.endsWith('🎉\n\n#Bakery'));
  });
});

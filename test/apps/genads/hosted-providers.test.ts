import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { withSystem } from '../../../src/platform/db/tenant.js';
import { startTestPlatform, type TestPlatform } from '../../support/platform.js';
import { startFakeChatServer, type FakeChatServer } from '../../support/fake-chat-server.js';
import { genadsApp } from '../../../src/apps/genads/index.js';
import { FakeReplicate } from './providers/fake-replicate.js';
import { GenAdsClient } from './support/genads-client.js';

const run = promisify(execFile);

const GUIDELINES_ANSWER = { colors: ['#1B2A4A', '#d4af37'], tone: 'elegant, mysterious', dos: ['Use candlelight'], donts: ['Avoid neon colours'] };
const PLAN_ANSWER = {
  variations: [{
    concept: 'Velvet Eclipse',
    mood: 'hushed, magnetic',
    lighting: 'a single candle key light',
    scenes: [
      { role: 'hook', overlayText: 'Paris, after midnight', backgroundPrompt: 'Slow macro of a candle flame beside dark velvet folds', camera: 'macro push-in' },
      { role: 'product_reveal', overlayText: 'Nuit Hosted', backgroundPrompt: 'A black lacquered pedestal under a narrow warm spotlight', camera: 'hero pull-back' },
      { role: 'mood', overlayText: 'Whispered, never spoken', backgroundPrompt: 'Rain on a Paris window at night, candlelight reflections', camera: 'slow tilt down' },
      { role: 'call_to_action', overlayText: 'Discover Nuit Hosted', backgroundPrompt: 'The Paris skyline at midnight dissolving into golden bokeh', camera: 'gentle push-in' },
    ],
  }],
};

/**
 * The hosted path of the pipeline, wired as configuration selects it: guidelines and scene
 * planning by an OpenAI-compatible LLM, scene backgrounds and music by Replicate models, each
 * a local fake server speaking the real protocol. Their clips are conformed by FFmpeg to the
 * seed's format, and their cost lands in the campaign's cost breakdown.
 */
describe('genads with hosted providers (fake LLM and Replicate servers)', () => {
  let t: TestPlatform;
  let ana: GenAdsClient;
  let chat: FakeChatServer;
  let replicate: FakeReplicate;
  let tmp: string;

  before(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'genads-hosted-'));
    // One clip with picture and sound serves both models: conform keeps what each stage needs.
    const clip = path.join(tmp, 'clip.mp4');
    await run('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc=size=240x416:rate=16:duration=2', '-f', 'lavfi', '-i', 'sine=frequency=330:duration=2',
      '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest', clip]);
    replicate = new FakeReplicate();
    await replicate.start();
    replicate.files.set('clip.mp4', { body: await readFile(clip), type: 'video/mp4' });
    replicate.reset({ statuses: ['starting', 'processing', 'succeeded'], output: (base) => `${base}/files/clip.mp4`, predictTime: 12 });
    chat = await startFakeChatServer([
      { content: JSON.stringify(GUIDELINES_ANSWER), usage: { prompt_tokens: 3000, completion_tokens: 300 } },
      { content: JSON.stringify(PLAN_ANSWER), usage: { prompt_tokens: 2500, completion_tokens: 900 } },
      // Every later call fails: the second campaign's planning falls back to the rules.
      { status: 500, body: '{"error":{"message":"overloaded"}}' },
    ]);
    t = await startTestPlatform({
      apps: [genadsApp],
      env: {
        GENADS_LLM_BASE_URL: chat.baseUrl,
        GENADS_LLM_API_KEY: 'sk-test',
        GENADS_VIDEO_PROVIDER: 'replicate',
        GENADS_MUSIC_PROVIDER: 'replicate',
        GENADS_REPLICATE_BASE_URL: replicate.baseUrl,
        GENADS_REPLICATE_API_TOKEN: replicate.token,
        GENADS_PROVIDER_POLL_MS: '20',
        GENADS_BACKGROUND_REMOVAL: 'threshold',
        GENADS_X264_PRESET: 'ultrafast',
        // A quarter of the pixels: this file is about the providers; render-variation.test.ts renders the default 1080x1920.
        GENADS_VIDEO_SIZE: '540x960',
        JOB_POLL_INTERVAL_SECONDS: '1',
      },
    });
    ana = new GenAdsClient(t, await t.signup('genads-hosted'));
    await ana.onboard(`Maison Hosted ${randomBytes(3).toString('hex')}`);
  });
  after(async () => {
    await t.close();
    await chat.close();
    await replicate.close();
    await rm(tmp, { recursive: true, force: true });
  });

  async function generate(campaignId: string) {
    assert.equal((await ana.send('POST', `/genads/api/generation/campaigns/${campaignId}/generate`)).statusCode, 202);
    const deadline = Date.now() + 5 * 60_000;
    for (;;) {
      const c = (await ana.get(`/genads/api/campaigns/${campaignId}`)).json();
      if (c.status === 'completed' || c.status === 'failed') return c;
      if (Date.now() > deadline) throw new Error(`campaign still ${c.status} at ${c.progress}%`);
      await new Promise((r) => setTimeout(r, 500));
    }
  }

  it('plans with the LLM, films and scores with Replicate, and accounts for the cost', { timeout: 6 * 60_000 }, async () => {
    const perfume = await ana.createPerfume('Nuit Hosted', 'unisex');
    const created = await ana.createCampaign(perfume.perfume_id, { campaign_name: 'Hosted', selected_style: 'dark_elegance', target_duration: 15 });
    const c = await generate(created.campaign_id);
    assert.equal(c.status, 'completed', c.error_message);
    const json = c.campaign_json;
    assert.deepEqual(json.providers, { guidelines: 'llm', planning: 'llm', product: 'threshold', video: 'replicate', music: 'replicate' });
    assert.deepEqual(json.scenes.map((s: { overlay: { text: string } | null }) => s.overlay?.text), PLAN_ANSWER.variations[0].scenes.map((s) => s.overlayText));
    assert.equal(json.variations[0].concept, 'Velvet Eclipse');

    // What the servers were asked: one guidelines analysis and one plan (JSON mode, our key),
    // four scene clips (Wan's inputs) and one music piece, all with the Replicate token.
    assert.equal(chat.requests.length, 2);
    assert.equal(chat.requests[0].headers.authorization, 'Bearer sk-test');
    const creates = replicate.requests.filter((r) => r.method === 'POST' && /predictions$/.test(r.path));
    const videoCreates = creates.filter((r) => r.path.includes('wan-video'));
    assert.equal(videoCreates.length, 4);
    // The four scenes were filmed at once (GENADS_SCENE_CONCURRENCY, default 4): every clip was asked for before the first came back.
    const firstDownload = replicate.requests.findIndex((r) => r.method === 'GET' && r.path.startsWith('/files/'));
    assert.ok(firstDownload > replicate.requests.indexOf(videoCreates[3]), 'all four clips requested before any was downloaded');
    assert.equal((videoCreates[0].body as { input: { aspect_ratio: string } }).input.aspect_ratio, '9:16');
    assert.equal(creates.length - videoCreates.length, 1, 'one music prediction');
    assert.ok(replicate.requests.every((r) => r.path.startsWith('/files/') || r.headers.authorization === `Bearer ${replicate.token}`));
    // The brand colours the LLM read from the guidelines shaped the palettes.
    const style = await withSystem(t.db, (tx) => tx.selectFrom('genads_brand_styles' as never).select('style' as never).where('org_id' as never, '=', ana.user.orgId as never).executeTakeFirstOrThrow()) as { style: { colors: string[]; source: string } };
    assert.deepEqual(style.style.colors, ['#1b2a4a', '#d4af37']);
    assert.equal(style.style.source, 'llm');

    const cost = json.costBreakdown;
    for (const part of ['guidelinesExtraction', 'scenePlanning', 'videoGeneration', 'musicGeneration'] as const) assert.ok(cost[part] > 0, `${part} costs something`);
    assert.ok(Math.abs(cost.total - (cost.guidelinesExtraction + cost.scenePlanning + cost.videoGeneration + cost.musicGeneration)) < 1e-3);
    assert.equal(c.cost, Math.round(cost.total * 100) / 100);
    assert.ok(c.cost > 0);

    // The hosted clips were conformed to the seed's format, at the configured size.
    const videos = (await ana.get(`/genads/api/campaigns/${c.campaign_id}/videos`)).json();
    const url = new URL(videos.variations[0].final.url, 'http://localhost');
    const download = await t.server.inject({ method: 'GET', url: url.pathname + url.search });
    const file = path.join(tmp, 'final.mp4');
    await writeFile(file, download.rawPayload);
    const { stdout } = await run('ffprobe', ['-v', 'error', '-show_entries', 'stream=codec_type,width,height,r_frame_rate:format=duration', '-of', 'json', file]);
    const info = JSON.parse(stdout);
    const video = info.streams.find((s: { codec_type: string }) => s.codec_type === 'video');
    assert.deepEqual([video.width, video.height, video.r_frame_rate], [540, 960, '30/1']);
    assert.ok(info.streams.some((s: { codec_type: string }) => s.codec_type === 'audio'));
    assert.ok(Math.abs(Number(info.format.duration) - 15) <= 0.5);
  });

  it('reuses the cached guidelines analysis and plans by rules when the LLM fails', { timeout: 6 * 60_000 }, async () => {
    const perfume = await ana.createPerfume('Second Hosted', 'masculine');
    const created = await ana.createCampaign(perfume.perfume_id, { campaign_name: 'Fallback', target_duration: 15 });
    const before = chat.requests.length;
    const c = await generate(created.campaign_id);
    assert.equal(c.status, 'completed', c.error_message);
    assert.equal(c.campaign_json.providers.guidelines, 'llm (cached)');
    assert.match(c.campaign_json.providers.planning, /^rules \(llm failed: /);
    assert.equal(c.campaign_json.costBreakdown.guidelinesExtraction, 0, 'the cached analysis costs nothing');
    // Only planning called the LLM (the client retries a 500 twice before giving up).
    assert.ok(chat.requests.length > before);
    assert.ok(chat.requests.slice(before).every((r) => !JSON.stringify(r.body).includes('dos and donts')), 'no guidelines analysis was requested again');
  });
});

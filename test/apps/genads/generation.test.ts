import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { withSystem } from '../../../src/platform/db/tenant.js';
import type { BusEvent } from '../../../src/platform/realtime/event-bus.js';
import { startTestPlatform, type TestPlatform } from '../../support/platform.js';
import { assertError } from '../../support/envelope.js';
import { setStorageLimit } from '../../platform/storage/helpers.js';
import { createGenAdsApp } from '../../../src/apps/genads/index.js';
import { pipelineKitFor } from '../../../src/apps/genads/generation/create-pipeline-kit.js';
import type { PipelineKit } from '../../../src/apps/genads/generation/pipeline-kit.js';
import { GenAdsClient } from './support/genads-client.js';
import { bottlePhoto } from './support/images.js';

const run = promisify(execFile);

/**
 * The "done when": a brand onboards, adds a perfume with a photo, creates a campaign
 * with two variations and gets two playable MP4s (9:16 at the configured size, 30 fps, audio,
 * the target duration), through the real offline pipeline: background removal model, FFmpeg
 * scenes, synthesised music, compositing and render. The run is also made to crash once in
 * the middle of the second variation: the retry must resume from the checkpoint, not start
 * over. The size is GENADS_VIDEO_SIZE's smallest, 540x960, a quarter of the pixels: this file
 * is about the pipeline around the render; render-variation.test.ts renders the default
 * 1080x1920 and checks that a smaller size is the same ad, scaled.
 */
describe('genads generation, end to end', () => {
  let t: TestPlatform;
  let ana: GenAdsClient;
  let tmp: string;
  const backgroundCalls: string[] = [];
  let crashed = false;

  /** The configured kit, watched: counts background renders and fails once mid-way through variation 1. */
  const crashingKit = (ctx: Parameters<typeof pipelineKitFor>[0]): PipelineKit => {
    const kit = pipelineKitFor(ctx);
    return {
      ...kit,
      backgrounds: {
        name: kit.backgrounds.name,
        async generate(request) {
          const variation = path.basename(path.dirname(request.outputPath));
          backgroundCalls.push(`${variation}/${request.scene.sceneId}`);
          if (!crashed && variation === 'variation_1' && request.scene.sceneId === 'scene_2') {
            crashed = true;
            throw new Error('simulated worker crash in the middle of variation 1');
          }
          return kit.backgrounds.generate(request);
        },
      },
    };
  };

  before(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'genads-e2e-'));
    t = await startTestPlatform({
      apps: [createGenAdsApp({ pipelineKit: crashingKit })],
      env: { GENADS_X264_PRESET: 'ultrafast', GENADS_VIDEO_SIZE: '540x960', JOB_POLL_INTERVAL_SECONDS: '1' },
    });
    ana = new GenAdsClient(t, await t.signup('genads-e2e'));
    await ana.onboard(`Maison E2E ${randomBytes(3).toString('hex')}`);
  });
  after(async () => {
    await t.close();
    await rm(tmp, { recursive: true, force: true });
  });

  async function waitForCampaign(campaignId: string, timeoutMs = 8 * 60_000) {
    const seen: Array<{ progress: number; stage: string; status: string; variationsCompleted: number }> = [];
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const p = (await ana.get(`/genads/api/generation/campaigns/${campaignId}/progress`)).json();
      seen.push({ progress: p.progress, stage: p.stage, status: p.status, variationsCompleted: p.variations_completed });
      if (p.status === 'completed' || p.status === 'failed') return { final: p, seen };
      if (Date.now() > deadline) throw new Error(`campaign still ${p.status} at ${p.progress}% (${p.stage})`);
      await new Promise((r) => setTimeout(r, 500));
    }
  }

  /** A presigned URL of the local disk driver is served by the API itself (relative without PUBLIC_URL). */
  function fetchSigned(signed: string) {
    const url = new URL(signed, 'http://localhost');
    return t.server.inject({ method: 'GET', url: `${url.pathname}${url.search}` });
  }

  async function probe(bytes: Buffer, name: string) {
    const file = path.join(tmp, name);
    await writeFile(file, bytes);
    const { stdout } = await run('ffprobe', ['-v', 'error', '-show_streams', '-show_format', '-of', 'json', file]);
    const info = JSON.parse(stdout) as { streams: Array<Record<string, string | number>>; format: { duration: string } };
    const video = info.streams.find((s) => s.codec_type === 'video')!;
    const audio = info.streams.find((s) => s.codec_type === 'audio');
    return { video, audio, duration: Number(info.format.duration) };
  }

  it('turns a campaign into two playable 15 s 9:16 ads of the configured size, resuming after a crash', { timeout: 10 * 60_000 }, async () => {
    const perfume = await ana.createPerfume('Rose Éternelle', 'feminine', { left: await bottlePhoto({ tint: '#8a2be2' }) });
    const campaign = await ana.createCampaign(perfume.perfume_id, {
      campaign_name: 'Valentine',
      creative_prompt: 'Rose petals falling at golden hour, romantic and tender, "love" in every frame',
      selected_style: 'romantic_floral',
      target_duration: 15,
      num_variations: 2,
    });
    const events: BusEvent[] = [];
    const stop = t.platform.ctx.events.subscribe(ana.user.orgId, [`genads:campaign:${campaign.campaign_id}`], (e) => events.push(e));

    const started = await ana.send('POST', `/genads/api/generation/campaigns/${campaign.campaign_id}/generate`);
    assert.equal(started.statusCode, 202, started.body);
    const { final, seen } = await waitForCampaign(campaign.campaign_id);
    stop();
    assert.equal(final.status, 'completed', `generation failed: ${final.error_message}`);
    assert.equal(final.progress, 100);

    // Progress moved forward through the stages and was published live.
    const values = seen.map((s) => s.progress);
    assert.ok(values.some((v) => v > 0 && v < 100), `progress between 0 and 100 was visible: ${values.join(',')}`);
    assert.ok(seen.some((s) => /rendering/.test(s.stage ?? '')), 'the render stage was visible');
    // Finished variations are counted as they finish, during the first run too.
    assert.ok(seen.some((s) => s.status === 'processing' && s.variationsCompleted === 1), `one variation done while the other ran: ${JSON.stringify(seen.map((s) => s.variationsCompleted))}`);
    assert.equal(final.variations_completed, 2);
    assert.deepEqual([final.take, final.shown_take], [1, 1]);
    assert.ok(events.some((e) => (e.payload as { status: string }).status === 'completed'));

    // The crash happened once, and the retry skipped what was finished: variation 0's four scenes
    // were rendered once, variation 1's scene 1 twice (before and after the crash).
    assert.ok(crashed);
    const count = (s: string) => backgroundCalls.filter((c) => c === s).length;
    assert.deepEqual(['scene_1', 'scene_2', 'scene_3', 'scene_4'].map((s) => count(`variation_0/${s}`)), [1, 1, 1, 1]);
    assert.equal(count('variation_1/scene_1'), 2);
    const job = (await t.request('GET', `/api/v1/jobs/${started.json().job_id}`, { token: ana.user.token })).json();
    assert.equal(job.attempts, 2, JSON.stringify(job));

    const c = (await ana.get(`/genads/api/campaigns/${campaign.campaign_id}`)).json();
    const json = c.campaign_json;
    assert.equal(json.scenes.length, 4);
    assert.deepEqual(json.scenes.map((s: { role: string }) => s.role), ['hook', 'product_reveal', 'mood', 'call_to_action']);
    assert.equal(json.scenes.reduce((sum: number, s: { duration: number }) => sum + s.duration, 0), 15);
    assert.ok(json.styleSpec.lighting && json.styleSpec.mood && json.styleSpec.colors.length > 0);
    assert.deepEqual({ ...json.videoMetadata, totalDuration: Math.round(json.videoMetadata.totalDuration) }, {
      resolution: '540x960', aspectRatio: '9:16', totalDuration: 15, selectedStyle: 'romantic_floral', fps: 30, videoCodec: 'h264', audioCodec: 'aac',
    });
    assert.equal(json.costBreakdown.total, 0, 'the offline providers cost nothing');
    assert.equal(c.cost, 0);
    assert.notEqual(json.variations[0].concept, json.variations[1].concept, 'variations differ in concept');

    // Files at the seed's keys, with its tags and lifecycle.
    const base = `brands/${c.brand_id}/perfumes/${perfume.perfume_id}/campaigns/${campaign.campaign_id}/variations`;
    for (const v of [0, 1]) {
      assert.deepEqual(json.variationPaths[`variation_${v}`], {
        draft: {
          scene_1: `${base}/variation_${v}/draft/scene_1_bg.mp4`,
          scene_2: `${base}/variation_${v}/draft/scene_2_bg.mp4`,
          scene_3: `${base}/variation_${v}/draft/scene_3_bg.mp4`,
          scene_4: `${base}/variation_${v}/draft/scene_4_bg.mp4`,
          music: `${base}/variation_${v}/draft/music.mp3`,
        },
        final: `${base}/variation_${v}/final_video.mp4`,
      });
    }
    const objects = await withSystem(t.db, (tx) =>
      tx.selectFrom('storage_objects').select(['key', 'tags', 'lifecycle_class', 'expires_at', 'content_type']).where('org_id', '=', ana.user.orgId).where('key', 'like', `${base}/%`).orderBy('key').execute(),
    );
    assert.equal(objects.length, 12, objects.map((o) => o.key).join('\n'));
    const day = 86_400_000;
    for (const o of objects) {
      const subtype = o.key.endsWith('final_video.mp4') ? 'final' : 'draft';
      assert.deepEqual(o.tags, {
        type: 'campaign_video', subtype, brand_id: c.brand_id, perfume_id: perfume.perfume_id, campaign_id: campaign.campaign_id,
        variation_index: /variation_1/.test(o.key) ? '1' : '0', lifecycle: subtype === 'final' ? '90days' : '30days',
      });
      assert.equal(o.lifecycle_class, `genads-${subtype}`);
      const days = (o.expires_at!.getTime() - Date.now()) / day;
      assert.ok(Math.abs(days - (subtype === 'final' ? 90 : 30)) < 0.1, `${o.key} expires in ${days} days`);
      assert.equal(o.content_type, o.key.endsWith('.mp3') ? 'audio/mpeg' : 'video/mp4');
    }

    // Both finals download through 1-hour presigned URLs and are what the seed specifies.
    const videos = (await ana.get(`/genads/api/campaigns/${campaign.campaign_id}/videos`)).json();
    assert.equal(videos.expires_in, 3600);
    const hashes: string[] = [];
    for (const v of videos.variations) {
      assert.equal(v.ready, true);
      const download = await fetchSigned(v.final.url);
      assert.equal(download.statusCode, 200);
      const info = await probe(download.rawPayload, `final_${v.variation_index}.mp4`);
      assert.equal(info.video.codec_name, 'h264');
      assert.equal(info.video.width, 540);
      assert.equal(info.video.height, 960);
      assert.equal(info.video.r_frame_rate, '30/1');
      assert.equal(info.audio?.codec_name, 'aac');
      assert.ok(Math.abs(info.duration - 15) <= 0.5, `duration ${info.duration}`);
      hashes.push(createHash('sha256').update(download.rawPayload).digest('hex'));
      const music = await fetchSigned(v.draft.music.url);
      const audio = await probe(music.rawPayload, `music_${v.variation_index}.mp3`);
      assert.equal(audio.audio?.codec_name, 'mp3');
    }
    assert.notEqual(hashes[0], hashes[1], 'the two variations are different videos');

    // Each final's on-screen words as WebVTT captions: the plan's texts, in order, within the 15 s.
    const full = (await ana.get(`/genads/api/campaigns/${campaign.campaign_id}`)).json();
    for (const v of videos.variations) {
      const captions = await ana.get(v.captions_url);
      assert.equal(captions.statusCode, 200, captions.body);
      assert.match(String(captions.headers['content-type']), /^text\/vtt/);
      const cues = [...captions.body.matchAll(/(\d\d):(\d\d):(\d\d)\.(\d{3}) --> (\d\d):(\d\d):(\d\d)\.(\d{3})\n([^]*?)\n\n/g)].map((m) => ({
        start: Number(m[2]) * 60 + Number(m[3]) + Number(m[4]) / 1000,
        end: Number(m[6]) * 60 + Number(m[7]) + Number(m[8]) / 1000,
        text: m[9],
      }));
      const scenes = full.campaign_json.variations.find((r: { index: number }) => r.index === v.variation_index).scenes as Array<{ role: string; overlay: { text: string } | null }>;
      const words = scenes.map((sc) => sc.overlay?.text.trim() || (sc.role === 'call_to_action' ? perfume.perfume_name : '')).filter(Boolean);
      assert.deepEqual(cues.map((c) => c.text), words.map((w) => w.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')));
      assert.ok(cues.length > 0 && cues.every((c, i) => c.start < c.end && c.end <= 15 && (i === 0 || c.start >= cues[i - 1]!.end)), JSON.stringify(cues));
    }
    assertError(await ana.get(`/genads/api/campaigns/${campaign.campaign_id}/variations/5/captions.vtt`), 404, 'CAPTIONS_NOT_READY');

    // Choosing the variation to keep.
    const selected = await ana.send('POST', `/genads/api/generation/campaigns/${campaign.campaign_id}/select-variation`, { variation_index: 1 });
    assert.equal(selected.statusCode, 200, selected.body);
    assert.equal(selected.json().selected_variation_index, 1);
    assertError(await ana.send('POST', `/genads/api/generation/campaigns/${campaign.campaign_id}/select-variation`, { variation_index: 2 }), 422, 'VARIATION_NOT_FOUND');
    const stats = (await ana.get('/genads/api/brands/me/stats')).json();
    assert.equal(stats.completed_campaigns, 1);
  });

  it('fails the campaign with the reason when the storage quota runs out, keeping what was made', { timeout: 5 * 60_000 }, async () => {
    const perfume = await ana.createPerfume('Quota Noir', 'masculine');
    const campaign = await ana.createCampaign(perfume.perfume_id, { campaign_name: 'Too Big', selected_style: 'dark_elegance', target_duration: 15 });
    const used = await withSystem(t.db, (tx) => tx.selectFrom('orgs').select('storage_used_bytes').where('id', '=', ana.user.orgId).executeTakeFirstOrThrow());
    await setStorageLimit(t, ana.user.orgId, Number(used.storage_used_bytes) + 1000);
    try {
      assert.equal((await ana.send('POST', `/genads/api/generation/campaigns/${campaign.campaign_id}/generate`)).statusCode, 202);
      const { final } = await waitForCampaign(campaign.campaign_id);
      assert.equal(final.status, 'failed');
      assert.match(final.error_message, /quota/i);
      // Failed campaigns can be deleted, and generated again once there is room.
      assert.equal((await ana.get(`/genads/api/campaigns/${campaign.campaign_id}`)).json().status, 'failed');
    } finally {
      await setStorageLimit(t, ana.user.orgId, 10 * 1024 ** 3);
    }
  });
});

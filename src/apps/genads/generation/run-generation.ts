import { createReadStream } from 'node:fs';
import { mkdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { buffer } from 'node:stream/consumers';
import type { PlatformContext } from '../../../platform/context.js';
import { findObjectAt, storeReplacing } from '../../../platform/storage/replace.js';
import { conflict } from '../../../platform/errors.js';
import type { BrandRow } from '../brands/brands.service.js';
import type { PerfumeRow } from '../perfumes/perfumes.service.js';
import type { CampaignRow } from '../campaigns/campaigns.service.js';
import type { CampaignJson, CostBreakdown, VariationPaths, VariationRecord } from '../campaigns/campaign-json.js';
import { VIDEO_FPS, type ProductAngle, type ScenePlan, type VariationPlan } from '../pipeline/types.js';
import {
  campaignVideoTags, draftMusicKey, draftSceneKey, finalVideoKey, LIFECYCLE_CLASS, UPLOAD_KINDS,
} from '../storage-layout.js';
import { brandStyleFor } from './brand-style.js';
import type { CampaignProgress } from './campaign-progress.js';
import type { PipelineKit } from './pipeline-kit.js';
import type { MediaInfo } from '../../../platform/media/ffmpeg.js';
import { costOfFailure } from '../pipeline/paid-failure.js';
import { imageForAngle } from '../product/choose-angle.js';
import { RunTally, type RunTallyState } from './run-tally.js';

/** Where the job's progress goes, stage by stage (percent of the whole run). */
const STAGES = { guidelines: 2, planning: 6, product: 10, variations: 12, variationsEnd: 97 } as const;

/** What a retried run resumes from (saved with the job's progress). */
export interface GenerationCheckpoint {
  /** The take these files belong to: a checkpoint of another take is never resumed. */
  take: number;
  plan: { variations: VariationPlan[]; cost: number; planner: string };
  guidelinesCost: number;
  analyzer: string;
  done: Record<string, DoneVariation>;
  /** Spend and stage times of the attempts so far. */
  tally: RunTallyState;
}

interface DoneVariation {
  paths: VariationPaths;
  record: VariationRecord;
  videoCost: number;
  musicCost: number;
}

export interface GenerationInput {
  orgId: string;
  campaign: CampaignRow;
  perfume: PerfumeRow;
  brand: BrandRow;
  workDir: string;
  /** The run's take number: its files go under the take's own keys (storage-layout.ts). */
  take: number;
  /** Concepts of the take this one replaces (and of a failed take), for the planner to move away from. */
  avoidConcepts: string[];
  checkpoint: GenerationCheckpoint | null;
  progress: CampaignProgress;
  /** Filled as the run goes (spend, seconds per stage), so a failed run's cost and times are known too. */
  tally: RunTally;
  signal: AbortSignal;
}

export interface GenerationResult {
  campaignJson: CampaignJson;
  cost: CostBreakdown;
}

/**
 * The seed's generation pipeline for one campaign: brand guidelines (cached) → scene plans
 * for N variations → product cut-out → per variation: scene backgrounds (drafts), music
 * (draft), compositing + text + render (final) → every file stored at the seed's key with its
 * tags. Each finished variation is checkpointed, so a run killed mid-way resumes with the
 * variations it had not finished.
 */
export async function runGeneration(ctx: PlatformContext, kit: PipelineKit, input: GenerationInput): Promise<GenerationResult> {
  const { orgId, campaign, perfume, brand, workDir, progress, signal, take, tally } = input;
  const ids = { brandId: brand.brand_id, perfumeId: perfume.perfume_id, campaignId: campaign.campaign_id, take };

  let checkpoint = input.checkpoint?.take === take ? input.checkpoint : null;
  if (checkpoint) tally.resume(checkpoint.tally);
  if (!checkpoint) {
    await progress.report(STAGES.guidelines, 'reading brand guidelines');
    const brandStyle = await tally.time('guidelines', () => brandStyleFor(ctx, kit, orgId, brand, signal));
    tally.spend(brandStyle.cost);
    await progress.report(STAGES.planning, 'planning scenes');
    const planned = await tally.time('planning', () => planWithFallback(ctx, kit, {
      brandName: brand.brand_name,
      perfumeName: perfume.perfume_name,
      gender: perfume.perfume_gender,
      style: campaign.selected_style,
      duration: campaign.target_duration,
      creativePrompt: campaign.creative_prompt,
      brandStyle: brandStyle.style,
      numVariations: campaign.num_variations,
      take,
      avoidConcepts: input.avoidConcepts,
    }, signal));
    tally.spend(planned.cost);
    tally.concepts = planned.variations.map((v) => v.concept);
    checkpoint = {
      take,
      plan: planned,
      guidelinesCost: brandStyle.cost,
      analyzer: brandStyle.cached ? `${brandStyle.style.source} (cached)` : brandStyle.fallbackReason ? `rules (llm failed: ${brandStyle.fallbackReason.slice(0, 200)})` : brandStyle.style.source,
      done: {},
      tally: tally.state(),
    };
    await progress.report(STAGES.planning + 1, 'scenes planned', checkpoint);
  }
  const cp = checkpoint;
  await progress.variationsCompleted(Object.keys(cp.done).length);

  await progress.report(STAGES.product, 'extracting the product');
  const products = await tally.time('product', () => cutOutAngles(ctx, kit, { orgId, perfume, workDir, variations: cp.plan.variations, signal }));
  const logoPngPath = path.join(workDir, 'logo.png');
  const logo = await readObject(ctx, orgId, brand.brand_logo_url).catch(() => null);
  if (logo) await writeFile(logoPngPath, logo);

  // Overall progress = the average of the variations' own fractions over the variation band.
  const fractions: number[] = cp.plan.variations.map((v) => (cp.done[String(v.index)] ? 1 : 0));
  const band = STAGES.variationsEnd - STAGES.variations;
  const reportVariation = (index: number, fraction: number, stage: string) => {
    fractions[index] = Math.max(fractions[index], fraction);
    const avg = fractions.reduce((a, b) => a + b, 0) / fractions.length;
    const label = cp.plan.variations.length > 1 ? `variation ${index + 1}/${cp.plan.variations.length}: ${stage}` : stage;
    return progress.report(STAGES.variations + band * avg, label);
  };

  const todo = cp.plan.variations.filter((v) => !cp.done[String(v.index)]);
  await forEachLimited(todo, kit.variationConcurrency, async (variation) => {
    const done = await generateVariation(ctx, kit, {
      orgId, ids, variation, brand, perfume, products, logoPngPath: logo ? logoPngPath : null,
      workDir: path.join(workDir, `variation_${variation.index}`), signal, tally,
      report: (fraction, stage) => reportVariation(variation.index, fraction, stage),
    });
    cp.done[String(variation.index)] = done;
    cp.tally = tally.state();
    await progress.report(progress.current.pct, `variation ${variation.index + 1} done`, cp);
    await progress.variationsCompleted(Object.keys(cp.done).length);
  });

  const variations = cp.plan.variations.map((v) => cp.done[String(v.index)]);
  const cost = costBreakdown(cp, variations);
  const first = variations[0].record;
  const campaignJson: CampaignJson = {
    take,
    scenes: first.scenes,
    styleSpec: first.styleSpec,
    videoMetadata: {
      resolution: `${kit.videoSize.width}x${kit.videoSize.height}`,
      aspectRatio: '9:16',
      totalDuration: round(first.duration, 2),
      selectedStyle: campaign.selected_style,
      fps: VIDEO_FPS,
      videoCodec: 'h264',
      audioCodec: 'aac',
    },
    costBreakdown: cost,
    variationPaths: Object.fromEntries(variations.map((v) => [`variation_${v.record.index}`, v.paths])),
    variations: variations.map((v) => v.record),
    providers: {
      guidelines: cp.analyzer,
      planning: cp.plan.planner,
      product: products.describe(),
      video: kit.backgrounds.name,
      music: kit.music.name,
    },
  };
  return { campaignJson, cost };
}

async function planWithFallback(ctx: PlatformContext, kit: PipelineKit, planInput: Parameters<PipelineKit['planner']['plan']>[0], signal: AbortSignal) {
  try {
    const planned = await kit.planner.plan(planInput, signal);
    return { ...planned, planner: kit.planner.name };
  } catch (err) {
    if (!kit.fallbackPlanner || signal.aborted) throw err;
    ctx.log.warn({ err }, 'scene planning by the LLM failed; using the rule planner');
    const planned = await kit.fallbackPlanner.plan(planInput, signal);
    // What the failed LLM calls already cost still counts.
    return { ...planned, cost: planned.cost + costOfFailure(err), planner: `rules (llm failed: ${(err as Error).message.slice(0, 200)})` };
  }
}

/** The product cut out once per angle the plan shows; each scene gets the angle it asked for, or the front. */
interface ProductCutouts {
  /** The cut-out PNG for a scene, and the angle it really shows. */
  forScene(scene: ScenePlan): { path: string; angle: ProductAngle };
  /** How each angle was cut out, for campaign_json.providers. */
  describe(): string;
}

async function cutOutAngles(
  ctx: PlatformContext, kit: PipelineKit,
  job: { orgId: string; perfume: PerfumeRow; workDir: string; variations: VariationPlan[]; signal: AbortSignal },
): Promise<ProductCutouts> {
  const { perfume } = job;
  const images = { front: perfume.front_image_url, back: perfume.back_image_url, top: perfume.top_image_url, left: perfume.left_image_url, right: perfume.right_image_url };
  const wanted = new Set<ProductAngle>(['front']);
  for (const v of job.variations) for (const s of v.scenes) if (s.product.motion !== 'hidden') wanted.add(s.product.angle ?? 'front');
  const used = new Map<ProductAngle, { path: string; method: string }>();
  for (const angle of wanted) {
    const chosen = imageForAngle(images, angle);
    if (used.has(chosen.angle)) continue;
    const photo = await readObject(ctx, job.orgId, chosen.image);
    const cutout = kit.extractor.extractWithReport
      ? await kit.extractor.extractWithReport(photo, job.signal)
      : { png: await kit.extractor.extract(photo, job.signal), method: kit.extractor.name, fallbackReasons: [] };
    const file = path.join(job.workDir, `product_${chosen.angle}.png`);
    await writeFile(file, cutout.png);
    const method = cutout.fallbackReasons.length ? `${cutout.method} (after: ${cutout.fallbackReasons.join('; ').slice(0, 200)})` : cutout.method;
    used.set(chosen.angle, { path: file, method });
  }
  return {
    forScene(scene) {
      const { angle } = imageForAngle(images, scene.product.angle ?? 'front');
      return { path: used.get(angle)!.path, angle };
    },
    describe() {
      const front = used.get('front')!.method;
      const others = [...used].filter(([a]) => a !== 'front');
      return others.length ? `${front}; ${others.map(([a, u]) => `${a}: ${u.method}`).join('; ')}` : front;
    },
  };
}

interface VariationJob {
  orgId: string;
  ids: { brandId: string; perfumeId: string; campaignId: string; take: number };
  variation: VariationPlan;
  brand: BrandRow;
  perfume: PerfumeRow;
  products: ProductCutouts;
  logoPngPath: string | null;
  workDir: string;
  signal: AbortSignal;
  tally: RunTally;
  report(fraction: number, stage: string): Promise<void>;
}

/** Shares of one variation's time, measured on the local providers: the drafts (scene backgrounds and music, made at once), the render; the rest is the final upload. */
const SHARE = { drafts: 0.5, render: 0.45 } as const;

async function generateVariation(ctx: PlatformContext, kit: PipelineKit, job: VariationJob): Promise<DoneVariation> {
  const { orgId, ids, variation, signal, tally } = job;
  await mkdir(job.workDir, { recursive: true });
  const index = variation.index;
  // Each scene shows the angle it asked for when the perfume has that photo, the front otherwise: recorded as used.
  const sceneProducts = variation.scenes.map((scene) => job.products.forScene(scene));
  const scenes = variation.scenes.map((scene, k) => (scene.product.motion === 'hidden' ? scene : { ...scene, product: { ...scene.product, angle: sceneProducts[k].angle } }));
  const backgroundPaths = scenes.map((_, k) => path.join(job.workDir, `scene_${k + 1}_bg.mp4`));
  const sceneKeys: string[] = [];
  const sceneFractions = scenes.map(() => 0);
  let scenesDone = 0;
  const reportScenes = () => {
    const fraction = sceneFractions.reduce((a, b) => a + b, 0) / scenes.length;
    return job.report(SHARE.drafts * fraction, `generating the scene backgrounds and music (${scenesDone} of ${scenes.length} scenes done)`);
  };
  let videoCost = 0;
  await reportScenes();

  // The scenes at once (GENADS_SCENE_CONCURRENCY) and the music beside them: one local FFmpeg
  // process leaves part of the second core idle (all four scenes at once took 20-28% less time
  // than one after another, docs/benchmarks.md "render"), and a hosted model films four clips
  // in the time of one.
  const drawScenes = () => forEachLimited([...scenes.keys()], kit.sceneConcurrency, async (k) => {
    const { cost } = await tally.time('backgrounds', () => kit.backgrounds.generate({
      scene: scenes[k], styleSpec: variation.styleSpec, outputPath: backgroundPaths[k], signal,
      onProgress: (f) => {
        sceneFractions[k] = f;
        void reportScenes().catch(() => {});
      },
    }));
    videoCost += cost;
    tally.spend(cost);
    const key = draftSceneKey(ids.brandId, ids.perfumeId, ids.campaignId, index, k + 1, ids.take);
    await tally.time('storage', () => uploadFile(ctx, orgId, key, backgroundPaths[k], UPLOAD_KINDS.video, campaignVideoTags(ids, index, 'draft'), LIFECYCLE_CLASS.draft));
    sceneKeys[k] = key;
    sceneFractions[k] = 1;
    scenesDone++;
    await reportScenes();
  });
  const musicPath = path.join(job.workDir, 'music.mp3');
  const totalSeconds = scenes.reduce((s, sc) => s + sc.frames, 0) / VIDEO_FPS;
  const composeMusic = async () => {
    const { cost } = await tally.time('music', () => kit.music.generate({ plan: variation.music, gender: job.perfume.perfume_gender, duration: totalSeconds, outputPath: musicPath, signal }));
    tally.spend(cost);
    const key = draftMusicKey(ids.brandId, ids.perfumeId, ids.campaignId, index, ids.take);
    await tally.time('storage', () => uploadFile(ctx, orgId, key, musicPath, UPLOAD_KINDS.audio, campaignVideoTags(ids, index, 'draft'), LIFECYCLE_CLASS.draft));
    return { cost, key };
  };
  // Both are waited for even when one fails, so nothing still writes into the work directory once this throws.
  const [drawn, composed] = await Promise.allSettled([drawScenes(), composeMusic()]);
  if (drawn.status === 'rejected') throw drawn.reason;
  if (composed.status === 'rejected') throw composed.reason;
  const musicCost = composed.value.cost;
  const draft: Record<string, string> = Object.fromEntries(sceneKeys.map((key, k) => [`scene_${k + 1}`, key]));
  draft.music = composed.value.key;

  const renderStart = SHARE.drafts;
  await job.report(renderStart, 'rendering the final video');
  const finalPath = path.join(job.workDir, 'final_video.mp4');
  const rendered = await tally.time('render', () => kit.render({
    scenes, backgroundPaths, productPath: sceneProducts[0].path, sceneProductPaths: sceneProducts.map((p) => p.path), logoPath: job.logoPngPath, musicPath,
    brandName: job.brand.brand_name, perfumeName: job.perfume.perfume_name, outputPath: finalPath, signal,
    onProgress: (f) => void job.report(renderStart + SHARE.render * f, 'rendering the final video').catch(() => {}),
  }));
  assertRendered(rendered, totalSeconds, kit.videoSize);
  await job.report(renderStart + SHARE.render, 'storing the final video');
  const finalKey = finalVideoKey(ids.brandId, ids.perfumeId, ids.campaignId, index, ids.take);
  await tally.time('storage', () => uploadFile(ctx, orgId, finalKey, finalPath, UPLOAD_KINDS.video, campaignVideoTags(ids, index, 'final'), LIFECYCLE_CLASS.final));
  await job.report(1, 'done');

  return {
    paths: { draft, final: finalKey },
    record: {
      index, concept: variation.concept, scenes, styleSpec: variation.styleSpec, music: variation.music,
      duration: round(rendered.durationSeconds, 3), completedAt: new Date().toISOString(),
    },
    videoCost,
    musicCost,
  };
}

/** The render must match the seed's format, at the configured size; a wrong file is an error, never a "completed" campaign. */
function assertRendered(r: MediaInfo, expectedSeconds: number, size: PipelineKit['videoSize']) {
  const problems: string[] = [];
  if (r.width !== size.width || r.height !== size.height) problems.push(`size ${r.width}x${r.height}`);
  if (Math.abs(r.fps - VIDEO_FPS) > 0.01) problems.push(`${r.fps} fps`);
  if (Math.abs(r.durationSeconds - expectedSeconds) > 0.5) problems.push(`duration ${r.durationSeconds.toFixed(2)} s instead of ${expectedSeconds} s`);
  if (!r.audioCodec) problems.push('no audio stream');
  if (problems.length) throw new Error(`The rendered video is not as specified (${problems.join(', ')})`);
}

async function readObject(ctx: PlatformContext, orgId: string, key: string): Promise<Buffer> {
  const object = await findObjectAt(ctx, { orgId }, key);
  if (!object) throw conflict(`${key} is missing from storage: upload it again`, 'ASSET_MISSING');
  return buffer((await ctx.storage.driver.get(object.storageKey)).stream);
}

async function uploadFile(ctx: PlatformContext, orgId: string, key: string, filePath: string, kind: string, tags: Record<string, string>, lifecycleClass: string) {
  const { size } = await stat(filePath);
  await storeReplacing(ctx, { orgId }, { key, kind, stream: createReadStream(filePath), sizeHint: size, tags, lifecycleClass });
}

function costBreakdown(cp: GenerationCheckpoint, variations: DoneVariation[]): CostBreakdown {
  const videoGeneration = variations.reduce((s, v) => s + v.videoCost, 0);
  const musicGeneration = variations.reduce((s, v) => s + v.musicCost, 0);
  const parts = { guidelinesExtraction: cp.guidelinesCost, scenePlanning: cp.plan.cost, videoGeneration, musicGeneration };
  const total = Object.values(parts).reduce((a, b) => a + b, 0);
  return {
    guidelinesExtraction: round(parts.guidelinesExtraction, 4),
    scenePlanning: round(parts.scenePlanning, 4),
    videoGeneration: round(videoGeneration, 4),
    musicGeneration: round(musicGeneration, 4),
    total: round(total, 4),
  };
}

const round = (n: number, digits: number) => Math.round(n * 10 ** digits) / 10 ** digits;

/** Run `fn` over `items`, at most `limit` at a time; the first failure stops new work and is thrown once the work in flight has ended. */
async function forEachLimited<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failed: unknown = null;
  const worker = async () => {
    while (failed === null && next < items.length) {
      const item = items[next++];
      try {
        await fn(item);
      } catch (err) {
        failed ??= err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  if (failed !== null) throw failed;
}

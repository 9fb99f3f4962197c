import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import sharp from 'sharp';
import { machine } from './support.js';
import { FINAL_AUDIO_ARGS, finalVideoArgs } from '../src/apps/genads/media/encoding.js';
import { probeMedia, runFfmpeg } from '../src/platform/media/ffmpeg.js';
import { ffmpegTools } from '../src/apps/genads/media/ffmpeg-tools.js';
import { LocalBackgroundGenerator } from '../src/apps/genads/media/local-background.js';
import { LocalMusicGenerator } from '../src/apps/genads/media/local-music.js';
import { renderVariation } from '../src/apps/genads/media/render-variation.js';
import type { ScenePlan } from '../src/apps/genads/pipeline/types.js';

/**
 * One 30 s, 4-scene, 1080x1920 ad generated locally (4 backgrounds + music + the final
 * render) against a bare FFmpeg encode of the same output in the same run: the finished
 * video decoded and re-encoded with the same codec settings. Target: ratio <= 1.5, i.e. the
 * whole local generation costs at most half again what encoding the ad alone costs.
 * Also reports the peak RSS of the FFmpeg child processes.
 */

const FRAMES = [180, 270, 240, 210];
const PALETTE = ['#120b06', '#3b2612', '#8a6427', '#e9c77b'];

function scenes(): ScenePlan[] {
  const specs: Pick<ScenePlan, 'role' | 'background' | 'product' | 'overlay'>[] = [
    {
      role: 'hook',
      background: { palette: PALETTE, motion: 'push_in', lightSweep: true, particles: 'bokeh', seed: 11 },
      product: { motion: 'hidden', scale: 0.5, x: 0.5, y: 0.5 },
      overlay: { text: 'Golden hour, bottled', position: 'center', font: 'serif', size: 'large', animation: 'fade' },
    },
    {
      role: 'product_reveal',
      background: { palette: PALETTE, motion: 'pull_out', lightSweep: true, particles: 'sparkles', seed: 12 },
      product: { motion: 'reveal_scale', scale: 0.55, x: 0.5, y: 0.5 },
      overlay: { text: "Éclat d'Or", position: 'bottom', font: 'serif', size: 'medium', animation: 'rise' },
    },
    {
      role: 'mood',
      background: { palette: PALETTE, motion: 'pan_up', lightSweep: false, particles: 'dust', seed: 13 },
      product: { motion: 'float', scale: 0.45, x: 0.5, y: 0.48 },
      overlay: { text: 'Warm amber, a trace of saffron', position: 'top', font: 'sans', size: 'small', animation: 'rise' },
    },
    {
      role: 'call_to_action',
      background: { palette: PALETTE, motion: 'drift', lightSweep: true, particles: 'bokeh', seed: 14 },
      product: { motion: 'settle', scale: 0.42, x: 0.5, y: 0.5 },
      overlay: { text: 'Discover it now', position: 'bottom', font: 'sans', size: 'medium', animation: 'fade' },
    },
  ];
  return specs.map((spec, i) => ({
    sceneId: `scene_${i + 1}`,
    frames: FRAMES[i],
    duration: FRAMES[i] / 30,
    backgroundPrompt: '',
    camera: '',
    ...spec,
  }));
}

/**
 * Peak resident memory (VmHWM) of the FFmpeg processes this process started, sampled from
 * /proc with synchronous reads every 400 ms: a promise-based scan every 100 ms cost a
 * quarter of a core here and skewed the very timings it sat beside.
 */
function watchChildren() {
  let peakKb = 0;
  const sample = () => {
    for (const pid of readdirSync('/proc')) {
      if (!/^\d+$/.test(pid)) continue;
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        const [, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        if (Number(ppid) !== process.pid || !stat.includes('(ffmpeg)')) continue;
        const status = readFileSync(`/proc/${pid}/status`, 'utf8');
        peakKb = Math.max(peakKb, Number(/^VmHWM:\s+(\d+)/m.exec(status)?.[1] ?? 0));
      } catch {
        // ended while being read
      }
    }
  };
  const timer = setInterval(sample, 400);
  return { stop: () => (clearInterval(timer), Math.round(peakKb / 1024)) };
}

const CLOCK_TICKS = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' })) || 100;
  } catch {
    return 100;
  }
})();

/**
 * CPU seconds used so far by this process and its finished children (FFmpeg). On a shared
 * virtual machine wall time swings by a quarter from run to run; CPU time much less.
 */
function cpuSeconds(): number {
  const own = process.cpuUsage();
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
  const children = (Number(fields[13]) + Number(fields[14])) / CLOCK_TICKS; // cutime, cstime
  return (own.user + own.system) / 1e6 + children;
}

interface Timing {
  wall: number;
  cpu: number;
}

function stopwatch(): () => Timing {
  const t0 = process.hrtime.bigint();
  const c0 = cpuSeconds();
  return () => ({ wall: Number(process.hrtime.bigint() - t0) / 1e9, cpu: cpuSeconds() - c0 });
}

async function timed<T>(label: string, work: () => Promise<T>): Promise<[T, Timing]> {
  process.stderr.write(`${label}…\n`);
  const stop = stopwatch();
  const result = await work();
  const timing = stop();
  process.stderr.write(`${label}: ${timing.wall.toFixed(1)} s (${timing.cpu.toFixed(1)} s CPU, this process and its FFmpeg children)\n`);
  return [result, timing];
}

const round = (n: number) => Number(n.toFixed(2));

export async function run() {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'tenantry-bench-render-'));
  const tools = ffmpegTools({
    ffmpegPath: process.env.GENADS_FFMPEG_PATH ?? 'ffmpeg',
    ffprobePath: process.env.GENADS_FFPROBE_PATH ?? 'ffprobe',
    x264Preset: process.env.GENADS_X264_PRESET ?? 'veryfast',
  });
  const plan = scenes();
  const duration = FRAMES.reduce((a, b) => a + b, 0) / 30;
  const product = path.join(dir, 'product.png');
  const logo = path.join(dir, 'logo.png');
  await sharp(
    Buffer.from(
      `<svg xmlns="http://www.w3.org/2000/svg" width="400" height="700"><defs><linearGradient id="g" x1="0" x2="1"><stop offset="0" stop-color="#7a4a10"/><stop offset="0.3" stop-color="#e8b860"/><stop offset="0.5" stop-color="#c88a30"/><stop offset="1" stop-color="#5a3008"/></linearGradient></defs><rect x="140" y="0" width="120" height="150" rx="10" fill="#d8c088"/><rect x="20" y="190" width="360" height="510" rx="40" fill="url(#g)"/></svg>`,
    ),
  )
    .png()
    .toFile(product);
  await sharp(Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="500" height="120"><rect y="40" width="500" height="40" rx="20" fill="#f0dca8"/></svg>`)).png().toFile(logo);

  const children = watchChildren();
  const backgroundPaths = plan.map((s) => path.join(dir, `${s.sceneId}_bg.mp4`));
  const musicPath = path.join(dir, 'music.mp3');
  const output = path.join(dir, 'ad.mp4');
  const generationDone = stopwatch();
  const generator = new LocalBackgroundGenerator(tools);
  const styleSpec = { lighting: '', camera: '', mood: '', colors: [] };
  // As a job runs it (generation/run-generation.ts, GENADS_SCENE_CONCURRENCY 4): the four backgrounds at once, the music beside them.
  const [[, backgrounds], [, music]] = await Promise.all([
    timed('4 backgrounds at once', () => Promise.all(plan.map((scene, i) => generator.generate({ scene, styleSpec, outputPath: backgroundPaths[i] })))),
    timed('music', () =>
      new LocalMusicGenerator(tools).generate({
        plan: { mood: 'warm, luminous', key: { root: 'A', mode: 'minor' }, bpm: 72, progression: ['Am9', 'Fmaj7', 'C', 'G'], prompt: '', seed: 3 },
        gender: 'feminine',
        duration,
        outputPath: musicPath,
      }),
    ),
  ]);
  const [info, render] = await timed('render', () =>
    renderVariation(tools, { scenes: plan, backgroundPaths, productPath: product, logoPath: logo, musicPath, brandName: 'Maison Lumière', perfumeName: "Éclat d'Or", outputPath: output }),
  );
  const generation = generationDone();
  const ffmpegPeakRssMb = children.stop();

  // For comparison in the same run: the same backgrounds one after another (how jobs drew them before 2026-12-02).
  const [, backgroundsInTurn] = await timed('4 backgrounds one after another', async () => {
    for (const [i, scene] of plan.entries()) await generator.generate({ scene, styleSpec, outputPath: path.join(dir, `in_turn_${i}.mp4`) });
  });

  // The baseline twice, averaged: this machine's speed drifts from one minute to the next.
  const baselines: Timing[] = [];
  for (const run of [1, 2]) {
    const [, timing] = await timed(`baseline ${run}: decode and re-encode the ad with the same settings`, () =>
      runFfmpeg(tools, ['-i', output, '-map', '0:v', '-map', '0:a', ...finalVideoArgs(tools.x264Preset), ...FINAL_AUDIO_ARGS, '-movflags', '+faststart', path.join(dir, `baseline${run}.mp4`)]),
    );
    baselines.push(timing);
  }
  const baseline = { wall: (baselines[0].wall + baselines[1].wall) / 2, cpu: (baselines[0].cpu + baselines[1].cpu) / 2 };
  const baselineInfo = await probeMedia(tools, path.join(dir, 'baseline1.mp4'));
  await rm(dir, { recursive: true, force: true });
  return {
    machine: machine(),
    x264_preset: tools.x264Preset,
    video_seconds: duration,
    output: { width: info.width, height: info.height, fps: info.fps, frames: info.frames, duration: info.durationSeconds, codecs: `${info.videoCodec}+${info.audioCodec}` },
    baseline_frames: baselineInfo.frames,
    backgrounds_s: round(backgrounds.wall),
    backgrounds_one_after_another_s: round(backgroundsInTurn.wall),
    music_s: round(music.wall),
    render_s: round(render.wall),
    generation_s: round(generation.wall),
    baseline_encode_s: round(baseline.wall),
    baseline_runs_s: baselines.map((b) => round(b.wall)),
    ratio: round(generation.wall / baseline.wall),
    render_only_ratio: round(render.wall / baseline.wall),
    generation_cpu_s: round(generation.cpu),
    baseline_cpu_s: round(baseline.cpu),
    cpu_ratio: round(generation.cpu / baseline.cpu),
    render_only_cpu_ratio: round(render.cpu / baseline.cpu),
    target_ratio: 1.5,
    ffmpeg_peak_rss_mb: ffmpegPeakRssMb,
  };
}

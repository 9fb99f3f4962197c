import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { Cluster } from '../e2e/cluster/support/cluster.js';
import { ApiClient, expectStatus, refresh, type Account, type Answer } from '../e2e/cluster/support/api-client.js';
import type { NodeProcess } from '../e2e/cluster/support/node-process.js';
import { sceneJpeg } from '../test/support/images.js';
import { bottlePhoto, logoPng } from '../test/apps/genads/support/images.js';
import { buildPdf } from '../test/apps/genads/support/pdf.js';
import { SAMPLE_GUIDELINES } from '../test/apps/genads/support/documents.js';
import { machine } from './support.js';

/**
 * `npm run bench -- soak` (issue 15, item 7): the multi-node setup of e2e/cluster (two API
 * nodes, one worker, PostgreSQL through PgBouncer, s3rver, Redis) under a steady mix of every
 * app's work for BENCH_DURATION seconds (default 1,800): Visant captures and listings, Aura
 * photo uploads (each one face detection in the worker) and gallery pages, GenAds listings and
 * now and then a whole generation, Social drafts and lists, brandkit brands, the audit log.
 * Each kind of work runs in its own loop at its own pace, alternating the two API nodes.
 *
 * Reports: requests and errors per kind (any answer but the expected one is an error; the
 * target is none), latency p50/p95 per kind, and each process's resident memory, sampled
 * every 10 s, as a least-squares slope in MB per hour after the warm-up (the first sixth of
 * the run, at most 5 minutes; target under 20 MB/h). At the end, nothing lost: every capture
 * acknowledged is in the database and evaluated, every photo stored had its faces looked for (a completed detection job each),
 * every generation finished, and no job failed.
 */
const DURATION_S = Number(process.env.BENCH_DURATION ?? 1800);
const GENERATION_EVERY_S = Number(process.env.BENCH_GENERATION_EVERY ?? 600);
const SAMPLE_EVERY_MS = 10_000;
/** Where to write each process's RSS series ({ name: [[seconds, MB], ...] }) for a closer look; none when unset. */
const SERIES_FILE = process.env.BENCH_SERIES_FILE;

interface Kind {
  requests: number;
  errors: number;
  latencies: number[];
}

export async function run() {
  const cluster = await Cluster.start({
    env: {
      APPS: 'visant,genads,aura,social,brandkit',
      // Captures come every two seconds from one device, beyond its default per-minute limit.
      VISANT_DEVICE_UPLOADS_PER_MINUTE: '600',
      LOG_LEVEL: 'error',
    },
  });
  const api = new ApiClient(() => cluster.urls);
  const kinds = new Map<string, Kind>();
  const errors: string[] = [];
  let turn = 0;
  const nextNode = () => turn++ % cluster.apis.length;
  /** One request, timed and counted under `kind`; an unexpected answer is an error, never thrown. */
  const timed = async (kind: string, expected: number, call: (node: number) => Promise<Answer>): Promise<Answer | null> => {
    const k = kinds.get(kind) ?? { requests: 0, errors: 0, latencies: [] };
    kinds.set(kind, k);
    k.requests++;
    const started = performance.now();
    try {
      const answer = await call(nextNode());
      k.latencies.push(performance.now() - started);
      if (answer.status === expected) return answer;
      k.errors++;
      if (errors.length < 50) errors.push(`${kind}: ${answer.status} ${answer.text.slice(0, 200)}`);
    } catch (err) {
      k.errors++;
      if (errors.length < 50) errors.push(`${kind}: ${(err as Error).message}`);
    }
    return null;
  };

  try {
    // Set-up: one workspace per app's user, as different customers would be.
    const visant = await api.signup(0, 'soak-visant');
    const aura = await api.signup(1, 'soak-aura');
    const genads = await api.signup(0, 'soak-genads');
    const social = await api.signup(1, 'soak-social');
    const brandkit = await api.signup(0, 'soak-brandkit');
    const device = expectStatus(await api.call(0, 'POST', '/visant/v1/devices', { token: visant.token, json: { device_id: 'soak-cam' } }), 201, 'device').body.api_key as string;
    const event = expectStatus(await api.call(1, 'POST', '/aura/api/events', { token: aura.token, json: { name: 'Soak wedding' } }), 201, 'event').body.id as string;
    const perfumeId = await genadsSetUp(api, genads);

    const scene = await sceneJpeg();
    const faces = [1, 2, 3, 4, 5, 6].map((n) => readFileSync(path.join(process.cwd(), `node_modules/@vladmandic/face-api/demo/sample${n}.jpg`)));
    const captured: string[] = [];
    const photos: string[] = [];
    const generations: string[] = [];

    const memory = new Map<string, Array<[number, number]>>();
    const processes = (): Array<[string, NodeProcess]> => [...cluster.apis.map((a, i): [string, NodeProcess] => [`api-${i}`, a.process]), ...cluster.workers.map((w, i): [string, NodeProcess] => [`worker-${i}`, w])];
    const start = Date.now();
    const elapsed = () => (Date.now() - start) / 1000;
    const sample = () => {
      for (const [name, proc] of processes()) {
        const rss = rssMb(proc.pid);
        if (rss === null) continue;
        const series = memory.get(name) ?? [];
        series.push([elapsed(), rss]);
        memory.set(name, series);
      }
    };
    sample();
    const sampler = setInterval(sample, SAMPLE_EVERY_MS);
    const progress = setInterval(() => {
      const total = [...kinds.values()].reduce((s, k) => s + k.requests, 0);
      const failed = [...kinds.values()].reduce((s, k) => s + k.errors, 0);
      const rss = processes().map(([name, p]) => `${name} ${rssMb(p.pid)?.toFixed(0)} MB`).join(', ');
      process.stderr.write(`soak: ${Math.round(elapsed())}/${DURATION_S} s, ${total} requests, ${failed} errors; ${rss}\n`);
    }, 60_000);

    /** `fn` every `everyMs` until the end (one at a time: a slow answer delays the next, as a real client). */
    const loop = async (everyMs: number, fn: (i: number) => Promise<unknown>) => {
      for (let i = 0; elapsed() < DURATION_S; i++) {
        const began = Date.now();
        await fn(i);
        const wait = Math.max(0, everyMs - (Date.now() - began));
        if (elapsed() + wait / 1000 >= DURATION_S) break;
        await new Promise((r) => setTimeout(r, wait));
      }
    };

    await Promise.all([
      loop(2_000, async (i) => {
        const id = `soak-${i}`;
        const answer = await timed('visant capture', 201, (n) => api.call(n, 'POST', '/visant/v1/captures', { token: device, json: { device_id: 'soak-cam', record_id: id, image_base64: scene.toString('base64') } }));
        if (answer) captured.push(id);
      }),
      loop(2_000, () => timed('visant list', 200, (n) => api.call(n, 'GET', '/visant/v1/captures?limit=20', { token: visant.token }))),
      loop(20_000, async (i) => {
        // Distinct bytes each time (the same bytes would be one photo): a face-api sample, its quality varied.
        const jpeg = await sharp(faces[i % faces.length]!).jpeg({ quality: 60 + (i % 35) }).resize({ width: 1200 - Math.floor(i / 35) }).toBuffer();
        const answer = await timed('aura upload', 200, (n) => api.form(n, 'POST', '/aura/api/photos', aura.token, { event_id: event }, [{ field: 'files', filename: `soak-${i}.jpg`, type: 'image/jpeg', data: jpeg }]));
        const id = answer?.body.files?.[0]?.photo?.id as string | undefined;
        if (id) photos.push(id);
        else if (answer) errors.push(`aura upload: not stored: ${answer.text.slice(0, 200)}`);
      }),
      loop(5_000, () => timed('aura gallery', 200, (n) => api.call(n, 'GET', '/aura/api/photos?limit=50', { token: aura.token }))),
      loop(5_000, () => timed('genads campaigns', 200, (n) => api.call(n, 'GET', '/genads/api/campaigns', { token: genads.token }))),
      loop(GENERATION_EVERY_S * 1000, async (i) => {
        const campaign = await timed('genads campaign', 201, (n) => api.call(n, 'POST', '/genads/api/campaigns', { token: genads.token, json: { perfume_id: perfumeId, campaign_name: `Soak ${i}`, creative_prompt: 'Rose petals at golden hour', selected_style: 'romantic_floral', target_duration: 15, num_variations: 1 } }));
        if (!campaign) return;
        const id = campaign.body.campaign_id as string;
        if (await timed('genads generate', 202, (n) => api.call(n, 'POST', `/genads/api/generation/campaigns/${id}/generate`, { token: genads.token }))) generations.push(id);
      }),
      loop(10_000, (i) => timed('social draft', 201, (n) => api.call(n, 'POST', '/social/api/posts', { token: social.token, json: { title: `Soak ${i}`, text: `Soak post ${i} ${randomBytes(6).toString('hex')}: autumn collection, new arrivals` } }))),
      loop(5_000, () => timed('social list', 200, (n) => api.call(n, 'GET', '/social/api/posts?limit=20', { token: social.token }))),
      loop(15_000, async (i) => {
        if (i % 4 === 0) await timed('brandkit create', 201, (n) => api.call(n, 'POST', '/brandkit/api/brands', { token: brandkit.token, json: { name: `Soak ${i}` } }));
        await timed('brandkit list', 200, (n) => api.call(n, 'GET', '/brandkit/api/brands', { token: brandkit.token }));
      }),
      loop(5_000, () => timed('audit list', 200, (n) => api.call(n, 'GET', '/api/v1/audit?limit=20', { token: visant.token }))),
      // Access tokens last 15 minutes: each user's session is refreshed every 10, as the web app does.
      loop(10 * 60_000, async (i) => {
        if (i === 0) return;
        for (const account of [visant, aura, genads, social, brandkit]) await timed('session refresh', 200, (n) => refresh(api, n, account));
      }),
    ]);
    clearInterval(sampler);
    clearInterval(progress);
    sample();

    // Nothing lost: the background work of what was acknowledged, given time to drain.
    process.stderr.write(`soak: load done after ${Math.round(elapsed())} s; waiting for the background work to finish\n`);
    const drained = await waitFor(async () => {
      const [c] = await cluster.query<{ total: string; pending: string }>(`select count(*) as total, count(*) filter (where evaluation_status = 'pending') as pending from visant_captures where record_id like 'soak-%'`);
      const [f] = await cluster.query<{ waiting: string }>(`select count(*) as waiting from job_runs where state in ('queued', 'active', 'retry')`);
      const g = await cluster.query<{ status: string }>(`select status from genads_campaigns where campaign_id = any($1::uuid[])`, [generations]);
      return Number(c!.total) === captured.length && c!.pending === '0' && f!.waiting === '0' && g.every((r) => r.status !== 'processing') ? { c, g } : null;
    }, 15 * 60_000);
    const [failedJobs] = await cluster.query<{ failed: string }>(`select count(*) as failed from job_runs where state = 'failed'`);
    const generationStates = drained ? drained.g.map((r) => r.status) : [];
    const [detections] = await cluster.query<{ n: string }>(`select count(*) as n from job_runs where name = 'aura.detect-faces' and state = 'completed'`);

    const slopes = Object.fromEntries([...memory].map(([name, series]) => [name, memorySummary(series, DURATION_S)]));
    if (SERIES_FILE) writeFileSync(SERIES_FILE, JSON.stringify(Object.fromEntries(memory)));
    const summary = Object.fromEntries([...kinds].map(([name, k]) => [name, { requests: k.requests, errors: k.errors, p50_ms: round(percentile(k.latencies, 0.5)), p95_ms: round(percentile(k.latencies, 0.95)) }]));
    const totalErrors = [...kinds.values()].reduce((s, k) => s + k.errors, 0);
    if (errors.length) process.stderr.write(`soak: errors (first ${errors.length}):\n${errors.join('\n')}\n`);
    return {
      machine: machine(),
      database: 'postgresql (pgbouncer transaction mode)',
      duration_s: DURATION_S,
      requests: [...kinds.values()].reduce((s, k) => s + k.requests, 0),
      errors: totalErrors,
      kinds: summary,
      captures_acknowledged: captured.length,
      background_drained: drained !== null,
      photos_stored: photos.length,
      photos_with_faces_looked_for: Number(detections!.n),
      generations: generationStates,
      failed_jobs: Number(failedJobs!.failed),
      memory: slopes,
      max_rss_slope_mb_per_hour: round(Math.max(...Object.values(slopes).map((s) => s.slope_mb_per_hour))),
    };
  } finally {
    await cluster.close();
  }
}

async function genadsSetUp(api: ApiClient, account: Account): Promise<string> {
  expectStatus(
    await api.form(0, 'POST', '/genads/api/brands/onboard', account.token, { brand_name: `Maison Soak ${randomBytes(3).toString('hex')}` }, [
      { field: 'logo', filename: 'logo.png', type: 'image/png', data: await logoPng() },
      { field: 'guidelines', filename: 'guidelines.pdf', type: 'application/pdf', data: buildPdf({ pages: [SAMPLE_GUIDELINES] }) },
    ]),
    201,
    'genads onboarding',
  );
  const perfume = await api.form(1, 'POST', '/genads/api/perfumes', account.token, { perfume_name: 'Rose Soak', perfume_gender: 'feminine' }, [
    { field: 'front_image', filename: 'front.png', type: 'image/png', data: await bottlePhoto() },
  ]);
  return expectStatus(perfume, 201, 'genads perfume').body.perfume_id as string;
}

/** Resident memory of a process in MB (Linux /proc), or null once it is gone. */
function rssMb(pid: number | undefined): number | null {
  if (!pid) return null;
  try {
    const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb ? Number(kb) / 1024 : null;
  } catch {
    return null;
  }
}

/**
 * Least-squares slope of RSS over time after the warm-up, in MB per hour, with the first and
 * last figures; and the same slope over the run's second half alone, which tells a process
 * still climbing to a high-water mark (WASM memory never shrinks) from one that keeps growing.
 */
function memorySummary(series: Array<[number, number]>, durationS: number) {
  const warmUp = Math.min(300, durationS / 6);
  const steady = series.filter(([t]) => t >= warmUp);
  return {
    start_mb: round(series[0]?.[1] ?? NaN),
    after_warm_up_mb: round(steady[0]?.[1] ?? NaN),
    end_mb: round(series.at(-1)?.[1] ?? NaN),
    max_mb: round(Math.max(...series.map(([, m]) => m))),
    slope_mb_per_hour: slopeMbPerHour(steady),
    second_half_slope_mb_per_hour: slopeMbPerHour(series.filter(([t]) => t >= durationS / 2)),
    samples: series.length,
  };
}

function slopeMbPerHour(series: Array<[number, number]>): number {
  const n = series.length;
  const meanT = series.reduce((s, [t]) => s + t, 0) / n;
  const meanM = series.reduce((s, [, m]) => s + m, 0) / n;
  const cov = series.reduce((s, [t, m]) => s + (t - meanT) * (m - meanM), 0);
  const varT = series.reduce((s, [t]) => s + (t - meanT) ** 2, 0);
  return n >= 3 && varT > 0 ? round((cov / varT) * 3600) : NaN;
}

async function waitFor<T>(check: () => Promise<T | null>, timeoutMs: number): Promise<T | null> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== null || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 2_000));
  }
}

function percentile(values: number[], p: number): number {
  if (!values.length) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

const round = (x: number) => Math.round(x * 10) / 10;

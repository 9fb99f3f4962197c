import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { FaceApiEngine, DEFAULT_FACE_API_OPTIONS } from '../src/apps/aura/faces/face-api-engine.js';
import { machine } from './support.js';
import sharp from 'sharp';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';

/**
 * Face search and detection (docs/benchmarks.md, "faces").
 * (a) FACES_BENCH_N (default 100,000) synthetic 128-d unit vectors in clusters (people with
 *     ~10 faces each, like a studio's events) in PGlite with pgvector's HNSW (cosine): p50/p95
 *     latency of a limit-10 search and recall@10 against exact search, at several ef_search,
 *     plus exact search's own latency for the ratio.
 * (b) Detection + embeddings of a 1920 px photo with three faces (face-api's sample1): median.
 */
const N = Number(process.env.FACES_BENCH_N ?? 100_000);
const QUERIES = 200;
const FACES_PER_PERSON = 10;

/** A seeded generator: the same vectors every run. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const random = rng(42);
const gauss = () => Math.sqrt(-2 * Math.log(random() || 1e-12)) * Math.cos(2 * Math.PI * random());
const unit = (v: number[]) => {
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
};
// Real face embeddings share a large common direction (face-api's sit in a narrow cone: two
// strangers score ~0.9): people are a common mean + a person offset, faces add a smaller noise.
const common = Array.from({ length: 128 }, gauss);
const person = () => unit(common.map((c) => c + gauss() * 1.2));
const faceOf = (p: number[]) => unit(p.map((x) => x + gauss() * 0.06));
const literal = (v: number[]) => `[${v.map((x) => x.toFixed(6)).join(',')}]`;

const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};
const round = (x: number, d = 2) => Math.round(x * 10 ** d) / 10 ** d;

async function searchBench() {
  const db = await PGlite.create('memory://', { extensions: { vector } });
  await db.exec('create extension vector; create table faces (id serial primary key, org_id int not null, embedding vector(128) not null)');
  const people: number[][] = [];
  console.error(`faces: inserting ${N} vectors…`);
  const batch = 1000;
  for (let i = 0; i < N; i += batch) {
    const values: string[] = [];
    for (let j = i; j < Math.min(N, i + batch); j++) {
      if (j % FACES_PER_PERSON === 0) people.push(person());
      values.push(`(1, '${literal(faceOf(people[people.length - 1]!))}')`);
    }
    await db.exec(`insert into faces (org_id, embedding) values ${values.join(',')}`);
  }
  console.error('faces: building the HNSW index…');
  const t0 = performance.now();
  // The graph of 100k faces (~100 MB) must fit in maintenance_work_mem, or the build spills and crawls.
  await db.exec(`set maintenance_work_mem = '256MB'; create index on faces using hnsw (embedding vector_cosine_ops)`);
  const buildSeconds = (performance.now() - t0) / 1000;
  const queries = Array.from({ length: QUERIES }, () => literal(faceOf(people[Math.floor(random() * people.length)]!)));

  const exactIds: number[][] = [];
  const exactMs: number[] = [];
  for (const q of queries) {
    const s = performance.now();
    // "+ 0" keeps the planner off the index: a full, exact scan.
    const r = await db.query<{ id: number }>(`select id from faces where org_id = 1 order by (embedding <=> $1::vector) + 0 limit 10`, [q]);
    exactMs.push(performance.now() - s);
    exactIds.push(r.rows.map((x) => x.id));
  }
  // The figures mean nothing unless the planner really walks the HNSW index.
  const plan = (await db.query<{ 'QUERY PLAN': string }>(`explain select id from faces where org_id = 1 order by embedding <=> $1::vector limit 10`, [queries[0]])).rows.map((r) => r['QUERY PLAN']).join(' / ');
  const usesIndex = /faces_embedding_idx/.test(plan);
  console.error(`faces: plan: ${plan}`);
  const hnsw: Record<string, unknown>[] = [];
  for (const ef of [40, 100, 200]) {
    const ms: number[] = [];
    let hits = 0;
    for (const [i, q] of queries.entries()) {
      const s = performance.now();
      const r = await db.transaction(async (tx) => {
        await tx.query(`select set_config('hnsw.ef_search', '${ef}', true), set_config('hnsw.iterative_scan', 'strict_order', true)`);
        return tx.query<{ id: number }>(`select id from faces where org_id = 1 order by embedding <=> $1::vector limit 10`, [q]);
      });
      ms.push(performance.now() - s);
      const truth = new Set(exactIds[i]);
      hits += r.rows.filter((x) => truth.has(x.id)).length;
    }
    hnsw.push({ ef_search: ef, p50_ms: round(percentile(ms, 50)), p95_ms: round(percentile(ms, 95)), recall_at_10: round(hits / (QUERIES * 10), 3), exact_over_hnsw_p50: round(percentile(exactMs, 50) / percentile(ms, 50), 1) });
    console.error(`faces: ef_search ${ef}: ${JSON.stringify(hnsw[hnsw.length - 1])}`);
  }
  await db.close();
  return { vectors: N, queries: QUERIES, index_build_s: round(buildSeconds, 1), plan_uses_hnsw: usesIndex, exact: { p50_ms: round(percentile(exactMs, 50)), p95_ms: round(percentile(exactMs, 95)) }, hnsw };
}

async function detectionBench() {
  const require = createRequire(import.meta.url);
  const demo = path.join(path.dirname(require.resolve('@vladmandic/face-api/package.json')), 'demo');
  // sample1 is 1920 × 1280 with three faces: "resize up to 1920" is the photo as it is.
  const photo = await sharp(await readFile(path.join(demo, 'sample1.jpg'))).resize(1920, 1920, { fit: 'inside' }).jpeg({ quality: 90 }).toBuffer();
  const results: Record<string, unknown>[] = [];
  for (const maxSide of [DEFAULT_FACE_API_OPTIONS.maxSide, 640]) {
    const engine = new FaceApiEngine({ ...DEFAULT_FACE_API_OPTIONS, maxSide });
    await engine.detect(photo); // warm: models loaded, WASM kernels compiled
    const ms: number[] = [];
    let faces = 0;
    for (let i = 0; i < 7; i++) {
      const s = performance.now();
      faces = (await engine.detect(photo)).length;
      ms.push(performance.now() - s);
    }
    results.push({ detect_max_side: maxSide, faces, median_ms: round(percentile(ms, 50), 0), min_ms: round(Math.min(...ms), 0) });
    console.error(`faces: detection ${JSON.stringify(results[results.length - 1])}`);
  }
  return results;
}

export async function run() {
  const detection = process.env.FACES_BENCH_SKIP_DETECTION ? null : await detectionBench();
  const search = await searchBench();
  return { machine: machine(), search, detection };
}

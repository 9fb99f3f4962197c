import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import pino from 'pino';
import type { FastifyBaseLogger } from 'fastify';
import { serializerCompiler as zodSerializerCompiler } from 'fastify-type-provider-zod';
import type { z } from 'zod';
import { compiledSerializerCompiler } from '../src/platform/http/compiled-serializer.js';
import { cursorPageSchema } from '../src/platform/db/cursor.js';
import { ok } from '../src/apps/social/http/envelope.js';
import { postSummary } from '../src/apps/social/posts/post.schema.js';
import { captureView } from '../src/apps/visant/captures/capture.schema.js';
import { campaignListResponse, campaignResponse } from '../src/apps/genads/responses.js';
import { machine } from './support.js';

/**
 * The response serializer alone, in one process: fastify-type-provider-zod's (zod's encode of
 * the answer, then JSON.stringify) against the compiled one (http/compiled-serializer.ts, as
 * production runs it, and as tests run it with zod's check first), on answers shaped like the
 * routes' own: a page of 50 social posts (texts of 20-60 words), a page of 50 Visant captures, a GenAds campaign with
 * its plan and a list of 20 campaigns. Each pair alternates in rounds; the median round counts.
 */

const ROUND_MS = 300;
const ROUNDS = 7;

const log = pino({ level: 'silent' }) as unknown as FastifyBaseLogger;
const compiledProduction = compiledSerializerCompiler({ check: false, crossCheck: false, log });
const compiledChecked = compiledSerializerCompiler({ check: true, crossCheck: false, log });

/** Post-like text; every fifth has quotes and an emoji, which send a string down JSON.stringify's escaping path. */
function words(n: number, seed: number): string {
  const vocabulary = ['launch', 'summer', 'collection', 'today', 'our', 'new', 'café', 'team', 'limited', 'offer', 'link in bio', '#brand', 'with', 'love', 'shop', 'weekend'];
  const text = Array.from({ length: n }, (_, i) => vocabulary[(seed * 7 + i * 13) % vocabulary.length]).join(' ');
  return seed % 5 === 0 ? `${text} "while it lasts" 🎉` : text;
}

const day = Date.UTC(2026, 11, 3);
const socialPage = {
  success: true as const,
  data: {
    items: Array.from({ length: 50 }, (_, i) => ({
      id: `0b6a1e3c-1f2a-4c3e-9d4b-${String(i).padStart(12, '0')}`,
      title: i % 3 ? `Post ${i}: ${words(4, i)}` : null,
      text: words(20 + (i % 5) * 10, i),
      status: ['draft', 'scheduled', 'published'][i % 3],
      scheduled_at: i % 2 ? new Date(day + i * 3_600_000) : null,
      timezone: 'Europe/Paris',
      current_version: 1 + (i % 4),
      campaign_id: i % 4 ? null : '5f0c2b7e-8a1d-4f3b-9c6e-2d7a1b0e9f48',
      author_id: '9e1d2c3b-4a5f-4e6d-8c7b-0a1f2e3d4c5b',
      networks: ['instagram', 'linkedin', 'x'].slice(0, 1 + (i % 3)),
      created_at: new Date(day - i * 60_000),
      updated_at: new Date(day - i * 30_000),
      // Columns the service reads and the schema does not list: both serializers drop them.
      org_id: '1c2b3a4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d',
      search_vector: null,
    })),
    next_cursor: 'eyJhdCI6IjIwMjYtMTItMDNUMDk6MTE6MTIuMzQ1Njc4WiIsImlkIjoiMGI2YTFlM2MifQ',
  },
};

const visantPage = {
  items: Array.from({ length: 50 }, (_, i) => ({
    record_id: `rec-${i}`,
    device_id: `cam-${i % 7}`,
    captured_at: new Date(day - i * 5_000),
    ingested_at: new Date(day - i * 5_000 + 800),
    image_stored: true,
    thumbnail_stored: true,
    state: i % 5 ? 'normal' : 'abnormal',
    score: i % 5 ? 0.12 + i / 1000 : 0.87,
    reason: i % 5 ? null : 'A pallet blocks the emergency exit on the left of the frame',
    agent_details: i % 5 ? null : { model: 'vision-small', tokens: 812, boxes: [[10, 20, 120, 200]] },
    evaluation_status: 'completed',
    evaluated_at: new Date(day - i * 5_000 + 2_500),
    trigger_label: i % 2 ? 'motion' : null,
    metadata: { firmware: '2.4.1', exposure_ms: 12, line: `L${i % 3}` },
    marked_normal: false,
    thumbnail_url: `/api/v1/s/${'a'.repeat(40)}?exp=1796300000&sig=${'b'.repeat(43)}`,
  })),
  next_cursor: null,
};

const campaign = {
  campaign_id: 'c-1', perfume_id: 'p-1', brand_id: 'b-1', campaign_name: 'Nuit d\'été', creative_prompt: words(60, 3),
  selected_style: 'gold_luxe', target_duration: 30, num_variations: 3, selected_variation_index: 1, status: 'completed',
  progress: 100, cost: 1.8375, takes_started: 1, shown_take: 1, variations_completed: 3,
  campaign_json: {
    scenes: Array.from({ length: 8 }, (_, i) => ({ index: i, duration: 3.75, prompt: words(30, i), camera: 'slow dolly in', overlay: i % 2 ? words(5, i) : null })),
    styleSpec: { palette: ['#1a1a1a', '#c9a227', '#f5f0e6'], font: 'Playfair Display' },
    costBreakdown: { images: 0.42, video: 1.2, voice: 0.2175 },
    variationPaths: ['v0.mp4', 'v1.mp4', 'v2.mp4'],
  },
  created_at: '2026-12-03T08:00:00.000Z', updated_at: '2026-12-03T08:04:12.000Z',
};
const campaignList = {
  campaigns: Array.from({ length: 20 }, (_, i) => ({ ...campaign, campaign_id: `c-${i}`, campaign_name: `Campaign ${i}` })),
  total: 20, page: 1, limit: 20, pages: 1,
};

const cases: { name: string; schema: z.ZodType; data: unknown }[] = [
  { name: 'social_posts_50', schema: ok(cursorPageSchema(postSummary)), data: socialPage },
  { name: 'visant_captures_50', schema: cursorPageSchema(captureView), data: visantPage },
  { name: 'genads_campaign', schema: campaignResponse, data: campaign },
  { name: 'genads_campaigns_20', schema: campaignListResponse, data: campaignList },
];

/** Calls per second over one round of ROUND_MS. */
function round(serialize: (data: unknown) => string, data: unknown): number {
  let calls = 0;
  let sink = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < ROUND_MS) {
    for (let i = 0; i < 50; i++) sink += serialize(data).length;
    calls += 50;
    elapsed = performance.now() - start;
  }
  if (sink === 0) throw new Error('nothing written');
  return (calls * 1000) / elapsed;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

export async function run(): Promise<Record<string, unknown>> {
  const results: Record<string, unknown> = { machine: machine(), round_ms: ROUND_MS, rounds: ROUNDS };
  for (const { name, schema, data } of cases) {
    const route = { schema, method: 'GET', url: `/${name}`, httpStatus: '200' };
    const ways = {
      zod: zodSerializerCompiler(route as Parameters<typeof zodSerializerCompiler>[0]),
      compiled: compiledProduction(route),
      compiled_checked: compiledChecked(route),
    };
    // The same bytes, or the comparison means nothing.
    const expected = ways.zod(data);
    assert.equal(ways.compiled(data), expected, name);
    assert.equal(ways.compiled_checked(data), expected, name);
    const rates: Record<string, number[]> = { zod: [], compiled: [], compiled_checked: [] };
    for (const serialize of Object.values(ways)) round(serialize, data); // warm-up
    for (let r = 0; r < ROUNDS; r++) {
      for (const [way, serialize] of Object.entries(ways)) rates[way]!.push(round(serialize, data));
    }
    const ops = Object.fromEntries(Object.entries(rates).map(([way, values]) => [way, Math.round(median(values))]));
    results[name] = {
      bytes: Buffer.byteLength(expected),
      ops_per_s: ops,
      us_per_op: Object.fromEntries(Object.entries(ops).map(([way, rate]) => [way, Math.round((1e6 / rate) * 10) / 10])),
      speedup: Math.round((ops.compiled! / ops.zod!) * 100) / 100,
    };
    process.stderr.write(`${name}: ${JSON.stringify(results[name])}\n`);
  }
  return results;
}

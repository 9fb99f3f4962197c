import os from 'node:os';
import sharp from 'sharp';
import { machine } from './support.js';
import { labelPng } from '../src/apps/brandkit/engines/label/label-renderer.js';
import { generateLogos, logoPng } from '../src/apps/brandkit/engines/logo/logo-generator.js';
import { LOGO_LAYOUTS } from '../src/apps/brandkit/engines/logo/logo-spec.js';
import { mockupParams, renderMockup } from '../src/apps/brandkit/engines/mockup/mockup-renderer.js';
import { sampleProduct } from '../src/apps/brandkit/engines/mockup/sample-products.js';
import type { BrandBasics } from '../src/apps/brandkit/engines/brand-input.js';

/**
 * Brandkit's offline engines: logo variations per second (SVG, and SVG + a 512 px PNG), label
 * renders, and mockups per second at 1024 px, and the median time of one 2048 px mockup
 * (target < 1 s) against the baseline of decoding the same 2048 px product photo and encoding
 * it as the same JPEG (what any mockup costs before drawing anything), measured in the same run.
 */

const BRAND: BrandBasics = {
  name: 'Blue Harbor Coffee',
  tagline: 'Roasted by the sea',
  palette: [
    { hex: '#1d4e89', role: 'primary' },
    { hex: '#5b8e7d', role: 'secondary' },
    { hex: '#f4a259', role: 'accent' },
    { hex: '#2b2d42', role: 'neutral' },
    { hex: '#f9f6f0', role: 'background' },
  ],
  fonts: { heading: 'Playfair Display', body: 'Montserrat' },
};

const round = (n: number, d = 1) => Math.round(n * 10 ** d) / 10 ** d;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function timeRuns(label: string, runs: number, fn: (i: number) => Promise<unknown> | unknown): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn(i);
    times.push(performance.now() - t);
  }
  console.error(`${label}: median ${round(median(times))} ms over ${runs}`);
  return times;
}

export async function run(): Promise<Record<string, unknown>> {
  // Warm-up: fonts parsed, sharp's pools started.
  generateLogos(BRAND, 'wordmark', 2, 0);
  await logoPng(generateLogos(BRAND, 'badge', 1, 0)[0].svg, 64);

  let logos = 0;
  const svgStart = performance.now();
  for (let seed = 1; seed <= 10; seed++) for (const layout of LOGO_LAYOUTS) logos += generateLogos(BRAND, layout, 4, seed).length;
  const svgPerSecond = logos / ((performance.now() - svgStart) / 1000);
  console.error(`logo SVGs: ${logos} in ${round(performance.now() - svgStart)} ms`);

  let rendered = 0;
  const pngStart = performance.now();
  for (const layout of LOGO_LAYOUTS) {
    for (const logo of generateLogos(BRAND, layout, 4, 99)) {
      await logoPng(logo.svg, 512);
      rendered++;
    }
  }
  const pngPerSecond = rendered / ((performance.now() - pngStart) / 1000);

  const logo = generateLogos(BRAND, 'icon-wordmark', 1, 5)[0];
  const labelTimes = await timeRuns('label 1200x1000', 5, (i) => labelPng({ brand: BRAND, logoSvg: logo.svg, productName: 'Espresso roast', width: 1200, height: 1000, seed: i }));
  const label = await labelPng({ brand: BRAND, logoSvg: logo.svg, productName: 'Espresso roast', width: 1200, height: 1000, seed: 1 });

  const small = await sampleProduct('jar', 1024);
  const mockup1024 = await timeRuns('mockup 1024 px', 8, (i) => renderMockup(small, label, mockupParams(3, (i % 4) + 1, 'cylinder')));

  const big = await sampleProduct('bottle', 2048);
  await renderMockup(big, label, mockupParams(3, 1, 'cylinder'));
  const mockup2048 = await timeRuns('mockup 2048 px', 9, (i) => renderMockup(big, label, mockupParams(3, (i % 4) + 1, 'cylinder')));
  const baseline = await timeRuns('baseline: decode the 2048 px photo, encode it as JPEG q90', 9, () => sharp(big.image).removeAlpha().jpeg({ quality: 90 }).toBuffer());

  return {
    machine: machine(),
    load_average: os.loadavg().map((l) => round(l, 2)),
    logo_svgs_per_s: round(svgPerSecond),
    logo_svg_png512_per_s: round(pngPerSecond),
    label_1200_ms: round(median(labelTimes)),
    mockups_1024_per_s: round(1000 / median(mockup1024), 2),
    mockup_2048_median_ms: round(median(mockup2048)),
    mockup_2048_runs_ms: mockup2048.map((t) => round(t)),
    mockup_2048_target_ms: 1000,
    baseline_2048_decode_encode_ms: round(median(baseline)),
    ratio: round(median(mockup2048) / median(baseline), 2),
  };
}

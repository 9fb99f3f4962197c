import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { drawtextSource, escapeMarkup, fontFile } from '../../../../src/apps/genads/media/fonts.js';
import { runFfmpeg } from '../../../../src/platform/media/ffmpeg.js';
import { renderTextLayer } from '../../../../src/apps/genads/media/text-layer.js';
import { tempDir, tools } from './helpers.js';

const NASTY = `Éclat d'Or: "100%" \\ back, [and] forth; %{pts} — ünïcödé`;

async function alphaCoverage(png: Buffer): Promise<number> {
  const { data, info } = await sharp(png).ensureAlpha().extractChannel(3).raw().toBuffer({ resolveWithObject: true });
  let covered = 0;
  for (const a of data) if (a > 128) covered++;
  return covered / (info.width * info.height);
}

describe('bundled fonts and text', () => {
  let dir: string;
  before(async () => {
    dir = await tempDir('fonts');
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('resolves the bundled TrueType files', () => {
    for (const family of ['serif', 'sans'] as const) {
      for (const weight of ['regular', 'medium', 'bold'] as const) {
        const file = fontFile(family, weight);
        assert.ok(existsSync(file), file);
        assert.match(path.basename(file), family === 'serif' ? /^PlayfairDisplay_\d+\w+\.ttf$/ : /^Montserrat_\d+\w+\.ttf$/);
      }
    }
  });

  it('escapes Pango markup', () => {
    assert.equal(escapeMarkup(`<b>"A" & 'B'</b>`), '&lt;b&gt;&quot;A&quot; &amp; &#39;B&#39;&lt;/b&gt;');
  });

  it('draws quotes, colons, %, backslashes and accents with drawtext', async () => {
    const out = path.join(dir, 'drawtext.png');
    const source = await drawtextSource(dir, 'nasty', NASTY, 'serif', 'bold');
    await runFfmpeg(tools, ['-f', 'lavfi', '-i', 'color=c=black:s=1400x200', '-vf', `drawtext=${source}:fontsize=48:fontcolor=white:x=10:y=60`, '-frames:v', '1', out]);
    const coverage = await sharp(out).greyscale().raw().toBuffer().then((data) => data.filter((v) => v > 128).length / data.length);
    assert.ok(coverage > 0.02, `text was drawn (coverage ${coverage})`);
  });

  it('renders wrapped text layers with a shadow, whatever the characters', async () => {
    const layer = await renderTextLayer(NASTY, { font: 'serif', size: 'large', tone: 'light', maxWidth: 900 });
    assert.ok(layer.width <= 900 + 2 * 80 + 2, `wrapped to the width (${layer.width})`);
    assert.ok(layer.height > 200, 'more than one line');
    const coverage = await alphaCoverage(layer.png);
    assert.ok(coverage > 0.05 && coverage < 0.9, `glyphs and a soft shadow, not an opaque box (coverage ${coverage})`);
    const sans = await renderTextLayer('Discover', { font: 'sans', size: 'small', tone: 'dark', maxWidth: 900 });
    assert.ok(sans.width < layer.width && sans.height < layer.height);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import sharp from 'sharp';
import type { ProductExtractor } from '../../../../src/apps/genads/pipeline/types.js';
import { ProductExtractionError, ProductImageError } from '../../../../src/apps/genads/product/errors.js';
import { assessCutout, CheckedProductExtractor } from '../../../../src/apps/genads/product/product-check.js';
import { ThresholdProductExtractor } from '../../../../src/apps/genads/product/threshold-extractor.js';
import { assertBottleCutout } from './support/assert-cutout.js';
import { bottleShot, decodeCutout } from '../support/photos.js';

/** Extractors with a known behaviour, to drive the chain; the real ones are tested on their own. */
const throwing = (message: string): ProductExtractor => ({
  name: 'imgly',
  extract: async () => {
    throw new ProductExtractionError(message);
  },
});
const returning = (png: Buffer, name = 'imgly'): ProductExtractor => ({ name, extract: async () => png });

function recordingLogger() {
  const warnings: Array<{ obj: Record<string, unknown>; msg: string }> = [];
  return { warnings, warn: (obj: Record<string, unknown>, msg: string) => void warnings.push({ obj, msg }) };
}

const rgba = (width: number, height: number, draw = '') =>
  sharp(Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">${draw}</svg>`)).png().toBuffer();

/** A photo whose backdrop is too busy for the threshold extractor. */
async function busyPhoto() {
  const stripes = Array.from({ length: 40 }, (_, i) => `<rect x="${i * 15}" width="8" height="800" fill="${i % 3 ? '#3a6b35' : '#d9534f'}"/>`).join('');
  return sharp(Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="600" height="800"><rect width="600" height="800" fill="#f0e0a0"/>${stripes}<rect x="200" y="200" width="200" height="400" fill="#c9a227"/></svg>`)).jpeg().toBuffer();
}

describe('assessCutout', () => {
  const source = { width: 600, height: 800 };
  it('accepts a bottle-like cut-out', async () => {
    const verdict = await assessCutout(await rgba(120, 300, '<rect x="10" y="10" width="100" height="280" rx="10" fill="#c9a227"/>'), source);
    assert.equal(verdict.ok, true);
    assert.ok(verdict.coverage! > 0.7 && verdict.coverage! < 0.8, String(verdict.coverage));
  });
  it('refuses an opaque rectangle (backdrop kept), an almost empty one (product lost), a speck, and no alpha', async () => {
    const opaque = await sharp({ create: { width: 600, height: 800, channels: 4, background: '#ece8e1' } }).png().toBuffer();
    assert.match((await assessCutout(opaque, source)).reason!, /100\.0 % of the cut-out is solid: the backdrop was kept/);
    assert.match((await assessCutout(await rgba(300, 400, '<rect x="0" y="0" width="10" height="10" fill="#000"/>'), source)).reason!, /only 0\.1 % .*the product was lost/);
    assert.match((await assessCutout(await rgba(20, 30, '<ellipse cx="10" cy="15" rx="10" ry="15" fill="#000"/>'), source)).reason!, /a speck/);
    const jpeg = await sharp({ create: { width: 100, height: 200, channels: 3, background: '#c9a227' } }).jpeg().toBuffer();
    assert.match((await assessCutout(jpeg, source)).reason!, /no alpha channel/);
  });
});

describe('CheckedProductExtractor', () => {
  it('uses the primary cut-out when it is plausible, saying so', async () => {
    const shot = await bottleShot();
    const good = await new ThresholdProductExtractor().extract(shot.photo);
    const logger = recordingLogger();
    const report = await new CheckedProductExtractor(returning(good), { fallback: new ThresholdProductExtractor(), logger }).extractWithReport(shot.photo);
    assert.equal(report.method, 'imgly');
    assert.deepEqual(report.fallbackReasons, []);
    assert.ok(report.png.equals(good));
    assert.equal(logger.warnings.length, 0);
  });

  it('falls back to the threshold cut-out when the primary fails, and logs why', async () => {
    const shot = await bottleShot({ backdrop: 'gradient' });
    const logger = recordingLogger();
    const checked = new CheckedProductExtractor(throwing('the background removal model failed: out of memory'), { fallback: new ThresholdProductExtractor(), logger });
    const report = await checked.extractWithReport(shot.photo);
    assert.equal(report.method, 'threshold');
    assert.deepEqual(report.fallbackReasons, ['imgly: the background removal model failed: out of memory']);
    assertBottleCutout(await decodeCutout(report.png), shot);
    assert.equal(logger.warnings.length, 1);
    assert.deepEqual(logger.warnings[0].obj, { extractor: 'imgly', used: 'threshold', reasons: report.fallbackReasons });
    assert.match(logger.warnings[0].msg, /used threshold because imgly: the background removal model failed/);
  });

  it('falls back when the primary cut-out is implausible (the whole photo kept opaque)', async () => {
    const shot = await bottleShot();
    const opaque = await sharp(shot.photo).ensureAlpha().png().toBuffer();
    const report = await new CheckedProductExtractor(returning(opaque), { fallback: new ThresholdProductExtractor() }).extractWithReport(shot.photo);
    assert.equal(report.method, 'threshold');
    assert.match(report.fallbackReasons[0], /^imgly: 100\.0 % of the cut-out is solid: the backdrop was kept$/);
    assertBottleCutout(await decodeCutout(report.png), shot);
  });

  it('uses the whole photo with soft rounded edges when nothing works, and never fails for it', async () => {
    const photo = await busyPhoto();
    const speck = await rgba(12, 12, '<circle cx="6" cy="6" r="6" fill="#000"/>');
    const logger = recordingLogger();
    const checked = new CheckedProductExtractor(returning(speck), { fallback: new ThresholdProductExtractor(), logger });
    const report = await checked.extractWithReport(photo);
    assert.equal(report.method, 'whole_image');
    assert.equal(report.coverage, null);
    assert.equal(report.fallbackReasons.length, 2);
    assert.match(report.fallbackReasons[0], /^imgly: .*a speck/);
    assert.match(report.fallbackReasons[1], /^threshold: the backdrop is not plain enough/);
    assert.match(logger.warnings[0].msg, /using the whole photo with soft edges/);
    const cut = await decodeCutout(report.png);
    assert.deepEqual([cut.width, cut.height, cut.channels], [600, 800, 4]);
    for (const [x, y] of [[0, 0], [599, 0], [0, 799], [599, 799], [8, 8]]) assert.equal(cut.alphaAt(x, y), 0, `rounded corner ${x},${y}`);
    assert.equal(cut.alphaAt(300, 400), 255, 'centre opaque');
    assert.equal(cut.alphaAt(300, 30), 255, 'inside the edge band');
    const edge = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12].map((x) => cut.alphaAt(x, 400));
    assert.ok(edge.some((a) => a > 0 && a < 255), `feathered edge: ${edge}`);
    assert.ok(edge.every((a, i) => i === 0 || a >= edge[i - 1]), 'fades in monotonically');
  });

  it('the threshold extractor alone also ends in the whole photo rather than failing', async () => {
    const report = await new CheckedProductExtractor(new ThresholdProductExtractor()).extractWithReport(await busyPhoto());
    assert.equal(report.method, 'whole_image');
  });

  it('extract() returns the PNG of the same chain', async () => {
    const shot = await bottleShot();
    const png = await new CheckedProductExtractor(throwing('no model'), { fallback: new ThresholdProductExtractor() }).extract(shot.photo);
    assertBottleCutout(await decodeCutout(png), shot);
  });

  it('a corrupt photo is an error (nothing to fall back to), before any extractor runs', async () => {
    let ran = false;
    const spy: ProductExtractor = { name: 'imgly', extract: async () => ((ran = true), Buffer.alloc(0)) };
    await assert.rejects(new CheckedProductExtractor(spy, { fallback: new ThresholdProductExtractor() }).extract(Buffer.from('not an image')), ProductImageError);
    assert.equal(ran, false);
  });

  it('an abort is not a fallback', async () => {
    const controller = new AbortController();
    const aborting: ProductExtractor = {
      name: 'imgly',
      extract: async () => {
        controller.abort(new Error('campaign cancelled'));
        throw controller.signal.reason;
      },
    };
    await assert.rejects(new CheckedProductExtractor(aborting, { fallback: new ThresholdProductExtractor() }).extract((await bottleShot()).photo, controller.signal), /campaign cancelled/);
  });
});

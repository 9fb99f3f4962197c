import assert from 'node:assert/strict';
import os from 'node:os';
import { describe, it } from 'node:test';
import sharp from 'sharp';
import { ImglyProductExtractor } from '../../../../src/apps/genads/product/imgly-extractor.js';
import { ProductImageError } from '../../../../src/apps/genads/product/errors.js';
import { assertBottleCutout } from './support/assert-cutout.js';
import { bottleShot, decodeCutout } from '../support/photos.js';

describe('ImglyProductExtractor', () => {
  it('warms up, then runs the bundled segmentation model offline, from any working directory (two model runs, ~10-15 s)', async () => {
    const shot = await bottleShot({ backdrop: 'gradient', format: 'jpeg' });
    const cwd = process.cwd();
    // The library's default model path is relative to the working directory: prove it is not relied on.
    process.chdir(os.tmpdir());
    let png: Buffer;
    const extractor = new ImglyProductExtractor();
    try {
      let started = Date.now();
      await extractor.warmUp();
      console.log(`imgly warm-up (model load + a 32 px image): ${Date.now() - started} ms`);
      started = Date.now();
      png = await extractor.extract(shot.photo);
      console.log(`imgly cut-out of a 600x800 photo (warm): ${Date.now() - started} ms`);
    } finally {
      process.chdir(cwd);
    }
    assertBottleCutout(await decodeCutout(png), shot);
  });

  it('uses the alpha of an upload that is already a cut-out, without the model', async () => {
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="300" height="400"><rect x="100" y="80" width="100" height="260" rx="12" fill="#c9a227"/></svg>`;
    const transparent = await sharp(Buffer.from(svg)).png().toBuffer();
    // A model directory that does not exist: any attempt to run the model would fail.
    const cut = await decodeCutout(await new ImglyProductExtractor({ modelUrl: 'file:///nonexistent/imgly-model/' }).extract(transparent));
    assert.equal(cut.width, 100 + 2 * 5);
    assert.equal(cut.height, 260 + 2 * 5);
    assert.equal(cut.alphaAt(0, 0), 0);
    assert.equal(cut.alphaAt(55, 130), 255);
  });

  it('reports a corrupt image before loading anything', async () => {
    await assert.rejects(new ImglyProductExtractor().extract(Buffer.from('GIF89a broken')), ProductImageError);
  });

  it('stops when aborted', async () => {
    const controller = new AbortController();
    controller.abort(new Error('cancelled'));
    await assert.rejects(new ImglyProductExtractor().extract((await bottleShot()).photo, controller.signal), /cancelled/);
  });
});

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { cropRgb, faceQuality } from '../../../src/apps/aura/faces/face-quality.js';
import { FaceApiEngine } from '../../../src/apps/aura/faces/face-api-engine.js';
import { samplePhoto } from './face-fixtures.js';

/** A 400 × 200 RGB image: flat grey on the left half, a checkerboard of 6 px squares on the right. */
function halfFlatHalfBusy() {
  const width = 400;
  const height = 200;
  const data = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) {
    const v = x < 200 ? 128 : (Math.floor(x / 6) + Math.floor(y / 6)) % 2 === 0 ? 40 : 215;
    data.fill(v, (y * width + x) * 3, (y * width + x) * 3 + 3);
  }
  return { data, width, height };
}

describe('face quality', () => {
  it('measures the face, not the photo: a flat region is not sharp, a detailed one is', async () => {
    const image = halfFlatHalfBusy();
    const flat = await faceQuality(image, { x: 20, y: 20, width: 150, height: 150 }, 1);
    const busy = await faceQuality(image, { x: 220, y: 20, width: 150, height: 150 }, 1);
    // The control: with the whole photo measured (as sharp's stats() of the input did), both were equal.
    assert.equal(flat, 0);
    assert.equal(busy, 1);
  });

  it('is the score times the size below 112 px; an empty box is worth nothing', async () => {
    const image = halfFlatHalfBusy();
    assert.equal(await faceQuality(image, { x: 250, y: 50, width: 56, height: 80 }, 0.8), 0.8 * (56 / 112));
    assert.equal(await faceQuality(image, { x: 399, y: 10, width: 40, height: 40 }, 1), 0, 'a box cut to one column by the edge');
  });

  it('copies exactly the rectangle\'s pixels', () => {
    const width = 5;
    const data = Buffer.from(Array.from({ length: width * 4 * 3 }, (_, i) => i));
    const crop = cropRgb({ data, width }, 1, 2, 2, 2);
    const pixel = (x: number, y: number) => [...data.subarray((y * width + x) * 3, (y * width + x) * 3 + 3)];
    assert.deepEqual([...crop], [...pixel(1, 2), ...pixel(2, 2), ...pixel(1, 3), ...pixel(2, 3)]);
  });

  it('ranks each face of a real photo above the same face blurred', { timeout: 120_000 }, async () => {
    const engine = new FaceApiEngine();
    const photo = await samplePhoto(1);
    const clear = await engine.detect(photo);
    const blurred = await engine.detect(await sharp(photo).blur(4).jpeg({ quality: 95 }).toBuffer());
    assert.equal(clear.length, 3);
    assert.equal(blurred.length, 3);
    const byLeft = (faces: typeof clear) => [...faces].sort((a, b) => a.box.x - b.box.x);
    const pairs = byLeft(clear).map((face, i) => [face, byLeft(blurred)[i]!] as const);
    for (const [sharpFace, blurredFace] of pairs) {
      // Sharpness 1: the quality is the score × the size the detector saw (the 1920 px photo scaled to 1024).
      const sizeSeen = Math.min(1, (Math.min(sharpFace.box.width, sharpFace.box.height) * 1024) / 1920 / 112);
      assert.ok(Math.abs(sharpFace.quality - sharpFace.score * sizeSeen) < 0.01, `a clear face counts as sharp: ${sharpFace.quality} against ${sharpFace.score * sizeSeen}`);
      assert.ok(blurredFace.quality < sharpFace.quality * 0.6, `its blurred copy ranks well below it: ${blurredFace.quality} against ${sharpFace.quality}`);
    }
  });
});

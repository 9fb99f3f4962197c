import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { prepareCapture } from '../../../src/apps/visant/captures/capture-image.js';
import { sceneJpeg } from '../../support/images.js';

describe('capture image decoding', () => {
  it('says a damaged image is damaged, naming its format, without the image library\'s internals', async () => {
    const jpeg = await sceneJpeg({ width: 160, height: 120 });
    const png = await sharp(jpeg).png().toBuffer();
    const cases: [Buffer, string][] = [
      [jpeg.subarray(0, jpeg.length >> 1), 'JPEG'],
      [Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]), 'JPEG'],
      [png.subarray(0, png.length >> 1), 'PNG'],
    ];
    for (const [bytes, format] of cases) {
      await assert.rejects(prepareCapture(bytes), (err: { status?: number; code?: string; message?: string }) => {
        assert.equal(err.status, 422);
        assert.equal(err.code, 'CORRUPT_IMAGE');
        assert.equal(err.message, `The image is damaged or not a complete ${format}: send the camera's original file again`);
        return true;
      });
    }
  });

  it('still accepts a whole image', async () => {
    const prepared = await prepareCapture(await sceneJpeg({ width: 160, height: 120 }));
    assert.deepEqual([prepared.width, prepared.height, prepared.sourceType], [160, 120, 'image/jpeg']);
  });
});

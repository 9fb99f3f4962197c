import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import sharp from 'sharp';
import { ProductExtractionError, ProductImageError } from '../../../../src/apps/genads/product/errors.js';
import { ThresholdProductExtractor } from '../../../../src/apps/genads/product/threshold-extractor.js';
import { assertBottleCutout } from './support/assert-cutout.js';
import { bottleShot, decodeCutout } from '../support/photos.js';

describe('ThresholdProductExtractor', () => {
  const extractor = new ThresholdProductExtractor();

  for (const backdrop of ['plain', 'gradient'] as const) {
    for (const format of ['png', 'jpeg'] as const) {
      it(`cuts a bottle out of a ${backdrop} backdrop (${format})`, async () => {
        const shot = await bottleShot({ backdrop, format });
        assertBottleCutout(await decodeCutout(await extractor.extract(shot.photo)), shot);
      });
    }
  }

  it('feathers the edge: a few partially transparent pixels across the bottle outline, not a jagged step', async () => {
    const shot = await bottleShot({ backdrop: 'gradient', width: 1200, height: 1600 });
    const cut = await decodeCutout(await extractor.extract(shot.photo));
    // Downscaled to 1024 px, so the outline falls between pixels: soft values must appear along a row crossing it.
    const y = Math.round(cut.height * 0.75);
    const row = Array.from({ length: cut.width }, (_, x) => cut.alphaAt(x, y));
    const partial = row.filter((a) => a > 0 && a < 255).length;
    assert.ok(partial >= 1 && partial <= 12, `partial pixels on the row: ${partial}`);
  });

  it('keeps a bottle that stands on the bottom edge of the photo (cropped tight)', async () => {
    const shot = await bottleShot({ backdrop: 'gradient', format: 'jpeg' });
    const bottom = shot.box.top + shot.box.height - 12; // the photo ends 12 px above the bottle's base
    const cropped = await sharp(shot.photo).extract({ left: 0, top: 0, width: shot.width, height: bottom }).jpeg({ quality: 88 }).toBuffer();
    const cut = await decodeCutout(await extractor.extract(cropped));
    const margin = Math.round(shot.box.height * 0.02);
    assert.ok(Math.abs(cut.width - (shot.box.width + 2 * margin)) <= 8, `width ${cut.width}`);
    assert.ok(Math.abs(cut.height - (shot.box.height - 12 + margin)) <= 8, `height ${cut.height}: top margin only, the bottle runs off the bottom`);
    // The bottom row crossing the bottle is opaque across the body, transparent beside it.
    const y = cut.height - 1;
    const centre = Math.round(cut.width / 2);
    for (const x of [centre - 60, centre, centre + 60]) assert.equal(cut.alphaAt(x, y), 255, `bottle base at x=${x}`);
    assert.equal(cut.alphaAt(2, y), 0);
    assert.equal(cut.alphaAt(cut.width - 3, y), 0);
  });

  it('drops specks on the backdrop and keeps the product only', async () => {
    const shot = await bottleShot({ backdrop: 'plain' });
    // Dust: a few dark dots far from the bottle.
    const dots = [[40, 40], [560, 60], [50, 760], [570, 740]]
      .map(([x, y]) => `<circle cx="${x}" cy="${y}" r="3" fill="#222"/>`)
      .join('');
    const dusty = await sharp(shot.photo).composite([{ input: Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="600" height="800">${dots}</svg>`) }]).png().toBuffer();
    assertBottleCutout(await decodeCutout(await extractor.extract(dusty)), shot);
  });

  it('applies the EXIF orientation before cutting', async () => {
    const shot = await bottleShot({ backdrop: 'plain' });
    // Stored lying on its side with "rotate 90° clockwise to display" (orientation 6), as phones do.
    const sideways = await sharp(shot.photo).rotate(-90).jpeg({ quality: 90 }).withMetadata({ orientation: 6 }).toBuffer();
    const meta = await sharp(sideways).metadata();
    assert.equal(meta.width, 800, 'stored landscape');
    const cut = await decodeCutout(await extractor.extract(sideways));
    assert.ok(cut.height > cut.width * 2, `upright bottle: ${cut.width}x${cut.height}`);
    assertBottleCutout(cut, shot);
  });

  it('keeps the alpha of a photo that is already a transparent cut-out, and trims it', async () => {
    const shot = await bottleShot({ backdrop: 'plain' });
    const first = await extractor.extract(shot.photo);
    // Pad the cut-out with transparency, as a designer's export would be.
    const padded = await sharp(first).extend({ top: 100, bottom: 100, left: 80, right: 80, background: { r: 0, g: 0, b: 0, alpha: 0 } }).png().toBuffer();
    const again = await decodeCutout(await extractor.extract(padded));
    const before = await decodeCutout(first);
    assert.equal(again.width, before.width);
    assert.equal(again.height, before.height);
    assert.ok(again.data.equals(before.data), 'same pixels');
  });

  it('refuses a busy backdrop instead of cutting it badly', async () => {
    const stripes = Array.from({ length: 40 }, (_, i) => `<rect x="${i * 15}" width="8" height="800" fill="${i % 3 ? '#3a6b35' : '#d9534f'}"/>`).join('');
    const busy = await sharp(Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="600" height="800"><rect width="600" height="800" fill="#f0e0a0"/>${stripes}<rect x="200" y="200" width="200" height="400" fill="#c9a227"/></svg>`)).png().toBuffer();
    await assert.rejects(extractor.extract(busy), (err: unknown) => err instanceof ProductExtractionError && /backdrop is not plain/.test(err.message));
  });

  it('says so when nothing stands out from the backdrop', async () => {
    const empty = await sharp({ create: { width: 400, height: 600, channels: 3, background: '#ece8e1' } }).jpeg().toBuffer();
    await assert.rejects(extractor.extract(empty), (err: unknown) => err instanceof ProductExtractionError && /nothing in the photo stands out/.test(err.message));
  });

  it('rejects a corrupt image with a clear error', async () => {
    const shot = await bottleShot({ format: 'jpeg' });
    const cases: [Buffer, string][] = [
      [Buffer.from('definitely not an image'), 'The product image is damaged or not a complete image'],
      [shot.photo.subarray(0, 300), 'The product image is damaged or not a complete JPEG'],
    ];
    for (const [bytes, says] of cases) {
      await assert.rejects(extractor.extract(bytes), (err: unknown) => {
        assert.ok(err instanceof ProductImageError, String(err));
        assert.equal(err.code, 'PRODUCT_IMAGE_UNREADABLE');
        assert.equal(err.message, `${says}: upload the perfume photo again as PNG, JPEG or WebP`, 'no image-library internals');
        return true;
      });
    }
  });

  it('stops when aborted', async () => {
    const shot = await bottleShot();
    const controller = new AbortController();
    controller.abort(new Error('cancelled'));
    await assert.rejects(extractor.extract(shot.photo, controller.signal), /cancelled/);
  });
});

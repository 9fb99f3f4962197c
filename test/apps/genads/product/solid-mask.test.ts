import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import sharp from 'sharp';
import { fillProductHoles, maskShape } from '../../../../src/apps/genads/product/alpha-mask.js';
import { assessCutout, CheckedProductExtractor } from '../../../../src/apps/genads/product/product-check.js';
import { ThresholdProductExtractor } from '../../../../src/apps/genads/product/threshold-extractor.js';
import type { RgbaImage } from '../../../../src/apps/genads/product/raster.js';
import { decodeCutout } from '../support/photos.js';

/**
 * Issue 16: "a bottle's light label was partly cut away once, with the background showing
 * through". A product photo's mask is one solid object.
 */

const BACKDROP = '#ece8e1';
/** About 12 colour units from the backdrop: below the threshold extractor's keying tolerance. */
const LABEL = '#e4dfd6';

/**
 * A dark bottle with a wide light label nearly the backdrop's colour. A thin highlight across
 * the glass joins the label to the backdrop on the left, so keying from the photo's edges runs
 * into the label: without the fill, the label is cut away.
 */
async function labelledBottle() {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="600" height="800">
    <rect width="600" height="800" fill="${BACKDROP}"/>
    <rect x="260" y="180" width="80" height="110" rx="8" fill="#1c1a17"/>
    <rect x="200" y="280" width="200" height="400" rx="24" fill="#2f2622"/>
    <rect x="216" y="400" width="168" height="160" fill="${LABEL}"/>
    <rect x="196" y="470" width="24" height="8" fill="${LABEL}"/>
  </svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}

/** A cut-out drawn directly: `draw` is SVG over a transparent canvas. */
const cutout = (width: number, height: number, draw: string) =>
  sharp(Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">${draw}</svg>`)).png().toBuffer();

async function raw(png: Buffer): Promise<RgbaImage> {
  const { data, info } = await sharp(png).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

describe('the product cut-out is one solid object', () => {
  it('keeps a light label close to the backdrop colour, even when keying reached it through a gap', async () => {
    const cut = await decodeCutout(await new ThresholdProductExtractor().extract(await labelledBottle()));
    // Trimmed to the bottle (200 px wide, 180-680 tall) plus a 2 % margin.
    assert.ok(Math.abs(cut.width - 220) <= 8 && Math.abs(cut.height - 520) <= 8, `${cut.width}x${cut.height}`);
    const m = Math.round((cut.width - 200) / 2);
    const at = (x: number, y: number) => ({ alpha: cut.alphaAt(x - 200 + m, y - 180 + m), rgb: cut.rgbAt(x - 200 + m, y - 180 + m) });
    // Every pixel of the label is opaque and keeps the label's colour.
    let holes = 0;
    for (let y = 402; y < 558; y += 3) for (let x = 218; x < 382; x += 3) if (at(x, y).alpha < 255) holes++;
    assert.equal(holes, 0, 'no see-through pixel on the label');
    const centre = at(300, 480);
    assert.ok(centre.rgb.every((v, i) => Math.abs(v - [0xe4, 0xdf, 0xd6][i]) <= 4), `label colour kept: ${centre.rgb}`);
    // The highlight across the glass is part of the bottle; the backdrop beside the bottle and the cap is not.
    assert.equal(at(208, 474).alpha, 255, 'the highlight on the glass');
    assert.equal(cut.alphaAt(1, Math.round(cut.height / 2)), 0, 'backdrop left of the bottle');
    assert.equal(at(220, 200).alpha, 0, 'backdrop beside the cap');
    assert.equal(at(380, 230).alpha, 0, 'backdrop beside the cap (right)');
    const shape = maskShape(await raw(await new ThresholdProductExtractor().extract(await labelledBottle())));
    assert.equal(shape.holes, 0);
    assert.equal(shape.pieces.length, 1);
  });

  it('fills an enclosed hole and a bite behind a narrow gap, not an open concave outline', async () => {
    // A bottle with a hole (a label the model was unsure of), a bite behind a 6 px gap, and a cap narrower than the body.
    const image = await raw(await cutout(300, 500, `
      <rect x="50" y="100" width="200" height="380" fill="#303030"/>
      <rect x="110" y="20" width="80" height="90" fill="#101010"/>
    `));
    // Punch the hole and the bite by clearing alpha.
    const clear = (x0: number, y0: number, w: number, h: number) => {
      for (let y = y0; y < y0 + h; y++) for (let x = x0; x < x0 + w; x++) image.data[(y * image.width + x) * 4 + 3] = 0;
    };
    clear(90, 200, 120, 80); // hole inside the body
    clear(90, 330, 100, 60); // bite…
    clear(50, 355, 40, 6); // …opening to the left edge through a 6 px gap
    const before = maskShape(image);
    assert.ok(before.holes > 0.05, `a hole before: ${before.holes}`);
    const filled = fillProductHoles(image, { bridge: 5 });
    assert.ok(filled >= 120 * 80 + 100 * 60, `filled ${filled} px`);
    const alpha = (x: number, y: number) => image.data[(y * image.width + x) * 4 + 3];
    assert.equal(alpha(150, 240), 255, 'the hole');
    assert.equal(alpha(140, 360), 255, 'the bite');
    assert.equal(alpha(60, 50), 0, 'beside the cap stays open');
    assert.equal(alpha(20, 300), 0, 'the backdrop stays');
    assert.deepEqual(maskShape(image), { holes: 0, pieces: [1] });
  });

  it('refuses a cut-out with holes or in pieces, so the chain falls back', async () => {
    const source = { width: 600, height: 800 };
    const solid = await cutout(220, 520, '<rect x="10" y="10" width="200" height="500" fill="#2f2622"/>');
    // A bottle whose label area is see-through: a path with a hole.
    const ring = await cutout(220, 520, '<path fill-rule="evenodd" fill="#2f2622" d="M10 10 H210 V510 H10 Z M30 200 H190 V350 H30 Z"/>');
    assert.equal((await assessCutout(solid, source)).ok, true, 'control: a solid bottle passes');
    const verdict = await assessCutout(ring, source);
    assert.equal(verdict.ok, false);
    assert.match(verdict.reason!, /holes/);
    const split = await cutout(220, 520, '<rect x="10" y="10" width="200" height="200" fill="#2f2622"/><rect x="10" y="330" width="200" height="180" fill="#2f2622"/>');
    const pieces = await assessCutout(split, source);
    assert.equal(pieces.ok, false);
    assert.match(pieces.reason!, /2 pieces/);
    // A cap standing off the bottle is still one product.
    const capped = await cutout(220, 520, '<rect x="80" y="10" width="60" height="60" fill="#101010"/><rect x="10" y="90" width="200" height="420" fill="#2f2622"/>');
    assert.equal((await assessCutout(capped, source)).ok, true);

    const chain = new CheckedProductExtractor({ name: 'imgly', extract: async () => ring }, { fallback: new ThresholdProductExtractor() });
    const report = await chain.extractWithReport(await labelledBottle());
    assert.equal(report.method, 'threshold');
    assert.match(report.fallbackReasons.join(' '), /imgly: the cut-out has holes/);
  });
});

import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import sharp from 'sharp';
import { labelPng, labelSvg } from '../../../../src/apps/brandkit/engines/label/label-renderer.js';
import { readLabelDesign } from '../../../../src/apps/brandkit/engines/label/label-design.js';
import { generateLogos } from '../../../../src/apps/brandkit/engines/logo/logo-generator.js';
import { apply, invert, squareToQuad, type Quad } from '../../../../src/apps/brandkit/engines/mockup/homography.js';
import { maskArea } from '../../../../src/apps/brandkit/engines/mockup/mask-area.js';
import { MockupInputError, OfflineMockupEngine, mockupParams, renderMockup } from '../../../../src/apps/brandkit/engines/mockup/mockup-renderer.js';
import { sampleProduct, type SampleProduct } from '../../../../src/apps/brandkit/engines/mockup/sample-products.js';
import { BRAND } from './brand-fixture.js';

async function raw(img: Buffer) {
  return sharp(img).removeAlpha().raw().toBuffer({ resolveWithObject: true });
}

async function solid(hex: string, w = 64, h = 64): Promise<Buffer> {
  return sharp({ create: { width: w, height: h, channels: 4, background: hex } }).png().toBuffer();
}

describe('label', () => {
  it('reads label_design words and falls back to a seeded choice', () => {
    const d = readLabelDesign('Minimal and dark, with a thin frame', 1);
    assert.equal(d.style, 'minimal');
    assert.equal(d.dark, true);
    assert.equal(d.frame, true);
    assert.equal(readLabelDesign('vintage craft look, light', 3).style, 'vintage');
    assert.equal(readLabelDesign('', 4).style, readLabelDesign(null, 4).style, 'no words: the same seed picks the same style');
  });

  it('draws logo, name and product in palette colours at the asked size', async () => {
    const logo = generateLogos(BRAND, 'monogram', 1, 2)[0];
    const { svg } = labelSvg({ brand: BRAND, design: 'light classic', logoSvg: logo.svg, productName: 'Espresso', width: 600, height: 400 });
    assert.ok(!svg.includes('<text'), 'letters are outlined');
    assert.ok(svg.includes(logo.colours.mark), 'the logo is on the label');
    assert.ok(svg.includes('#f9f6f0'), 'a light label stands on the background colour');
    const png = await labelPng({ brand: BRAND, design: 'dark', productName: 'Espresso', width: 600, height: 400 });
    const meta = await sharp(png).metadata();
    assert.deepEqual([meta.width, meta.height, meta.format], [600, 400, 'png']);
    const { data } = await raw(png);
    assert.deepEqual([...data.subarray(0, 3)], [0x1d, 0x4e, 0x89], 'a dark label is the primary colour');
    assert.throws(() => labelSvg({ brand: BRAND, width: 10, height: 400 }), RangeError);
    // A catalog name with characters the fonts lack: they are dropped, the rest is drawn.
    const plain = labelSvg({ brand: BRAND, productName: 'Tea', width: 600, height: 400, seed: 1 }).svg;
    assert.equal(labelSvg({ brand: BRAND, productName: 'Tea 🍵', width: 600, height: 400, seed: 1 }).svg, plain);
  });
});

describe('homography', () => {
  it('maps the unit square onto the quad and back', () => {
    const quad: Quad = [
      [120, 80],
      [520, 130],
      [500, 610],
      [100, 560],
    ];
    const m = squareToQuad(quad);
    const corners: Array<[number, number]> = [
      [0, 0],
      [1, 0],
      [1, 1],
      [0, 1],
    ];
    corners.forEach(([u, v], i) => {
      const [x, y] = apply(m, u, v);
      assert.ok(Math.abs(x - quad[i][0]) < 1e-6 && Math.abs(y - quad[i][1]) < 1e-6, `corner ${i}`);
    });
    const [x, y] = apply(m, 0.3, 0.7);
    const [u, v] = apply(invert(m), x, y);
    assert.ok(Math.abs(u - 0.3) < 1e-9 && Math.abs(v - 0.7) < 1e-9);
    assert.throws(() => squareToQuad([[0, 0], [1, 1], [2, 2], [3, 3]]), /degenerate/);
  });

  it('finds the printable quad of a mask', async () => {
    const box = await sampleProduct('box', 500);
    const { data, info } = await sharp(box.mask).greyscale().extractChannel(0).raw().toBuffer({ resolveWithObject: true });
    const area = maskArea(data, info.width, info.height)!;
    // The box's front face, drawn at (320,360) (620,404) (620,850) (320,825) in a 1000 box.
    const expected = [[160, 180], [310, 202], [310, 425], [160, 412.5]];
    area.quad.forEach((p, i) => assert.ok(Math.hypot(p[0] - expected[i][0], p[1] - expected[i][1]) < 4, `corner ${i}: ${p} ≈ ${expected[i]}`));
    assert.equal(maskArea(new Uint8Array(100 * 100), 100, 100), null);
  });
});

describe('mockup renderer', () => {
  const products = {} as Record<SampleProduct, Awaited<ReturnType<typeof sampleProduct>>>;
  before(async () => {
    for (const name of ['bottle', 'box', 'pouch'] as const) products[name] = await sampleProduct(name, 512);
  });

  it('paints the label only where the mask allows and leaves the rest of the photo alone', async () => {
    const product = products.box;
    const { jpeg, width, height } = await renderMockup(product, await solid('#d01010'), mockupParams(1, 1, 'flat'));
    assert.deepEqual([width, height], [512, 512]);
    const out = await raw(jpeg);
    const photo = await raw(product.image);
    const mask = await sharp(product.mask).greyscale().extractChannel(0).raw().toBuffer();
    let inside = 0;
    let red = 0;
    let outsideDiff = 0;
    let outside = 0;
    for (let i = 0; i < width * height; i++) {
      const [r, g, b] = [out.data[i * 3], out.data[i * 3 + 1], out.data[i * 3 + 2]];
      if (mask[i] > 250) {
        inside++;
        if (r > g + 60 && r > b + 60) red++;
      } else if (mask[i] === 0) {
        outside++;
        outsideDiff += Math.abs(r - photo.data[i * 3]) + Math.abs(g - photo.data[i * 3 + 1]) + Math.abs(b - photo.data[i * 3 + 2]);
      }
    }
    assert.ok(red / inside > 0.85, `the label covers the printable area (${((100 * red) / inside).toFixed(1)} % red)`);
    assert.ok(outsideDiff / outside / 3 < 2.5, `outside the mask the photo is unchanged but for JPEG noise (${(outsideDiff / outside / 3).toFixed(2)})`);
  });

  it("shades the label with the photo's light: a bottle's dark edge darkens it", async () => {
    const product = products.bottle;
    const { jpeg, width } = await renderMockup(product, await solid('#e0e0e0'), { variation: 1, inset: 0, shiftY: 0, curvature: 0.7, lighting: 1 });
    const out = await raw(jpeg);
    const at = (x: number, y: number) => out.data[(y * width + x) * 3];
    // Label spans x 173-339 at y ≈ 320 (512 px render); the drawn cylinder is brightest near 42 %, dark at its edge.
    const edge = at(180, 320);
    const highlight = at(Math.round(330 * 0.512 + 0.42 * 340 * 0.512), 320);
    assert.ok(highlight - edge > 40, `highlight ${highlight} vs edge ${edge}`);
    const flat = await renderMockup(product, await solid('#e0e0e0'), { variation: 1, inset: 0, shiftY: 0, curvature: 0.7, lighting: 0 });
    const flatOut = await raw(flat.jpeg);
    assert.ok(Math.abs(flatOut.data[(320 * width + 180) * 3] - 0xe0) < 8, 'with lighting 0 the label keeps its own colour');
  });

  it('follows the perspective of a tilted pouch', async () => {
    const product = products.pouch;
    // A label whose left half is red and right half blue: the boundary must tilt with the pouch.
    const label = await sharp({ create: { width: 100, height: 100, channels: 4, background: '#0000ff' } })
      .composite([{ input: await solid('#ff0000', 50, 100), left: 0, top: 0 }])
      .png()
      .toBuffer();
    const { jpeg, width } = await renderMockup(product, label, { variation: 1, inset: 0, shiftY: 0, curvature: 0, lighting: 0 });
    const out = await raw(jpeg);
    const boundary = (y: number) => {
      for (let x = 150; x < 400; x++) {
        const i = (y * width + x) * 3;
        if (out.data[i + 2] > 200 && out.data[i] < 80) return x;
      }
      return -1;
    };
    const top = boundary(180);
    const bottom = boundary(350);
    assert.ok(top > 0 && bottom > 0);
    // Rotated −6°: going down the label the boundary moves right by ≈ tan(6°) × 170 ≈ 18 px.
    assert.ok(bottom - top > 10 && bottom - top < 26, `boundary moves ${bottom - top} px`);
  });

  it('gives distinct, reproducible variations and reports progress', async () => {
    const labels = [await labelPng({ brand: BRAND, width: 400, height: 360, seed: 1 }), await labelPng({ brand: BRAND, width: 400, height: 360, seed: 2, design: 'dark bold' })];
    const progress: number[] = [];
    const engine = new OfflineMockupEngine();
    const request = { brand: BRAND, labels, product: products.bottle, count: 3, seed: 11, size: 256 };
    const a = await engine.mockups(request, { onProgress: (f) => progress.push(f) });
    assert.deepEqual(a.map((m) => m.variation), [1, 2, 3]);
    assert.equal(new Set(a.map((m) => m.bytes.toString('base64'))).size, 3);
    assert.equal((await sharp(a[0].bytes).metadata()).width, 256);
    assert.equal(a[0].params.surface, 'cylinder');
    assert.deepEqual(progress, [1 / 3, 2 / 3, 1]);
    const b = await engine.mockups(request);
    assert.deepEqual(b.map((m) => m.bytes.toString('base64')), a.map((m) => m.bytes.toString('base64')));
  });

  it('says what to fix for bad images and masks', async () => {
    const label = await solid('#123456');
    const black = await sharp({ create: { width: 512, height: 512, channels: 3, background: '#000' } }).png().toBuffer();
    await assert.rejects(renderMockup({ ...products.box, mask: black }, label, mockupParams(1, 1, 'flat')), (e: Error) => e instanceof MockupInputError && /marks no printable area/.test(e.message));
    await assert.rejects(renderMockup({ ...products.box, image: Buffer.from('not an image') }, label, mockupParams(1, 1, 'flat')), MockupInputError);
    await assert.rejects(renderMockup({ ...products.box, mask: Buffer.from('nope') }, label, mockupParams(1, 1, 'flat')), MockupInputError);
    await assert.rejects(renderMockup(products.box, Buffer.from('nope'), mockupParams(1, 1, 'flat')), MockupInputError);
    await assert.rejects(new OfflineMockupEngine().mockups({ brand: BRAND, labels: [], product: products.box, count: 1 }), /no label/);
    await assert.rejects(renderMockup(products.box, label, mockupParams(1, 1, 'flat'), 10_000), RangeError);
  });
});

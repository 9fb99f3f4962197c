import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import sharp from 'sharp';
import { BrandInputError } from '../../../../src/apps/brandkit/engines/brand-input.js';
import { OfflineLogoEngine, generateLogos, logoPng, redrawLogo, varyLogo } from '../../../../src/apps/brandkit/engines/logo/logo-generator.js';
import { LOGO_LAYOUTS } from '../../../../src/apps/brandkit/engines/logo/logo-spec.js';
import { BRAND, PALETTE_HEXES } from './brand-fixture.js';

/** Every fill/stroke colour the SVG uses. */
function coloursIn(svg: string): Set<string> {
  return new Set([...svg.matchAll(/(?:fill|stroke)="(#[0-9a-f]{6})"/g)].map((m) => m[1]));
}

describe('offline logo generator', () => {
  for (const layout of LOGO_LAYOUTS) {
    it(`${layout}: valid SVG, outlined text, palette colours, distinct and deterministic variations`, async () => {
      const logos = generateLogos(BRAND, layout, 4, 42);
      assert.equal(logos.length, 4);
      for (const logo of logos) {
        assert.match(logo.svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" viewBox="0 0 \d+ \d+"/);
        assert.ok(!/<text/.test(logo.svg), 'letters are paths, not <text>');
        assert.ok(!/NaN|undefined/.test(logo.svg), 'no broken numbers in path data');
        // librsvg parses it: a broken SVG would throw here.
        const meta = await sharp(Buffer.from(logo.svg)).metadata();
        assert.equal(meta.width, logo.width);
        const used = coloursIn(logo.svg);
        assert.ok([...used].some((c) => PALETTE_HEXES.has(c)), `${layout} uses palette colours (${[...used]})`);
        for (const c of used) assert.ok(PALETTE_HEXES.has(c) || c === '#ffffff' || c === '#111111', `${c} is from the palette or a legibility fallback`);
      }
      assert.equal(new Set(logos.map((l) => l.svg)).size, 4, 'four different drawings');
      assert.deepEqual(generateLogos(BRAND, layout, 4, 42).map((l) => l.svg), logos.map((l) => l.svg), 'same seed, same logos');
      assert.notDeepEqual(generateLogos(BRAND, layout, 4, 43).map((l) => l.svg), logos.map((l) => l.svg), 'another seed, other logos');
    });
  }

  it('wordmarks spell the name: the outline changes with the name', () => {
    const a = generateLogos(BRAND, 'wordmark', 1, 7)[0];
    const b = generateLogos({ ...BRAND, name: 'Blue Harbor Tea' }, 'wordmark', 1, 7)[0];
    assert.deepEqual(a.spec, b.spec);
    assert.notEqual(a.svg, b.svg);
    assert.ok(b.width < a.width, 'a shorter name draws a narrower wordmark');
  });

  it('"vary this one" keeps layout, family, icon and shape, changes a detail, and is reproducible', () => {
    const [picked] = generateLogos(BRAND, 'icon-wordmark', 1, 5);
    const near = varyLogo(BRAND, picked.spec, 1);
    assert.equal(near.spec.layout, picked.spec.layout);
    assert.equal(near.spec.family, picked.spec.family);
    assert.equal(near.spec.icon, picked.spec.icon);
    assert.equal(near.spec.shape, picked.spec.shape);
    assert.notEqual(near.svg, picked.svg);
    assert.equal(varyLogo(BRAND, picked.spec, 1).svg, near.svg);
    assert.notEqual(varyLogo(BRAND, picked.spec, 2).svg, near.svg, 'the next step is another relative');
    assert.equal(redrawLogo(BRAND, near.spec).svg, near.svg, 'a stored spec redraws exactly');
  });

  it('renders PNGs that decode at the asked size', async () => {
    const [logo] = generateLogos(BRAND, 'stacked', 1, 1);
    for (const size of [16, 180, 1024]) {
      const png = await logoPng(logo.svg, size);
      const meta = await sharp(png).metadata();
      assert.equal(meta.format, 'png');
      assert.equal(meta.width, size);
      assert.equal(meta.height, size);
      assert.equal(meta.hasAlpha, true);
    }
    // The drawing is really there: the primary blue appears in the render.
    const { data, info } = await sharp(await logoPng(generateLogos(BRAND, 'monogram', 1, 3)[0].svg, 64, '#ffffff')).raw().toBuffer({ resolveWithObject: true });
    let coloured = 0;
    for (let i = 0; i < data.length; i += info.channels) if (data[i] < 200 || data[i + 1] < 200 || data[i + 2] < 200) coloured++;
    assert.ok(coloured > 64 * 64 * 0.2, 'the monogram covers a good part of the image');
    await assert.rejects(logoPng(logo.svg, 5), RangeError);
  });

  it('refuses palettes it cannot draw with, saying what to fix', () => {
    assert.throws(() => generateLogos({ ...BRAND, palette: [{ hex: '#123456', role: 'accent' }] }, 'wordmark', 2), (e: Error) => e instanceof BrandInputError && /no primary colour/.test(e.message));
    assert.throws(() => generateLogos({ ...BRAND, palette: [{ hex: 'blue', role: 'primary' }] }, 'wordmark', 2), /"blue" .* not a "#rrggbb"/);
    assert.throws(() => generateLogos({ ...BRAND, name: '  ' }, 'wordmark', 2), /no name/);
    assert.throws(() => generateLogos({ ...BRAND, name: '東京 Tea 🍵' }, 'wordmark', 2), /cannot draw "東", "京", "🍵"/);
    assert.doesNotThrow(() => generateLogos({ ...BRAND, name: 'Café Ñandú & Co', tagline: 'Çà et là' }, 'badge', 1));
  });

  it('the LogoEngine answers images with their prompt and reproducible params', async () => {
    const images = await new OfflineLogoEngine().logos({ brand: BRAND, layout: 'badge', count: 3, seed: 9 });
    assert.deepEqual(images.map((i) => i.variation), [1, 2, 3]);
    assert.equal(images[0].contentType, 'image/svg+xml');
    assert.match(images[0].prompt, /offline badge logo/);
    const spec = (images[1].params as { spec: Parameters<typeof redrawLogo>[1] }).spec;
    assert.equal(redrawLogo(BRAND, spec).svg, images[1].bytes.toString());
    const ac = new AbortController();
    ac.abort(new Error('stop'));
    await assert.rejects(new OfflineLogoEngine().logos({ brand: BRAND, layout: 'badge', count: 1 }, { signal: ac.signal }), /stop/);
  });
});

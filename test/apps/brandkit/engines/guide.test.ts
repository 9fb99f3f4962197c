import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PDFDocument, PDFName, PDFRawStream } from 'pdf-lib';
import { extractText, getDocumentProxy } from 'unpdf';
import { brandGuidePdf } from '../../../../src/apps/brandkit/engines/guide/brand-guide.js';
import { generateLogos } from '../../../../src/apps/brandkit/engines/logo/logo-generator.js';
import { OfflineMockupEngine } from '../../../../src/apps/brandkit/engines/mockup/mockup-renderer.js';
import { labelPng } from '../../../../src/apps/brandkit/engines/label/label-renderer.js';
import { sampleProduct } from '../../../../src/apps/brandkit/engines/mockup/sample-products.js';
import { BRAND } from './brand-fixture.js';

async function textOf(pdf: Uint8Array): Promise<{ pages: number; text: string }> {
  const doc = await getDocumentProxy(new Uint8Array(pdf));
  const { totalPages, text } = await extractText(doc, { mergePages: true });
  return { pages: totalPages, text };
}

async function imageCount(pdf: Uint8Array): Promise<number> {
  const doc = await PDFDocument.load(pdf);
  // Colour images only: a PNG's alpha travels as a second, DeviceGray image (its soft mask).
  return doc.context
    .enumerateIndirectObjects()
    .filter(([, o]) => o instanceof PDFRawStream && o.dict.get(PDFName.of('Subtype')) === PDFName.of('Image') && o.dict.get(PDFName.of('ColorSpace')) === PDFName.of('DeviceRGB')).length;
}

describe('brand guide PDF', () => {
  it('holds logo usage, the palette in HEX/RGB/CMYK, fonts, archetype, values and the mockups', async () => {
    const [primary, ...others] = generateLogos(BRAND, 'icon-wordmark', 3, 4);
    const product = await sampleProduct('bottle', 400);
    const label = await labelPng({ brand: BRAND, width: 400, height: 360, logoSvg: primary.svg });
    const mockups = await new OfflineMockupEngine().mockups({ brand: BRAND, labels: [label], product, count: 3 });
    const progress: number[] = [];
    const pdf = await brandGuidePdf(
      {
        brand: { ...BRAND, archetype: 'explorer', values: ['Craft', 'Sea air', 'Honesty ✓ always'], vision: 'Coffee worth the trip to the coast.', targetAudience: 'Weekend travellers, 25-45', description: 'A small roastery.' },
        logoSvg: primary.svg,
        otherLogos: others.map((l) => l.svg),
        mockups: mockups.map((m, i) => ({ image: m.bytes, caption: `Glass bottle, variation ${i + 1}` })),
        generatedAt: new Date('2026-11-30T12:00:00Z'),
      },
      (f) => progress.push(f),
    );
    assert.equal(Buffer.from(pdf.subarray(0, 5)).toString(), '%PDF-');
    const { pages, text } = await textOf(pdf);
    assert.equal(pages, 7, 'cover, logo, palette, typography, personality, two pages of mockups');
    for (const expected of [
      'HEX #1D4E89',
      'RGB 29, 78, 137',
      'CMYK 79, 43, 0, 46',
      'HEX #F4A259',
      'Primary',
      'Accent',
      'Playfair Display',
      'Montserrat',
      'The Explorer',
      'Sea air',
      'Honesty ? always', // no glyph in Helvetica: replaced, not fatal
      'Coffee worth the trip to the coast.',
      'Glass bottle, variation 3',
      'Clear space',
      'Issued 2026-11-30',
      'Blue Harbor Coffee brand guidelines',
    ]) {
      assert.ok(text.includes(expected), `the guide says "${expected}"`);
    }
    assert.match(text, /primary on background \d+\.\d:1 \(AAA\)/);
    // Logo on light, on dark, two alternatives, three mockups.
    assert.equal(await imageCount(pdf), 7);
    assert.equal(progress.at(-1), 1);
    const meta = await PDFDocument.load(pdf);
    assert.equal(meta.getTitle(), 'Blue Harbor Coffee brand guide');
  });

  it('works with the bare minimum: a name, a primary colour and a logo', async () => {
    const brand = { name: 'Ozu', palette: [{ hex: '#aa3300', role: 'primary' }] };
    const [logo] = generateLogos(brand, 'monogram', 1);
    const { pages, text } = await textOf(await brandGuidePdf({ brand, logoSvg: logo.svg }));
    assert.equal(pages, 5);
    assert.ok(text.includes('HEX #AA3300'));
    await assert.rejects(brandGuidePdf({ brand: { name: 'Ozu', palette: [] }, logoSvg: logo.svg }), /no primary colour/);
  });
});

import { PDFDocument, StandardFonts, rgb, type PDFFont, type PDFImage, type PDFPage } from 'pdf-lib';
import sharp from 'sharp';
import { assertDrawable, bodyFamily, brandColours, headingFamily, type BrandBasics } from '../brand-input.js';
import { contrast, parseHex, toCmyk } from '../colour.js';
import { FONT_FAMILIES, outlineText, outlineToFit } from '../fonts.js';
import { logoPng } from '../logo/logo-generator.js';
import { archetypeInfo } from './archetypes.js';

/**
 * The brand guide PDF (the seed's brand_guide asset): cover, logo usage (the primary logo on
 * light and dark grounds, clear space, minimum size, misuses), the palette with HEX, RGB and
 * CMYK and the contrast of text on background, the fonts with specimens, the archetype,
 * values, vision and audience, and the approved mockups. Headings and specimens are the
 * brand's own fonts drawn as outlines (no font embedding needed); running text uses PDF's
 * standard Helvetica so it stays selectable and searchable.
 *
 * Interface: `brandGuidePdf(input, onProgress?)` → PDF bytes (Uint8Array).
 */

export interface BrandGuideInput {
  brand: BrandBasics & {
    description?: string | null;
    vision?: string | null;
    archetype?: string | null;
    values?: string[] | null;
    targetAudience?: string | null;
  };
  /** The primary logo as SVG (from logo/). */
  logoSvg: string;
  /** The logo was uploaded as an image (inside `logoSvg`): the guide does not promise a vector file. */
  logoRaster?: boolean;
  /** Other logos worth showing (SVG), at most four are printed. */
  otherLogos?: string[];
  /** Approved mockups (PNG or JPEG) with a caption each. */
  mockups?: Array<{ image: Buffer; caption: string }>;
  generatedAt?: Date;
}

const A4: [number, number] = [595.28, 841.89];
const M = 56;

function colour(hex: string) {
  const [r, g, b] = parseHex(hex);
  return rgb(r / 255, g / 255, b / 255);
}

/** Helvetica speaks WinAnsi only: anything else becomes "?" rather than failing the whole guide. */
function safe(font: PDFFont, text: string): string {
  const chars = new Set(font.getCharacterSet());
  return [...text.normalize('NFC')].map((ch) => (chars.has(ch.codePointAt(0)!) ? ch : ch === '\u2019' ? "'" : '?')).join('');
}

class Writer {
  page!: PDFPage;
  y = 0;
  constructor(
    readonly doc: PDFDocument,
    readonly regular: PDFFont,
    readonly bold: PDFFont,
    readonly brand: BrandGuideInput['brand'],
  ) {}

  newPage(title: string): void {
    this.page = this.doc.addPage(A4);
    this.y = A4[1] - M;
    const c = brandColours(this.brand);
    this.page.drawRectangle({ x: 0, y: A4[1] - 8, width: A4[0], height: 8, color: colour(c.primary) });
    this.heading(title, 26);
  }

  /** A heading in the brand's heading font, as outlines. */
  heading(text: string, size: number): void {
    const o = outlineToFit(text, { family: headingFamily(this.brand), weight: 700, size }, A4[0] - 2 * M, size * 1.2);
    this.page.drawSvgPath(o.d, { x: M, y: this.y, color: colour(brandColours(this.brand).primary) });
    this.y -= o.height + size * 0.6;
  }

  text(text: string, opts: { size?: number; bold?: boolean; colour?: string; indent?: number } = {}): void {
    const size = opts.size ?? 10.5;
    const font = opts.bold ? this.bold : this.regular;
    const width = A4[0] - 2 * M - (opts.indent ?? 0);
    for (const paragraph of safe(font, text).split('\n')) {
      let line = '';
      for (const word of paragraph.split(/\s+/)) {
        const next = line ? `${line} ${word}` : word;
        if (font.widthOfTextAtSize(next, size) > width && line) {
          this.line(line, font, size, opts);
          line = word;
        } else line = next;
      }
      this.line(line, font, size, opts);
    }
    this.y -= size * 0.5;
  }

  private line(line: string, font: PDFFont, size: number, opts: { colour?: string; indent?: number }): void {
    if (this.y < M + size) this.newPage(`${this.brand.name} (continued)`);
    this.page.drawText(line, { x: M + (opts.indent ?? 0), y: this.y - size, size, font, color: colour(opts.colour ?? '#222222') });
    this.y -= size * 1.4;
  }

  image(img: PDFImage, x: number, width: number, height: number, ground?: string): void {
    const scale = Math.min(width / img.width, height / img.height);
    const w = img.width * scale;
    const h = img.height * scale;
    if (ground) this.page.drawRectangle({ x, y: this.y - height, width, height, color: colour(ground) });
    this.page.drawImage(img, { x: x + (width - w) / 2, y: this.y - height + (height - h) / 2, width: w, height: h });
  }
}

export async function brandGuidePdf(input: BrandGuideInput, onProgress?: (fraction: number) => void): Promise<Uint8Array> {
  assertDrawable(input.brand);
  const brand = input.brand;
  const c = brandColours(brand);
  const doc = await PDFDocument.create();
  doc.setTitle(`${brand.name} brand guide`);
  doc.setSubject('Brand guidelines');
  doc.setCreator('Tenantry brandkit');
  doc.setCreationDate(input.generatedAt ?? new Date());
  const w = new Writer(doc, await doc.embedFont(StandardFonts.Helvetica), await doc.embedFont(StandardFonts.HelveticaBold), brand);
  const logoLight = await doc.embedPng(await logoPng(input.logoSvg, 900));
  onProgress?.(0.15);

  // Cover.
  w.page = doc.addPage(A4);
  w.page.drawRectangle({ x: 0, y: 0, width: A4[0], height: A4[1], color: colour(c.background) });
  w.page.drawRectangle({ x: 0, y: 0, width: A4[0], height: 120, color: colour(c.primary) });
  w.y = A4[1] - 150;
  w.image(logoLight, M, A4[0] - 2 * M, 300);
  w.y -= 340;
  w.heading(brand.name, 40);
  w.text('Brand guidelines', { size: 16, colour: c.neutral });
  if (brand.tagline) w.text(brand.tagline, { size: 12, colour: c.neutral });
  w.text(`Issued ${(input.generatedAt ?? new Date()).toISOString().slice(0, 10)}`, { size: 9, colour: '#666666' });

  // Logo usage.
  w.newPage('Logo');
  w.text(input.logoRaster
    ? 'The primary logo. Use it from the supplied files only (PNG; ask for a vector original before printing it large); never redraw, re-type or recolour it.'
    : 'The primary logo. Use it from the supplied files only (SVG for print and the web, PNG where SVG is not accepted); never redraw, re-type or recolour it.');
  w.image(logoLight, M, A4[0] - 2 * M, 170, c.background);
  w.y -= 185;
  const onDark = await doc.embedPng(await logoPng(input.logoSvg, 900, c.primary));
  w.text('On the primary colour:', { bold: true });
  w.image(onDark, M, A4[0] - 2 * M, 150);
  w.y -= 165;
  w.text('Clear space: keep free space around the logo at least the height of its first letter on every side.');
  w.text('Minimum size: 24 px high on screen, 10 mm in print; below that use the favicon or monogram.');
  w.text("Don't: stretch or squash it, change its colours, add shadows or outlines, rotate it, or place it on busy photos without a plain panel behind it.");
  const others = (input.otherLogos ?? []).slice(0, 4);
  if (others.length) {
    w.text('Alternative versions:', { bold: true });
    const cell = (A4[0] - 2 * M) / others.length;
    const imgs = await Promise.all(others.map(async (svg) => doc.embedPng(await logoPng(svg, 400))));
    imgs.forEach((img, i) => w.image(img, M + i * cell + 4, cell - 8, 90, c.background));
    w.y -= 100;
  }
  onProgress?.(0.4);

  // Palette.
  w.newPage('Colour palette');
  w.text('Use these values exactly. HEX and RGB are for screens; CMYK is a starting point for print: proof it on the final paper.');
  for (const entry of brand.palette) {
    const hex = entry.hex.toLowerCase();
    const [r, g, b] = parseHex(hex);
    const [cy, ma, ye, k] = toCmyk(hex);
    if (w.y < M + 70) w.newPage('Colour palette (continued)');
    w.page.drawRectangle({ x: M, y: w.y - 56, width: 90, height: 56, color: colour(hex), borderColor: colour('#cccccc'), borderWidth: 0.5 });
    const x = M + 110;
    w.page.drawText(safe(w.bold, `${entry.role[0].toUpperCase()}${entry.role.slice(1)}`), { x, y: w.y - 14, size: 12, font: w.bold, color: colour('#222222') });
    w.page.drawText(`HEX ${hex.toUpperCase()}   RGB ${r}, ${g}, ${b}   CMYK ${cy}, ${ma}, ${ye}, ${k}`, { x, y: w.y - 32, size: 10, font: w.regular, color: colour('#333333') });
    w.y -= 72;
  }
  const ratio = contrast(c.primary, c.background);
  w.text(`Text contrast: primary on background ${ratio.toFixed(1)}:1 (${ratio >= 7 ? 'AAA' : ratio >= 4.5 ? 'AA' : ratio >= 3 ? 'AA for large text only' : 'too low for text'}); neutral on background ${contrast(c.neutral, c.background).toFixed(1)}:1.`);
  onProgress?.(0.55);

  // Typography.
  w.newPage('Typography');
  for (const [role, family] of [
    ['Headings', headingFamily(brand)],
    ['Body text', bodyFamily(brand)],
  ] as const) {
    w.text(`${role}: ${FONT_FAMILIES[family].label} (${FONT_FAMILIES[family].classification}, SIL Open Font Licence)`, { bold: true, size: 12 });
    for (const [sample, size] of [
      ['Aa Bb Cc Dd Ee Ff Gg', 30],
      ['0123456789 &?!', 18],
    ] as const) {
      const o = outlineText(sample, { family, weight: role === 'Headings' ? 700 : 400, size });
      w.page.drawSvgPath(o.d, { x: M, y: w.y, color: colour(c.neutral) });
      w.y -= o.height + 14;
    }
    w.y -= 10;
  }
  w.text('Set headings in the heading face, sentence case, tight leading; set running text in the body face at 10-12 pt (16 px on screen) with generous line spacing.');
  onProgress?.(0.7);

  // Personality.
  w.newPage('Brand personality');
  const arch = archetypeInfo(brand.archetype);
  if (arch) {
    w.text(`Archetype: ${arch.name}`, { bold: true, size: 13 });
    w.text(arch.meaning);
    w.text(`Voice: ${arch.voice}`);
  } else if (brand.archetype) w.text(`Archetype: ${brand.archetype}`, { bold: true, size: 13 });
  if (brand.values?.length) {
    w.text('Values', { bold: true, size: 13 });
    for (const v of brand.values) w.text(`- ${v}`, { indent: 10 });
  }
  if (brand.vision) {
    w.text('Vision', { bold: true, size: 13 });
    w.text(brand.vision);
  }
  if (brand.description) {
    w.text('About', { bold: true, size: 13 });
    w.text(brand.description);
  }
  if (brand.targetAudience) {
    w.text('Audience', { bold: true, size: 13 });
    w.text(brand.targetAudience);
  }
  onProgress?.(0.8);

  // Mockups, two to a page.
  const mockups = input.mockups ?? [];
  for (let i = 0; i < mockups.length; i++) {
    if (i % 2 === 0) w.newPage(i === 0 ? 'Products' : 'Products (continued)');
    const { image, caption } = mockups[i];
    // Re-encoded as JPEG: any input format, a bounded size in the PDF.
    const jpeg = await sharp(image).resize(1400, 1400, { fit: 'inside', withoutEnlargement: true }).flatten({ background: '#ffffff' }).jpeg({ quality: 85 }).toBuffer();
    w.image(await doc.embedJpg(jpeg), M, A4[0] - 2 * M, 300);
    w.y -= 310;
    w.text(caption, { size: 10, colour: c.neutral });
    onProgress?.(0.8 + (0.18 * (i + 1)) / mockups.length);
  }

  // Page numbers.
  const pages = doc.getPages();
  pages.forEach((p, i) => {
    if (i > 0) p.drawText(safe(w.regular, `${brand.name} brand guidelines  ·  ${i + 1}/${pages.length}`.replace('·', '-')), { x: M, y: 24, size: 8, font: w.regular, color: colour('#888888') });
  });
  const bytes = await doc.save();
  onProgress?.(1);
  return bytes;
}

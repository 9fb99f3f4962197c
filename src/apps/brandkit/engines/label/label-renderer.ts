import sharp from 'sharp';
import { assertDrawable, bodyFamily, brandColours, headingFamily, type BrandBasics } from '../brand-input.js';
import { contrast, mix, readableOn } from '../colour.js';
import { missingCharacters, outlineToFit, type Outline } from '../fonts.js';
import { readLabelDesign, type LabelDesign } from './label-design.js';

/**
 * A product label from the brand: its logo, name, the product's name and the tagline, laid
 * out in the style the wizard's label_design asks for, in the palette's colours, as SVG
 * (letters outlined) and as PNG at the size the mockup needs.
 *
 * Interface: `labelSvg(input)` → { svg, design }, `labelPng(input)` → PNG Buffer.
 */

export interface LabelInput {
  brand: BrandBasics;
  /** The seed's brands.label_design text. */
  design?: string | null;
  /** The brand's logo SVG (from logo/), drawn on the label. */
  logoSvg?: string;
  productName?: string;
  /** Label size in px; the mockup asks for its printable area's proportions. */
  width: number;
  height: number;
  /** Picks a variation of the design. */
  seed?: number;
}

function place(o: Outline, x: number, y: number, fill: string): string {
  return `<path fill="${fill}" transform="translate(${x.toFixed(2)} ${y.toFixed(2)})" d="${o.d}"/>`;
}

/** The logo's own <svg> nested at (x, y) in a w × h box, keeping its proportions. */
function nestedLogo(svg: string, x: number, y: number, w: number, h: number): string {
  const inner = svg.replace(/^<svg\b[^>]*?(viewBox="[^"]*")[^>]*>/, (_m, viewBox: string) => `<svg x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${w.toFixed(1)}" height="${h.toFixed(1)}" ${viewBox} preserveAspectRatio="xMidYMid meet">`);
  return inner.replace(/<title>[^<]*<\/title>/, '');
}

export function labelSvg(input: LabelInput): { svg: string; design: LabelDesign } {
  assertDrawable(input.brand);
  const { width: W, height: H } = input;
  if (!(W >= 32 && H >= 32 && W <= 8192 && H <= 8192)) throw new RangeError(`label size ${W}×${H} is outside 32-8192 px`);
  const design = readLabelDesign(input.design, input.seed ?? 0);
  const c = brandColours(input.brand);
  const ground = design.dark ? c.primary : c.background;
  const ink = design.dark ? readableOn(ground, [c.background, '#ffffff']) : contrast(c.primary, ground) >= 3 ? c.primary : readableOn(ground, [c.neutral, c.primary]);
  const accent = contrast(c.accent, ground) >= 1.8 ? c.accent : c.secondary;
  const m = Math.min(W, H);
  const pad = m * (design.style === 'minimal' ? 0.1 : 0.07);
  let body = `<rect width="${W}" height="${H}" fill="${ground}"/>`;
  if (design.style === 'vintage') body += `<rect width="${W}" height="${H}" fill="${mix(ground, accent, 0.08)}"/>`;
  let top = pad;
  let bottom = H - pad;
  if (design.bands) {
    const b = H * 0.09;
    body += `<rect width="${W}" height="${b.toFixed(1)}" fill="${accent}"/><rect y="${(H - b).toFixed(1)}" width="${W}" height="${b.toFixed(1)}" fill="${accent}"/>`;
    top += b;
    bottom -= b;
  }
  if (design.frame) {
    const inset = m * 0.035;
    const sw = Math.max(2, m * (design.style === 'vintage' ? 0.012 : 0.006));
    body += `<rect x="${inset.toFixed(1)}" y="${(inset + (design.bands ? H * 0.09 : 0)).toFixed(1)}" width="${(W - 2 * inset).toFixed(1)}" height="${(H - 2 * inset - (design.bands ? H * 0.18 : 0)).toFixed(1)}" fill="none" stroke="${ink}" stroke-width="${sw.toFixed(1)}" rx="${design.style === 'vintage' ? (m * 0.04).toFixed(1) : 0}"/>`;
    top += m * 0.03;
    bottom -= m * 0.03;
  }
  const innerW = W - 2 * pad - (design.frame ? m * 0.06 : 0);
  const avail = bottom - top;
  const upper = design.style === 'bold' || design.style === 'vintage';
  const name = outlineToFit(upper ? input.brand.name.toUpperCase() : input.brand.name, { family: headingFamily(input.brand), weight: design.style === 'bold' ? 800 : 700, size: 100, tracking: design.style === 'minimal' ? 0.1 : 0.02 }, innerW, avail * 0.22);
  // Catalog names are not the user's to fix: characters the fonts lack are dropped, not drawn as boxes.
  const missing = new Set(missingCharacters(input.productName ?? ''));
  const productName = [...(input.productName ?? '')].filter((ch) => !missing.has(ch)).join('');
  const product = productName.trim() ? outlineToFit(productName.trim().toUpperCase(), { family: bodyFamily(input.brand), weight: 500, size: 60, tracking: 0.18 }, innerW * 0.8, avail * 0.08) : null;
  const tagline = input.brand.tagline?.trim() ? outlineToFit(input.brand.tagline.trim(), { family: bodyFamily(input.brand), weight: 400, size: 50, tracking: 0.04 }, innerW * 0.9, avail * 0.07) : null;
  const gap = avail * 0.05;
  const textH = name.height + (product ? gap + product.height : 0) + (tagline ? gap + tagline.height : 0);
  const logoH = input.logoSvg ? Math.max(0, Math.min(avail - textH - gap, avail * 0.45)) : 0;
  let y = top + (avail - textH - (logoH ? logoH + gap : 0)) / 2;
  if (input.logoSvg && logoH > 8) {
    // The logo's drawn box, from its own proportions, so the plate below fits it.
    const vb = /viewBox="0 0 ([\d.]+) ([\d.]+)"/.exec(input.logoSvg);
    const aspect = vb ? Number(vb[1]) / Number(vb[2]) : 1;
    const lw = Math.min(innerW, logoH * aspect);
    const lh = lw / aspect;
    const lx = (W - lw) / 2;
    const ly = y + (logoH - lh) / 2;
    // On a dark label the logo is drawn on a soft plate of the background colour, so its own colours stay legible.
    if (design.dark) {
      const p = Math.min(lw, lh) * 0.12;
      body += `<rect x="${(lx - p).toFixed(1)}" y="${(ly - p).toFixed(1)}" width="${(lw + 2 * p).toFixed(1)}" height="${(lh + 2 * p).toFixed(1)}" rx="${p.toFixed(1)}" fill="${c.background}"/>`;
    }
    body += nestedLogo(input.logoSvg, lx, ly, lw, lh);
    y += logoH + gap;
  }
  body += place(name, (W - name.width) / 2, y, ink);
  y += name.height;
  if (product) {
    y += gap;
    body += `<rect x="${(W / 2 - innerW * 0.15).toFixed(1)}" y="${(y - gap / 2 - 1).toFixed(1)}" width="${(innerW * 0.3).toFixed(1)}" height="${Math.max(1.5, m * 0.004).toFixed(1)}" fill="${accent}"/>`;
    body += place(product, (W - product.width) / 2, y, ink);
    y += product.height;
  }
  if (tagline) {
    y += gap;
    body += place(tagline, (W - tagline.width) / 2, y, design.dark ? ink : mix(ink, ground, 0.25));
  }
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}">${body}</svg>`;
  return { svg, design };
}

export async function labelPng(input: LabelInput): Promise<Buffer> {
  const { svg } = labelSvg(input);
  return sharp(Buffer.from(svg)).png({ compressionLevel: 3 }).toBuffer();
}

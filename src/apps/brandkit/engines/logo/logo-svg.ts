import { bodyFamily, brandColours, initialsOf, type BrandBasics } from '../brand-input.js';
import { contrast, readableOn } from '../colour.js';
import { outlineText, outlineToFit, type Outline } from '../fonts.js';
import { iconSvg, shapePath } from './icons.js';
import type { LogoSpec } from './logo-spec.js';

/**
 * Draws a logo spec for a brand as a standalone SVG: every letter an outlined path (no font
 * needed to display it), colours only from the brand's palette (plus white or near-black
 * where the palette has nothing legible on a filled shape), transparent background.
 *
 * Interface: `logoSvg(brand, spec)` → { svg, width, height, colours }.
 */

export interface LogoArtwork {
  svg: string;
  width: number;
  height: number;
  /** The fills used, for the caller's records (and tests). */
  colours: { ink: string; mark: string; markInk: string; accent: string };
}

const PAD = 40;

function schemeColours(spec: LogoSpec, brand: BrandBasics): LogoArtwork['colours'] {
  const c = brandColours(brand);
  const by = {
    classic: { ink: c.primary, mark: c.primary, accent: c.accent },
    duo: { ink: c.neutral, mark: c.primary, accent: c.secondary },
    bold: { ink: c.secondary, mark: c.secondary, accent: c.primary },
    accented: { ink: c.primary, mark: c.accent, accent: c.secondary },
  }[spec.scheme];
  // A logo sits on the brand's background colour: keep its lettering legible there.
  const ink = contrast(by.ink, c.background) >= 3 ? by.ink : readableOn(c.background, [c.primary, c.neutral, c.secondary, c.accent]);
  const markInk = readableOn(by.mark, [c.background, c.neutral, c.primary, c.secondary].filter((x) => x !== by.mark));
  const accent = by.accent === by.mark ? markInk : by.accent;
  return { ink, mark: by.mark, markInk, accent };
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function place(o: Outline, x: number, y: number, fill: string): string {
  return `<path fill="${fill}" transform="translate(${r2(x)} ${r2(y)})" d="${o.d}"/>`;
}

function r2(n: number): number {
  return Math.round(n * 100) / 100;
}

/** A shape scaled from its 100-unit box into `size` at (x, y). */
function shapeAt(spec: LogoSpec, x: number, y: number, size: number, attrs: string): string {
  return `<path transform="translate(${r2(x)} ${r2(y)}) scale(${r2(size / 100)})" d="${shapePath(spec.shape)}" ${attrs}/>`;
}

/** The icon of icon-wordmark, stacked and badge layouts, in a `size` box at (x, y). */
function iconBlock(spec: LogoSpec, brand: BrandBasics, col: LogoArtwork['colours'], x: number, y: number, size: number): string {
  if (spec.icon === 'initial') {
    const letter = [...initialsOf(brand)][0];
    const o = outlineToFit(letter, { family: spec.family, weight: spec.weight, size: 100 }, size * 0.5, size * 0.5);
    return shapeAt(spec, x, y, size, `fill="${col.mark}"`) + place(o, x + (size - o.width) / 2, y + (size - o.height) / 2, col.markInk);
  }
  if (!spec.ring) return `<g transform="translate(${r2(x)} ${r2(y)}) scale(${r2(size / 100)})">${iconSvg(spec.icon, col.mark, col.accent)}</g>`;
  // Ringed: the icon sits inside its container shape's outline.
  const inner = size * 0.62;
  const stroke = size * 0.045;
  return (
    shapeAt(spec, x + stroke / 2, y + stroke / 2, size - stroke, `fill="none" stroke="${col.accent}" stroke-width="${r2(stroke / ((size - stroke) / 100))}"`) +
    `<g transform="translate(${r2(x + (size - inner) / 2)} ${r2(y + (size - inner) / 2)}) scale(${r2(inner / 100)})">${iconSvg(spec.icon, col.mark, col.accent)}</g>`
  );
}

function nameOf(spec: LogoSpec, brand: BrandBasics): string {
  const name = brand.name.trim();
  return spec.upper ? name.toUpperCase() : name;
}

function taglineBlock(brand: BrandBasics, maxWidth: number, colour: string, x: number, y: number): { svg: string; height: number; width: number } {
  if (!brand.tagline?.trim()) return { svg: '', height: 0, width: 0 };
  const t = outlineToFit(brand.tagline.trim().toUpperCase(), { family: bodyFamily(brand), weight: 500, size: 40, tracking: 0.12 }, maxWidth, 30);
  return { svg: place(t, x + (maxWidth - t.width) / 2, y, colour), height: t.height, width: t.width };
}

export function logoSvg(brand: BrandBasics, spec: LogoSpec): LogoArtwork {
  const col = schemeColours(spec, brand);
  const text = { family: spec.family, weight: spec.weight, tracking: spec.tracking };
  let width: number;
  let height: number;
  let body: string;

  switch (spec.layout) {
    case 'wordmark': {
      const o = outlineText(nameOf(spec, brand), { ...text, size: 120 });
      width = o.width + 2 * PAD;
      body = place(o, PAD, PAD, col.ink);
      height = PAD + o.height;
      if (spec.rule) {
        body += `<rect x="${PAD}" y="${r2(height + 20)}" width="${r2(Math.max(40, o.width * 0.3))}" height="10" fill="${col.accent}"/>`;
        height += 30;
      }
      const t = taglineBlock(brand, o.width, col.ink, PAD, height + 22);
      if (t.svg) height += 22 + t.height;
      body += t.svg;
      height += PAD;
      break;
    }
    case 'monogram': {
      const S = 400;
      width = height = S;
      body = shapeAt(spec, 0, 0, S, `fill="${col.mark}"`);
      if (spec.ring) body += shapeAt(spec, S * 0.07, S * 0.07, S * 0.86, `fill="none" stroke="${col.markInk}" stroke-width="${r2(8 / ((S * 0.86) / 100))}"`);
      const narrow = spec.shape === 'diamond' || spec.shape === 'hexagon' ? 0.42 : 0.52;
      const o = outlineToFit(initialsOf(brand), { ...text, size: 200 }, S * narrow, S * 0.4);
      const lift = spec.shape === 'shield' ? S * 0.04 : 0;
      body += place(o, (S - o.width) / 2, (S - o.height) / 2 - lift, col.markInk);
      break;
    }
    case 'icon-wordmark': {
      const I = 220;
      const o = outlineToFit(nameOf(spec, brand), { ...text, size: 100 }, 4000, I * 0.4);
      width = PAD + I + 44 + o.width + PAD;
      height = I + 2 * PAD;
      body = iconBlock(spec, brand, col, PAD, PAD, I) + place(o, PAD + I + 44, PAD + (I - o.height) / 2, col.ink);
      break;
    }
    case 'stacked': {
      const I = 240;
      const o = outlineText(nameOf(spec, brand), { ...text, size: 110 });
      const inner = Math.max(I, o.width);
      width = inner + 2 * PAD;
      body = iconBlock(spec, brand, col, PAD + (inner - I) / 2, PAD, I) + place(o, PAD + (inner - o.width) / 2, PAD + I + 36, col.ink);
      height = PAD + I + 36 + o.height;
      const t = taglineBlock(brand, inner, col.ink, PAD, height + 22);
      if (t.svg) height += 22 + t.height;
      body += t.svg;
      height += PAD;
      break;
    }
    case 'badge': {
      const S = 500;
      width = height = S;
      body = shapeAt(spec, 0, 0, S, `fill="${col.mark}"`);
      if (spec.ring) body += shapeAt(spec, S * 0.06, S * 0.06, S * 0.88, `fill="none" stroke="${col.markInk}" stroke-width="${r2(6 / ((S * 0.88) / 100))}"`);
      const I = S * 0.24;
      const iconCol = { ...col, mark: col.markInk, markInk: col.mark };
      body += iconBlock({ ...spec, ring: false }, brand, iconCol, (S - I) / 2, S * 0.17, I);
      const bandWidth = spec.shape === 'shield' || spec.shape === 'diamond' ? 0.6 : 0.68;
      const o = outlineToFit(nameOf(spec, brand), { ...text, size: 100 }, S * bandWidth, S * 0.12);
      const y = S * 0.5;
      body += place(o, (S - o.width) / 2, y, col.markInk);
      const ruleW = Math.min(o.width, S * 0.4);
      body += `<rect x="${r2((S - ruleW) / 2)}" y="${r2(y - 18)}" width="${r2(ruleW)}" height="4" fill="${col.accent}"/>`;
      body += `<rect x="${r2((S - ruleW) / 2)}" y="${r2(y + o.height + 14)}" width="${r2(ruleW)}" height="4" fill="${col.accent}"/>`;
      body += [-1, 0, 1].map((k) => `<circle cx="${r2(S / 2 + k * 22)}" cy="${r2(y + o.height + 48)}" r="6" fill="${col.markInk}"/>`).join('');
      break;
    }
  }
  width = Math.ceil(width);
  height = Math.ceil(height);
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}">` +
    `<title>${esc(brand.name.trim())}</title>${body}</svg>`;
  return { svg, width, height, colours: col };
}

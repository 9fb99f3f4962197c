import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import opentype from 'opentype.js';

/**
 * The fonts the engines draw with: the open-licence families that ship as npm packages
 * (@expo-google-fonts/montserrat and /playfair-display, OFL-1.1), read from node_modules and
 * parsed once. Text leaves here as outlined SVG path data, so a logo needs no font installed
 * wherever it is shown and sharp renders it exactly.
 *
 * Interface: `FONT_FAMILIES`, `resolveFamily(name)`, `fontFile(family, weight)` (the .ttf
 * path, for the PDF), `loadFont(family, weight)`, `outlineText(text, options)` →
 * { d, box, width, height }.
 */

export const FONT_FAMILIES = {
  montserrat: { label: 'Montserrat', pkg: '@expo-google-fonts/montserrat', file: 'Montserrat', classification: 'sans-serif' },
  'playfair-display': { label: 'Playfair Display', pkg: '@expo-google-fonts/playfair-display', file: 'PlayfairDisplay', classification: 'serif' },
} as const;

export type FontFamily = keyof typeof FONT_FAMILIES;
export type FontWeight = 400 | 500 | 600 | 700 | 800 | 900;

const WEIGHT_DIR: Record<FontWeight, string> = { 400: '400Regular', 500: '500Medium', 600: '600SemiBold', 700: '700Bold', 800: '800ExtraBold', 900: '900Black' };

/** "Playfair Display", "playfair-display", "PlayfairDisplay" → "playfair-display"; unknown names → null. */
export function resolveFamily(name: string | undefined | null): FontFamily | null {
  if (!name) return null;
  const key = name.toLowerCase().replace(/[^a-z]/g, '');
  for (const [family, info] of Object.entries(FONT_FAMILIES)) {
    if (family.replace(/-/g, '') === key || info.label.toLowerCase().replace(/ /g, '') === key) return family as FontFamily;
  }
  return null;
}

const require = createRequire(import.meta.url);

export function fontFile(family: FontFamily, weight: FontWeight): string {
  const info = FONT_FAMILIES[family];
  const dir = path.dirname(require.resolve(`${info.pkg}/package.json`));
  const w = WEIGHT_DIR[weight];
  return path.join(dir, w, `${info.file}_${w}.ttf`);
}

const cache = new Map<string, opentype.Font>();

export function loadFont(family: FontFamily, weight: FontWeight): opentype.Font {
  const key = `${family}:${weight}`;
  let font = cache.get(key);
  if (!font) {
    const buf = readFileSync(fontFile(family, weight));
    font = opentype.parse(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
    cache.set(key, font);
  }
  return font;
}

/**
 * The characters of `text` that a family has no glyph for (they would print as empty boxes),
 * spaces and controls aside. Checked against every family a logo may pick.
 */
export function missingCharacters(text: string, families: FontFamily[] = Object.keys(FONT_FAMILIES) as FontFamily[]): string[] {
  const missing = new Set<string>();
  for (const family of families) {
    const font = loadFont(family, 700);
    for (const ch of text) {
      if (/\s|\p{Cc}/u.test(ch)) continue;
      if (font.charToGlyphIndex(ch) === 0) missing.add(ch);
    }
  }
  return [...missing];
}

export interface OutlineOptions {
  family: FontFamily;
  weight: FontWeight;
  /** Em size in SVG units. */
  size: number;
  /** Extra space between letters, in em (0.1 = a tenth of the size). */
  tracking?: number;
}

export interface Outline {
  /** SVG path data with the text's ink box's top-left at (0, 0). */
  d: string;
  width: number;
  height: number;
  /** Where the baseline sits below the top of the ink box. */
  baseline: number;
}

/**
 * The text as one path whose ink box starts at the origin, so layouts place it with a
 * translate and size it by its real ink (not the font's line box, which differs per family).
 */
export function outlineText(text: string, options: OutlineOptions): Outline {
  const font = loadFont(options.family, options.weight);
  const raw = font.getPath(text, 0, 0, options.size, { kerning: true, letterSpacing: options.tracking ?? 0 } as opentype.RenderOptions);
  const box = raw.getBoundingBox();
  const empty = !Number.isFinite(box.x1) || box.x2 <= box.x1;
  const x1 = empty ? 0 : box.x1;
  const y1 = empty ? 0 : box.y1;
  const shifted = font.getPath(text, -x1, -y1, options.size, { kerning: true, letterSpacing: options.tracking ?? 0 } as opentype.RenderOptions);
  return {
    d: pathData(shifted.commands),
    width: empty ? 0 : box.x2 - box.x1,
    height: empty ? 0 : box.y2 - box.y1,
    baseline: -y1,
  };
}

/**
 * Our own serialiser: opentype.js 2.0's Path.toPathData rounds some coordinates to NaN (its
 * roundDecimal), and librsvg stops drawing a path at the first NaN, cutting words short.
 */
function pathData(commands: opentype.PathCommand[]): string {
  const n = (v: number) => String(Math.round(v * 100) / 100);
  let d = '';
  for (const c of commands) {
    if (c.type === 'M' || c.type === 'L') d += `${c.type}${n(c.x)} ${n(c.y)}`;
    else if (c.type === 'Q') d += `Q${n(c.x1)} ${n(c.y1)} ${n(c.x)} ${n(c.y)}`;
    else if (c.type === 'C') d += `C${n(c.x1)} ${n(c.y1)} ${n(c.x2)} ${n(c.y2)} ${n(c.x)} ${n(c.y)}`;
    else d += 'Z';
  }
  return d;
}

/** Scales an outline so it fits `maxWidth` × `maxHeight`: re-outlined at the fitting size (crisp, no transform). */
export function outlineToFit(text: string, options: OutlineOptions, maxWidth: number, maxHeight: number): Outline {
  const probe = outlineText(text, options);
  if (probe.width === 0 || probe.height === 0) return probe;
  const scale = Math.min(maxWidth / probe.width, maxHeight / probe.height);
  return outlineText(text, { ...options, size: options.size * scale });
}

import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { filterValue } from '../../../platform/media/ffmpeg.js';

/**
 * The typefaces of the ads ship with the project as npm packages (Google Fonts under the
 * OFL), so a render looks the same on every server whatever fonts the OS has: Playfair
 * Display for the serif, Montserrat for the sans.
 */

export type FontFamily = 'serif' | 'sans';
export type FontWeight = 'regular' | 'medium' | 'bold';

const families: Record<FontFamily, { pkg: string; file: string; pangoName: string }> = {
  serif: { pkg: '@expo-google-fonts/playfair-display', file: 'PlayfairDisplay', pangoName: 'Playfair Display' },
  sans: { pkg: '@expo-google-fonts/montserrat', file: 'Montserrat', pangoName: 'Montserrat' },
};

const weights: Record<FontWeight, { folder: string; pangoName: string }> = {
  regular: { folder: '400Regular', pangoName: '' },
  medium: { folder: '500Medium', pangoName: 'Medium' },
  bold: { folder: '700Bold', pangoName: 'Bold' },
};

const requireHere = createRequire(import.meta.url);
const resolved = new Map<string, string>();

/** Absolute path of a bundled TTF; throws naming the missing package when it is not installed. */
export function fontFile(family: FontFamily, weight: FontWeight = 'regular'): string {
  const key = `${family}/${weight}`;
  const cached = resolved.get(key);
  if (cached) return cached;
  const { pkg, file } = families[family];
  const { folder } = weights[weight];
  let packageDir: string;
  try {
    packageDir = path.dirname(requireHere.resolve(`${pkg}/package.json`));
  } catch {
    throw new Error(`font package ${pkg} is not installed: run npm install (it is a dependency of the project)`);
  }
  const fontPath = path.join(packageDir, folder, `${file}_${folder}.ttf`);
  if (!existsSync(fontPath)) throw new Error(`font file missing: ${fontPath} (reinstall ${pkg})`);
  resolved.set(key, fontPath);
  return fontPath;
}

/** The Pango font description of a bundled face at `sizePx` (text layers render at 72 dpi, where a point is a pixel). */
export function pangoFont(family: FontFamily, weight: FontWeight, sizePx: number): string {
  return [families[family].pangoName, weights[weight].pangoName, String(Math.round(sizePx))].filter(Boolean).join(' ');
}

/** Text for Pango markup (sharp's text input): only `& < > " '` mean anything there. */
export function escapeMarkup(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/**
 * drawtext options that show `text` verbatim. The text goes into a file (`textfile=`) rather
 * than the filter graph, where quotes, colons, backslashes and commas would each need their
 * own escaping at two levels; `expansion=none` stops drawtext reading `%{…}` in it.
 * Returns e.g. `fontfile=…:textfile=…:expansion=none` to append to a drawtext filter.
 */
export async function drawtextSource(dir: string, name: string, text: string, family: FontFamily = 'sans', weight: FontWeight = 'regular'): Promise<string> {
  const file = path.join(dir, `${name}.txt`);
  // No trailing newline: drawtext would draw it as an empty last line.
  await writeFile(file, text.replace(/\r\n?/g, '\n').replace(/\n+$/, ''), 'utf8');
  return `fontfile=${filterValue(fontFile(family, weight))}:textfile=${filterValue(file)}:expansion=none`;
}

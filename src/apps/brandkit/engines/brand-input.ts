import { readHex } from './colour.js';
import { missingCharacters, resolveFamily, type FontFamily } from './fonts.js';

/**
 * What every engine takes from a brand, in one shape: the seed's brands row reduced to the
 * fields drawing needs (name, palette `[{hex, role}]`, fonts, style words), with the rules
 * that make it drawable: a palette has a primary, every colour is "#rrggbb", fonts are
 * families that ship with the project. The app validates the user's input with its own zod
 * schemas; these checks guard the engines' own invariants and say what to fix.
 *
 * Interface: types `PaletteEntry`, `BrandFonts`, `BrandBasics`; `colourFor(palette, role)`,
 * `brandColours(basics)`, `initialsOf(name)`, `headingFamily`/`bodyFamily`, `assertDrawable`.
 */

export type PaletteRole = 'primary' | 'secondary' | 'accent' | 'neutral' | 'background';

export interface PaletteEntry {
  hex: string;
  role: PaletteRole | string;
}

/** The seed's `fonts` JSONB: heading and body family names (e.g. "Playfair Display", "Montserrat"). */
export interface BrandFonts {
  heading?: string;
  body?: string;
}

export interface BrandBasics {
  name: string;
  /** Defaults to the first letters of the name's first two words. */
  initials?: string;
  tagline?: string;
  palette: PaletteEntry[];
  fonts?: BrandFonts;
}

export class BrandInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BrandInputError';
  }
}

export function assertDrawable(brand: BrandBasics): void {
  if (!brand.name || !brand.name.trim()) throw new BrandInputError('the brand has no name: give it one before generating artwork');
  if (brand.name.length > 60) throw new BrandInputError('the brand name is longer than 60 characters: shorten it for a logo');
  for (const c of brand.palette) {
    if (!readHex(c.hex)) throw new BrandInputError(`palette colour "${c.hex}" (${c.role}) is not a "#rrggbb" hex colour: fix it in the palette step`);
  }
  if (!brand.palette.some((c) => c.role === 'primary')) throw new BrandInputError('the palette has no primary colour: mark one colour as primary in the palette step');
  const missing = missingCharacters(`${brand.name}${brand.initials ?? ''}${brand.tagline ?? ''}`);
  if (missing.length) {
    throw new BrandInputError(`the brand's fonts cannot draw ${missing.slice(0, 8).map((c) => `"${c}"`).join(', ')}: write the name and tagline in Latin or Cyrillic letters for the artwork`);
  }
}

export function colourFor(palette: PaletteEntry[], role: PaletteRole): string | undefined {
  const hit = palette.find((c) => c.role === role);
  return hit ? readHex(hit.hex) ?? undefined : undefined;
}

export interface BrandColours {
  primary: string;
  secondary: string;
  accent: string;
  neutral: string;
  background: string;
}

/** Every role filled: missing ones fall back to their nearest neighbour, so layouts can ask for any. */
export function brandColours(brand: BrandBasics): BrandColours {
  const p = brand.palette;
  const primary = colourFor(p, 'primary') ?? readHex(p[0]?.hex ?? '') ?? '#222222';
  const secondary = colourFor(p, 'secondary') ?? primary;
  const accent = colourFor(p, 'accent') ?? secondary;
  const neutral = colourFor(p, 'neutral') ?? '#333333';
  const background = colourFor(p, 'background') ?? '#ffffff';
  return { primary, secondary, accent, neutral, background };
}

/** "Blue Harbor Coffee" → "BH"; "acme" → "A"; explicit initials win (up to 3 letters). */
export function initialsOf(brand: BrandBasics): string {
  const explicit = brand.initials?.trim();
  if (explicit) return [...explicit].slice(0, 3).join('').toUpperCase();
  const words = brand.name.trim().split(/[\s\-_&.]+/).filter(Boolean);
  const letters = words.slice(0, 2).map((w) => [...w][0]);
  return letters.join('').toUpperCase() || '?';
}

export function headingFamily(brand: BrandBasics): FontFamily {
  return resolveFamily(brand.fonts?.heading) ?? 'montserrat';
}

export function bodyFamily(brand: BrandBasics): FontFamily {
  return resolveFamily(brand.fonts?.body) ?? 'montserrat';
}

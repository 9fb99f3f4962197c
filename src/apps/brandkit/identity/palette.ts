import { contrastRatio, hslToRgb, parseHex, rgbToHsl, toHex, HEX_COLOR, type Hsl } from './color.js';
import { PALETTE_ROLES, type PaletteColor, type PaletteRole } from '../schema.js';

/**
 * Palettes by colour harmony: from one base colour (the primary), the secondary and accent sit
 * at the harmony's angles on the colour wheel; the neutral is a dark, nearly grey shade of the
 * base's hue and the background a very light tint of it, so text and background always contrast.
 * Every palette comes with its WCAG contrast checks (each text role on the background).
 */
export const HARMONIES = ['complementary', 'analogous', 'triadic', 'split_complementary', 'monochromatic'] as const;
export type Harmony = (typeof HARMONIES)[number];

/** Hue offsets (degrees) of secondary and accent from the base, and whether they change lightness instead. */
const HARMONY_OFFSETS: Record<Harmony, [number, number]> = {
  complementary: [180, 30],
  analogous: [-30, 30],
  triadic: [120, 240],
  split_complementary: [150, 210],
  monochromatic: [0, 0],
};

/** WCAG 2.1 thresholds: normal text AA 4.5, large text AA 3, normal text AAA 7. */
export const WCAG = { aa: 4.5, aaLarge: 3, aaa: 7 } as const;

export interface ContrastCheck {
  foreground: PaletteRole;
  background: PaletteRole;
  ratio: number;
  aa: boolean;
  aa_large: boolean;
  aaa: boolean;
}

export interface GeneratedPalette {
  harmony: Harmony;
  colors: PaletteColor[];
  contrast: ContrastCheck[];
}

const clamp = (n: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, n));

export function harmonyPalette(baseHex: string, harmony: Harmony): GeneratedPalette {
  const base = rgbToHsl(parseHex(baseHex));
  const [o1, o2] = HARMONY_OFFSETS[harmony];
  const colorAt = (hsl: Hsl) => toHex(hslToRgb(hsl));
  let secondary: string;
  let accent: string;
  if (harmony === 'monochromatic') {
    // One hue: the other roles are darker and lighter shades of it.
    secondary = colorAt({ h: base.h, s: base.s, l: clamp(base.l - 0.2, 0.12, 0.85) });
    accent = colorAt({ h: base.h, s: clamp(base.s + 0.15, 0, 1), l: clamp(base.l + 0.2, 0.2, 0.8) });
  } else {
    // Keep the harmony's colours vivid enough to read as colours even from a greyish base.
    const s = clamp(base.s, 0.35, 0.9);
    secondary = colorAt({ h: base.h + o1, s, l: clamp(base.l, 0.3, 0.6) });
    accent = colorAt({ h: base.h + o2, s: clamp(s + 0.1, 0, 1), l: clamp(base.l + 0.05, 0.35, 0.65) });
  }
  const background = colorAt({ h: base.h, s: Math.min(base.s, 0.3), l: 0.97 });
  // Darken the neutral until body text on the background passes AAA.
  let neutralL = 0.25;
  let neutral = colorAt({ h: base.h, s: Math.min(base.s, 0.12), l: neutralL });
  while (contrastRatio(neutral, background) < WCAG.aaa && neutralL > 0.02) {
    neutralL -= 0.03;
    neutral = colorAt({ h: base.h, s: Math.min(base.s, 0.12), l: neutralL });
  }
  const colors: PaletteColor[] = [
    { hex: toHex(parseHex(baseHex)), role: 'primary' },
    { hex: secondary, role: 'secondary' },
    { hex: accent, role: 'accent' },
    { hex: neutral, role: 'neutral' },
    { hex: background, role: 'background' },
  ];
  return { harmony, colors, contrast: contrastChecks(colors) };
}

/** Each text role (everything but the background) against the background role. */
export function contrastChecks(colors: PaletteColor[]): ContrastCheck[] {
  const bg = colors.find((c) => c.role === 'background');
  if (!bg) return [];
  return colors
    .filter((c) => c.role !== 'background')
    .map((c) => {
      const ratio = Math.round(contrastRatio(c.hex, bg.hex) * 100) / 100;
      return { foreground: c.role, background: 'background' as const, ratio, aa: ratio >= WCAG.aa, aa_large: ratio >= WCAG.aaLarge, aaa: ratio >= WCAG.aaa };
    });
}

/**
 * What is wrong with a palette a user saves, in words they can act on: colours that are not
 * #rrggbb, unknown or repeated roles, no primary. Empty when it is fine.
 */
export function paletteProblems(colors: Array<{ hex: string; role: string }>): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  colors.forEach((c, i) => {
    if (!HEX_COLOR.test(c.hex)) problems.push(`color_palette[${i}].hex "${c.hex}" is not a colour: write it as #rrggbb, e.g. #1a73e8`);
    if (!(PALETTE_ROLES as readonly string[]).includes(c.role)) problems.push(`color_palette[${i}].role "${c.role}" is not one of ${PALETTE_ROLES.join(', ')}`);
    else if (seen.has(c.role)) problems.push(`color_palette: the role "${c.role}" appears twice; give each role one colour`);
    seen.add(c.role);
  });
  if (colors.length && !seen.has('primary')) problems.push('color_palette has no primary colour: mark one colour with role "primary"');
  return problems;
}

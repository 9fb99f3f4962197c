/**
 * GenAds' one colour module: hex parsing, RGB/HSL arithmetic, luminance and names, for the
 * guidelines analyzers, the planners and the renderer alike. Colours are stored and passed as
 * "#rrggbb", lower case; arithmetic works on [r, g, b] triples (0-255, unrounded in between).
 */

export type Rgb = [number, number, number];

export interface Hsl {
  /** Degrees, 0-360. */
  h: number;
  /** 0-1. */
  s: number;
  /** 0-1. */
  l: number;
}

/** Every spelling guidelines and clients use: "#abc", "abc", "#aabbcc", and with alpha "#abcd", "#aabbccdd". */
const HEX = /^#?([0-9a-f]{3,4}|[0-9a-f]{6}|[0-9a-f]{8})$/i;

/** Any accepted spelling → "#rrggbb" (alpha dropped); anything else → null. */
export function readHex(value: string): string | null {
  const m = HEX.exec(value.trim());
  if (!m) return null;
  let hex = m[1].toLowerCase();
  if (hex.length <= 4) hex = [...hex.slice(0, 3)].map((c) => c + c).join('');
  return `#${hex.slice(0, 6)}`;
}

export function isHexColor(value: string): boolean {
  return readHex(value) !== null;
}

/** Like readHex, for values already known to be colours: a bad one is a programming error. */
export function normalizeHex(value: string): string {
  const hex = readHex(value);
  if (!hex) throw new RangeError(`not a "#rrggbb" colour: ${value}`);
  return hex;
}

export function parseHex(value: string): Rgb {
  const n = parseInt(normalizeHex(value).slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

/** Clamped and rounded, so arithmetic may overshoot in between. */
export function toHex([r, g, b]: Rgb): string {
  return `#${[r, g, b].map((v) => Math.round(Math.min(255, Math.max(0, v))).toString(16).padStart(2, '0')).join('')}`;
}

/** Exact 0-255 integer channels (as written in "rgb(201, 162, 39)") → "#rrggbb"; anything else → null. */
export function rgbToHex(r: number, g: number, b: number): string | null {
  if (![r, g, b].every((v) => Number.isInteger(v) && v >= 0 && v <= 255)) return null;
  return toHex([r, g, b]);
}

/** `t` = 0 gives `a`, 1 gives `b`; blended in sRGB, which is what a designer's eye expects from "mix". */
export function mix(a: Rgb, b: Rgb, t: number): Rgb {
  return [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t];
}

export function mixHex(a: string, b: string, t: number): string {
  return toHex(mix(parseHex(a), parseHex(b), t));
}

/**
 * Relative luminance (WCAG), 0 black to 1 white. The linearisation threshold is sRGB's
 * 0.04045 (WCAG 2.0 printed 0.03928, from an older draft of the standard; for 8-bit channels
 * both give the same result, as no channel value falls between them).
 */
export function luminance(color: Rgb | string): number {
  const [r, g, b] = typeof color === 'string' ? parseHex(color) : color;
  const lin = (v: number) => {
    const c = v / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}

export function toHsl(hex: string): Hsl {
  const [R, G, B] = parseHex(hex).map((v) => v / 255) as Rgb;
  const max = Math.max(R, G, B);
  const min = Math.min(R, G, B);
  const l = (max + min) / 2;
  if (max === min) return { h: 0, s: 0, l };
  const d = max - min;
  const s = l > 0.5 ? d / (2 - max - min) : d / (max + min);
  let h: number;
  if (max === R) h = (G - B) / d + (G < B ? 6 : 0);
  else if (max === G) h = (B - R) / d + 2;
  else h = (R - G) / d + 4;
  return { h: h * 60, s, l };
}

export function fromHsl({ h, s, l }: Hsl): string {
  const hue = (((h % 360) + 360) % 360) / 360;
  if (s === 0) return toHex([l * 255, l * 255, l * 255]);
  const q = l < 0.5 ? l * (1 + s) : l + s - l * s;
  const p = 2 * l - q;
  const channel = (t: number) => {
    let x = t;
    if (x < 0) x += 1;
    if (x > 1) x -= 1;
    if (x < 1 / 6) return p + (q - p) * 6 * x;
    if (x < 1 / 2) return q;
    if (x < 2 / 3) return p + (q - p) * (2 / 3 - x) * 6;
    return p;
  };
  return toHex([channel(hue + 1 / 3) * 255, channel(hue) * 255, channel(hue - 1 / 3) * 255]);
}

/**
 * Takes the edge off a colour for brands whose guidelines say "avoid harsh colours": caps the
 * saturation and keeps lightness away from pure black and white.
 */
export function soften(hex: string, maxSaturation = 0.55): string {
  const { h, s, l } = toHsl(hex);
  return fromHsl({ h, s: Math.min(s, maxSaturation), l: Math.min(0.92, Math.max(0.06, l)) });
}

/** Lifts a colour to at least the given lightness (for brands that ask for no gloomy visuals). */
export function lift(hex: string, minLightness: number): string {
  const hsl = toHsl(hex);
  return hsl.l >= minLightness ? normalizeHex(hex) : fromHsl({ ...hsl, l: minLightness });
}

const HUES: Array<[number, string]> = [
  [12, 'crimson'],
  [35, 'amber'],
  [52, 'gold'],
  [68, 'champagne'],
  [150, 'green'],
  [190, 'teal'],
  [250, 'blue'],
  [285, 'violet'],
  [330, 'plum'],
  [360, 'rose'],
];

/**
 * A short human name such as "deep amber", "soft rose" or "ivory": text-to-video models follow
 * "deep amber and champagne gold" far better than hex codes.
 */
export function describeColor(hex: string): string {
  const { h, s, l } = toHsl(hex);
  if (s < 0.12 || l < 0.04 || l > 0.97) {
    if (l < 0.08) return 'black';
    if (l < 0.3) return 'charcoal';
    if (l < 0.6) return 'smoky grey';
    if (l < 0.85) return 'silver';
    return 'ivory';
  }
  const name = HUES.find(([limit]) => h < limit)?.[1] ?? 'rose';
  const tone = l < 0.16 ? 'deep ' : l < 0.35 ? 'dark ' : l < 0.62 ? '' : l < 0.82 ? 'soft ' : 'pale ';
  return `${tone}${name}`;
}

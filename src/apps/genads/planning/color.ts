/**
 * Colour arithmetic for palettes: parsing, blending, softening and naming "#rrggbb" colours.
 * Names matter because text-to-video models follow "deep amber and champagne gold" far better
 * than hex codes.
 */

export interface Rgb {
  r: number;
  g: number;
  b: number;
}

export interface Hsl {
  /** Degrees, 0-360. */
  h: number;
  /** 0-1. */
  s: number;
  /** 0-1. */
  l: number;
}

const HEX = /^#?([0-9a-f]{6}|[0-9a-f]{3})$/i;

export function isHexColor(value: string): boolean {
  return HEX.test(value.trim());
}

export function parseHex(hex: string): Rgb {
  const m = HEX.exec(hex.trim());
  if (!m) throw new RangeError(`not a #rrggbb colour: ${hex}`);
  const h = m[1].length === 3 ? [...m[1]].map((c) => c + c).join('') : m[1];
  return { r: parseInt(h.slice(0, 2), 16), g: parseInt(h.slice(2, 4), 16), b: parseInt(h.slice(4, 6), 16) };
}

export function toHex({ r, g, b }: Rgb): string {
  const c = (v: number) => Math.max(0, Math.min(255, Math.round(v))).toString(16).padStart(2, '0');
  return `#${c(r)}${c(g)}${c(b)}`;
}

/** Normalises any accepted spelling ("#ABC", "aabbcc") to lower-case "#rrggbb". */
export function normalizeHex(hex: string): string {
  return toHex(parseHex(hex));
}

/** `t` = 0 gives `a`, 1 gives `b`; blended in sRGB, which is what a designer's eye expects from "mix". */
export function mix(a: string, b: string, t: number): string {
  const x = parseHex(a);
  const y = parseHex(b);
  return toHex({ r: x.r + (y.r - x.r) * t, g: x.g + (y.g - x.g) * t, b: x.b + (y.b - x.b) * t });
}

/** Relative luminance (WCAG), 0 black to 1 white: orders palettes "darkest first". */
export function luminance(hex: string): number {
  const { r, g, b } = parseHex(hex);
  const lin = (v: number) => {
    const c = v / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}

export function toHsl(hex: string): Hsl {
  const { r, g, b } = parseHex(hex);
  const [R, G, B] = [r / 255, g / 255, b / 255];
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
  if (s === 0) return toHex({ r: l * 255, g: l * 255, b: l * 255 });
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
  return toHex({ r: channel(hue + 1 / 3) * 255, g: channel(hue) * 255, b: channel(hue - 1 / 3) * 255 });
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

/** A short human name such as "deep amber", "soft rose" or "ivory", for text-to-video prompts. */
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

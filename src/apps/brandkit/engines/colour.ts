/**
 * Colour arithmetic the brandkit engines share: "#rrggbb" parsing, RGB/CMYK conversions for
 * the brand guide, WCAG relative luminance and contrast (text on background), and mixing for
 * tints and shades in logos and labels. Colours travel as lower-case "#rrggbb" strings;
 * arithmetic works on [r, g, b] triples (0-255).
 */

export type Rgb = [number, number, number];

const HEX = /^#?([0-9a-f]{3}|[0-9a-f]{6})$/i;

/** "#abc", "abc", "#aabbcc" → "#aabbcc"; anything else → null. */
export function readHex(value: string): string | null {
  const m = HEX.exec(value.trim());
  if (!m) return null;
  const hex = m[1].length === 3 ? [...m[1]].map((c) => c + c).join('') : m[1];
  return `#${hex.toLowerCase()}`;
}

export function parseHex(value: string): Rgb {
  const hex = readHex(value);
  if (!hex) throw new RangeError(`"${value}" is not a colour: use "#rrggbb"`);
  const n = parseInt(hex.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

export function toHex([r, g, b]: Rgb): string {
  return `#${[r, g, b].map((v) => Math.round(Math.min(255, Math.max(0, v))).toString(16).padStart(2, '0')).join('')}`;
}

/** Naive (device, uncalibrated) CMYK in whole percentages: what a printer's form asks for as a starting point. */
export function toCmyk(hex: string): [number, number, number, number] {
  const [r, g, b] = parseHex(hex).map((v) => v / 255);
  const k = 1 - Math.max(r, g, b);
  if (k >= 1) return [0, 0, 0, 100];
  const c = (1 - r - k) / (1 - k);
  const m = (1 - g - k) / (1 - k);
  const y = (1 - b - k) / (1 - k);
  return [c, m, y, k].map((v) => Math.round(v * 100)) as [number, number, number, number];
}

/** `t` = 0 gives `a`, 1 gives `b`. */
export function mix(a: string, b: string, t: number): string {
  const x = parseHex(a);
  const y = parseHex(b);
  return toHex([x[0] + (y[0] - x[0]) * t, x[1] + (y[1] - x[1]) * t, x[2] + (y[2] - x[2]) * t]);
}

/** WCAG 2.x relative luminance, 0 (black) to 1 (white). */
export function luminance(hex: string): number {
  const [r, g, b] = parseHex(hex).map((v) => {
    const c = v / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** WCAG contrast ratio, 1 to 21. */
export function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

/** Of `candidates`, the most legible on `background` (white or near-black when none reaches 4.5:1). */
export function readableOn(background: string, candidates: string[]): string {
  const best = [...candidates].sort((x, y) => contrast(y, background) - contrast(x, background))[0];
  if (best && contrast(best, background) >= 4.5) return best;
  return contrast('#ffffff', background) >= contrast('#111111', background) ? '#ffffff' : '#111111';
}

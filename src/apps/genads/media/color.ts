/** Palette arithmetic for the generated layers ("#rrggbb" in, RGB triples out). */
export type Rgb = [number, number, number];

export function parseHex(hex: string): Rgb {
  const m = /^#?([0-9a-f]{6})$/i.exec(hex.trim());
  if (!m) throw new Error(`not a "#rrggbb" colour: ${hex}`);
  const n = parseInt(m[1], 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

export function toHex([r, g, b]: Rgb): string {
  return `#${[r, g, b].map((v) => Math.round(Math.min(255, Math.max(0, v))).toString(16).padStart(2, '0')).join('')}`;
}

/** Relative luminance (WCAG), 0 black to 1 white. */
export function luminance([r, g, b]: Rgb): number {
  const lin = (v: number) => {
    const c = v / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}

export function mix(a: Rgb, b: Rgb, t: number): Rgb {
  return [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t];
}

/**
 * The plan's palette, darkest first, always with at least two colours (a single colour gets
 * a darker partner) so gradients have somewhere to go.
 */
export function paletteOf(hexes: string[]): Rgb[] {
  const colours = hexes.flatMap((h) => {
    try {
      return [parseHex(h)];
    } catch {
      return [];
    }
  });
  if (colours.length === 0) colours.push([20, 16, 14], [120, 96, 60]);
  if (colours.length === 1) colours.unshift(mix(colours[0], [0, 0, 0], 0.7));
  return colours.sort((a, b) => luminance(a) - luminance(b));
}

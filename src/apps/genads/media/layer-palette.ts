import { luminance, mix, parseHex, type Rgb } from '../color.js';

/**
 * The plan's palette for the generated layers, darkest first, always with at least two colours
 * (a single colour gets a darker partner) so gradients have somewhere to go.
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

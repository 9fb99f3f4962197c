/**
 * Colour words of brand books and the shade each means. Hex codes and rgb() values are read by
 * the colour module (../color.ts).
 */

/**
 * What luxury brand books usually mean by a colour word, as "#rrggbb". Values are the shade
 * the word evokes in fashion and beauty (metallic gold, pale blush), not the CSS keyword
 * ("gold" in CSS is a lemon yellow). Multi-word names are matched before their last word; a hyphen matches a space ("off-white").
 */
export const NAMED_COLORS: Readonly<Record<string, string>> = {
  'rose gold': '#b76e79',
  'champagne gold': '#d7c49e',
  'antique gold': '#b8963e',
  gold: '#d4af37',
  golden: '#d4af37',
  champagne: '#f7e7ce',
  ivory: '#fffff0',
  cream: '#fffdd0',
  pearl: '#eae0c8',
  'off white': '#faf9f6',
  white: '#ffffff',
  'jet black': '#0a0a0a',
  black: '#000000',
  onyx: '#0f0f0f',
  charcoal: '#36454f',
  graphite: '#383838',
  grey: '#808080',
  gray: '#808080',
  silver: '#c0c0c0',
  platinum: '#e5e4e2',
  bronze: '#cd7f32',
  copper: '#b87333',
  'midnight blue': '#191970',
  'navy blue': '#000080',
  navy: '#000080',
  'royal blue': '#4169e1',
  sapphire: '#0f52ba',
  blue: '#1f4e9c',
  teal: '#008080',
  turquoise: '#40e0d0',
  'emerald green': '#50c878',
  emerald: '#50c878',
  jade: '#00a86b',
  'forest green': '#228b22',
  sage: '#b2ac88',
  olive: '#708238',
  green: '#2e7d32',
  burgundy: '#800020',
  bordeaux: '#5c0120',
  wine: '#722f37',
  oxblood: '#4a0000',
  ruby: '#9b111e',
  crimson: '#dc143c',
  red: '#c8102e',
  coral: '#ff7f50',
  peach: '#ffe5b4',
  terracotta: '#e2725b',
  'blush pink': '#f4c2c2',
  blush: '#f4c2c2',
  'dusty rose': '#dcae96',
  'powder pink': '#ffb2d0',
  pink: '#ffc0cb',
  rose: '#e8a6b5',
  mauve: '#e0b0ff',
  lilac: '#c8a2c8',
  lavender: '#b57edc',
  violet: '#7f00ff',
  purple: '#6a0dad',
  plum: '#8e4585',
  amethyst: '#9966cc',
  amber: '#ffbf00',
  honey: '#eba937',
  cognac: '#9a463d',
  caramel: '#af6f09',
  mahogany: '#c04000',
  chocolate: '#7b3f00',
  brown: '#6f4e37',
  taupe: '#483c32',
  beige: '#f5f5dc',
  nude: '#e3bc9a',
  sand: '#c2b280',
};

/** Longest names first, so "rose gold" wins over "gold" and "navy blue" over "navy". */
export const NAMED_COLOR_PATTERN = new RegExp(
  `\\b(${Object.keys(NAMED_COLORS)
    .sort((a, b) => b.length - a.length)
    .map((n) => n.replace(/ /g, '[-\\s]'))
    .join('|')})\\b`,
  'gi',
);

export function namedColorHex(name: string): string | null {
  return NAMED_COLORS[name.toLowerCase().replace(/[-\s]+/g, ' ')] ?? null;
}

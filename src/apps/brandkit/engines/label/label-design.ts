import { rng, seedFrom } from '../seeded-random.js';

/**
 * Reads the seed's brands.label_design (free text: "Label design preferences", such as
 * "minimal, dark, with a thin frame") into the few choices the label renderer makes, and
 * draws a seeded variation of them. Unknown words are ignored; nothing in it can fail.
 *
 * Interface: `LABEL_STYLES`, `LabelDesign`, `readLabelDesign(text, seed)`.
 */

export const LABEL_STYLES = ['classic', 'minimal', 'bold', 'vintage'] as const;
export type LabelStyle = (typeof LABEL_STYLES)[number];

export interface LabelDesign {
  style: LabelStyle;
  /** Dark label (primary background, light lettering) or light (background colour, primary lettering). */
  dark: boolean;
  frame: boolean;
  /** Coloured bands top and bottom. */
  bands: boolean;
  /** Logo above the name (true) or the name alone with the logo's monogram beside it. */
  logoOnTop: boolean;
  seed: number;
}

const WORDS: Record<LabelStyle, RegExp> = {
  minimal: /\b(minimal|clean|simple|modern|scandi\w*)\b/i,
  bold: /\b(bold|loud|vibrant|bright|playful|pop)\b/i,
  vintage: /\b(vintage|retro|classic\s+old|heritage|rustic|craft|artisan\w*)\b/i,
  classic: /\b(classic|elegant|luxur\w*|premium|timeless)\b/i,
};

export function readLabelDesign(text: string | null | undefined, seed: number): LabelDesign {
  const t = text ?? '';
  const r = rng(seedFrom(seed, 'label'));
  const asked = LABEL_STYLES.filter((s) => WORDS[s].test(t));
  const style = asked.length ? asked[seed % asked.length] : r.pick(LABEL_STYLES);
  const dark = /\b(dark|black|night|moody)\b/i.test(t) ? true : /\b(light|white|bright|airy)\b/i.test(t) ? false : r.chance(0.4);
  const frame = /\b(frame|framed|border)\b/i.test(t) || (style === 'vintage' ? true : style === 'minimal' ? false : r.chance(0.5));
  const bands = /\b(band|stripe)s?\b/i.test(t) || (style === 'bold' ? r.chance(0.8) : style === 'minimal' ? false : r.chance(0.3));
  return { style, dark, frame, bands, logoOnTop: r.chance(0.6), seed };
}

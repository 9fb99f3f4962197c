import type { BrandStyle } from '../pipeline/types.js';
import type { BrandGuidance } from './brand-guidance.js';
import { isHexColor, lift, luminance, mixHex, normalizeHex, soften } from '../color.js';
import type { CreativeConcept } from './concepts.js';
import type { ThemeMatch } from './prompt-themes.js';
import type { StyleDefinition } from './styles.js';

/** How far each style colour (darkest first) leans toward the concept's tint: mid tones most. */
const CONCEPT_TINT = [0.18, 0.28, 0.32, 0.2];

/**
 * A variation's palette: the style's four colours, leaned toward the concept's tint and the
 * prompt's themes, softened or lifted when the guidelines ask, then the brand's colours: the
 * first one verbatim (it is the brand's identity; a viewer should see exactly that colour), the
 * second blended in. Always 2-4 distinct "#rrggbb", darkest first.
 */
export function buildPalette(style: StyleDefinition, concept: CreativeConcept, themes: readonly ThemeMatch[], brand: BrandStyle, guidance: BrandGuidance): string[] {
  let palette = style.palette.map((c, i) => mixHex(c, concept.tint, CONCEPT_TINT[i] ?? 0.25));

  // Themes the concept does not itself answer still colour the mid tones, so every variation shows the prompt.
  themes
    .filter((t) => !concept.themes.includes(t.theme.id))
    .slice(0, 2)
    .forEach((t, k) => {
      palette[1 + k] = mixHex(palette[1 + k], t.theme.tint, 0.22);
    });

  if (guidance.softenColors) palette = palette.map((c) => soften(c));
  if (guidance.liftShadows) palette = palette.map((c, i) => (i < 2 ? lift(c, 0.14 + 0.08 * i) : c));

  const brandColors = brand.colors.filter(isHexColor).map(normalizeHex);
  const taken = new Set<number>();
  const closestSlot = (color: string) => {
    const l = luminance(color);
    let best = -1;
    palette.forEach((c, i) => {
      if (taken.has(i)) return;
      if (best < 0 || Math.abs(luminance(c) - l) < Math.abs(luminance(palette[best]) - l)) best = i;
    });
    taken.add(best);
    return best;
  };
  if (brandColors[0]) palette[closestSlot(brandColors[0])] = brandColors[0];
  if (brandColors[1]) {
    const i = closestSlot(brandColors[1]);
    palette[i] = mixHex(palette[i], brandColors[1], 0.45);
  }

  const distinct = [...new Set(palette)];
  return distinct.sort((a, b) => luminance(a) - luminance(b));
}

/**
 * The vector marks logos are built from, each drawn in a 100 × 100 box as SVG elements:
 * container shapes (circle, rounded square, hexagon, diamond, shield) and abstract icons
 * (spark, leaf, waves, chevron, orbit, peak, bloom). Pure string builders, no state.
 *
 * Interface: `shapePath(shape)` → path data; `iconSvg(icon, colour, accent)` → elements.
 */
import type { ICONS, SHAPES } from './logo-spec.js';

export function shapePath(shape: (typeof SHAPES)[number]): string {
  switch (shape) {
    case 'circle':
      return 'M50 0A50 50 0 1 1 50 100A50 50 0 1 1 50 0Z';
    case 'rounded':
      return 'M18 0H82Q100 0 100 18V82Q100 100 82 100H18Q0 100 0 82V18Q0 0 18 0Z';
    case 'hexagon':
      return 'M50 0L93.3 25V75L50 100L6.7 75V25Z';
    case 'diamond':
      return 'M50 0L100 50L50 100L0 50Z';
    case 'shield':
      return 'M6 4H94V46C94 74 74 90 50 100C26 90 6 74 6 46Z';
  }
}

/** An abstract mark; `initial` is drawn by the caller (it needs the font). */
export function iconSvg(icon: (typeof ICONS)[number], colour: string, accent: string): string {
  switch (icon) {
    case 'initial':
      return '';
    case 'spark':
      return `<path fill="${colour}" d="M50 4C54 36 64 46 96 50C64 54 54 64 50 96C46 64 36 54 4 50C36 46 46 36 50 4Z"/><circle cx="80" cy="20" r="7" fill="${accent}"/>`;
    case 'leaf':
      return `<path fill="${colour}" d="M14 86C14 40 44 12 90 10C88 56 60 86 14 86Z"/><path fill="none" stroke="${accent}" stroke-width="5" stroke-linecap="round" d="M20 80L66 34"/>`;
    case 'waves':
      return [20, 45, 70]
        .map((y, i) => `<path fill="none" stroke="${i === 1 ? accent : colour}" stroke-width="9" stroke-linecap="round" d="M8 ${y + 8}Q29 ${y - 8} 50 ${y + 8}T92 ${y + 8}"/>`)
        .join('');
    case 'chevron':
      return `<path fill="${colour}" d="M10 30L50 6L90 30V50L50 26L10 50Z"/><path fill="${accent}" d="M10 62L50 38L90 62V82L50 58L10 82Z"/>`;
    case 'orbit':
      return `<circle cx="50" cy="50" r="22" fill="${colour}"/><ellipse cx="50" cy="50" rx="46" ry="18" fill="none" stroke="${accent}" stroke-width="6" transform="rotate(-30 50 50)"/>`;
    case 'peak':
      return `<path fill="${colour}" d="M2 90L38 20L60 62L72 42L98 90Z"/><circle cx="78" cy="18" r="9" fill="${accent}"/>`;
    case 'bloom':
      return (
        [0, 60, 120, 180, 240, 300].map((a) => `<ellipse cx="50" cy="27" rx="13" ry="23" fill="${colour}" transform="rotate(${a} 50 50)"/>`).join('') +
        `<circle cx="50" cy="50" r="12" fill="${accent}"/>`
      );
  }
}

import type { BrandStyle } from '../pipeline/types.js';

/**
 * What the offline planner can act on in a brand's dos and don'ts. Guidelines are free text, so
 * this recognises the common asks by keyword and turns each into one concrete planning rule;
 * anything it does not recognise still reaches the LLM planner verbatim.
 */
export interface BrandGuidance {
  /** "Avoid harsh / neon / garish colours": cap saturation, keep away from pure black and white. */
  softenColors: boolean;
  /** "No cluttered backgrounds": no particles, and ask the video model for clean backgrounds. */
  noClutter: boolean;
  /** "Avoid dark / gloomy visuals": lift the darkest palette colours. */
  liftShadows: boolean;
  /** "Use soft lighting". */
  softLighting: boolean;
  /** "No people / models / faces": overrides a prompt that asks for people. */
  noPeople: boolean;
  /** Extra words for the background prompts ("luxurious materials", "clean uncluttered background"). */
  promptExtras: string[];
  /** Extra exclusions appended to the "no text, no logos…" list. */
  exclusions: string[];
}

export function readBrandGuidance(style: BrandStyle): BrandGuidance {
  const donts = style.donts.join(' \n ').toLowerCase();
  const dos = style.dos.join(' \n ').toLowerCase();
  const g: BrandGuidance = {
    softenColors: /\b(harsh|neon|garish|loud|gaudy|saturated|vivid|fluorescent|clashing)\b/.test(donts),
    noClutter: /\b(clutter(ed)?|busy|messy|crowded|chaotic)\b/.test(donts),
    liftShadows: /\b(dark|gloomy|grim|black backgrounds?|too dark)\b/.test(donts),
    softLighting: /\bsoft (light|lighting)\b|\bgentle (light|lighting)\b|\bdiffused\b/.test(dos),
    noPeople: /\b(people|person|models?|faces?|humans?)\b/.test(donts),
    promptExtras: [],
    exclusions: [],
  };
  if (g.noClutter || /\b(minimal|clean|simple)\b/.test(dos)) g.promptExtras.push('clean, uncluttered background');
  if (/\b(luxur\w*|premium|materials?|marble|silk|glass)\b/.test(dos)) g.promptExtras.push('luxurious materials');
  if (/\b(natural|nature|organic)\b/.test(dos)) g.promptExtras.push('natural textures');
  if (/\b(cartoon\w*|illustrat\w*|animated)\b/.test(donts)) g.exclusions.push('no cartoon or illustration look');
  if (/\b(cheap|tacky|kitsch)\b/.test(donts)) g.exclusions.push('nothing cheap-looking or kitsch');
  if (/\b(flash(y|ing)?|strob\w*|fast cuts?)\b/.test(donts)) g.exclusions.push('no flashing or strobing light');
  return g;
}

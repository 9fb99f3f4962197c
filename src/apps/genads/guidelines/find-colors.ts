import { NAMED_COLOR_PATTERN, namedColorHex } from './color-codes.js';
import { readHex, rgbToHex } from '../color.js';
import { negatedAt, type GuidelineLine } from './guideline-lines.js';

/**
 * The brand palette stated in the guidelines, most important first: explicit codes (#C9A227,
 * HEX C9A227, rgb(201, 162, 39), R201 G162 B39) and colour words (gold, champagne, navy…) where
 * the text is talking about colour. Order: colours labelled primary, then secondary, then the
 * rest; within each, the most mentioned, then the first mentioned.
 */
export const MAX_BRAND_COLORS = 6;

interface Mention {
  hex: string;
  start: number;
  end: number;
  /** A colour word: counted only in colour context. */
  named: string | null;
}

/** Words that show a line is about colour, so a colour word in it is a brand colour (not "black tie" or "rose notes"). */
const COLOR_CONTEXT = /\b(?:colou?rs?|colou?rways?|palette|hues?|shades?|tints?|accents?|primary|secondary|pantone|hex|swatch(?:es)?|tones)\b/i;
const PALETTE_HEADING = /colou?r|palette|swatch/i;
const PRIMARY = /\b(?:primary|main|core|signature|hero|key|dominant|principal)\b/i;
const SECONDARY = /\b(?:secondary|supporting|complementary)\b/i;

export function findBrandColors(lines: GuidelineLine[], max = MAX_BRAND_COLORS): string[] {
  const found = new Map<string, { tier: number; count: number; first: number }>();
  /** "Gold #C9A227" makes "gold" mean #c9a227 in the rest of this document. */
  const aliases = new Map<string, string>();
  let inPaletteSection = false;
  let headingTier: number | null = null;

  for (const line of lines) {
    const mentions = mentionsIn(line.text);
    if (line.heading === 'other') inPaletteSection = PALETTE_HEADING.test(line.text);
    if (mentions.length === 0) {
      // A short line with no colour in it is a sub-heading ("Primary palette") for the lines below it.
      if (line.text.split(' ').length <= 6 && !/[.!?]$/.test(line.text)) headingTier = tierOf(line.text);
      continue;
    }
    if (line.negative) continue;
    const colorContext = inPaletteSection || COLOR_CONTEXT.test(line.text);
    let labelStart = 0;
    let previousTier: number | null = null;
    for (let i = 0; i < mentions.length; i++) {
      const m = mentions[i];
      if (negatedAt(line.text, m.start)) continue;
      let hex = m.hex;
      if (m.named) {
        const next = mentions[i + 1];
        // The name of the code right after it ("Gold #C9A227", "Deep Black (Pantone 419 C) #111111"): the code speaks for it.
        if (next && !next.named && /^[\s\p{L}\d:(),\-–—]{0,30}$/u.test(line.text.slice(m.end, next.start))) {
          aliases.set(m.named, next.hex);
          continue;
        }
        // The name after a code ("#C9A227 (gold)").
        const previous = mentions[i - 1];
        if (previous && !previous.named && /^[\s:()\-–—]{0,4}$/.test(line.text.slice(previous.end, m.start))) {
          aliases.set(m.named, previous.hex);
          continue;
        }
        if (!colorContext) continue;
        hex = aliases.get(m.named) ?? hex;
      }
      // What labels this colour: the words since the previous colour counted on the line ("Secondary colour: Deep Black").
      const label = line.text.slice(labelStart, m.start);
      labelStart = m.end;
      // "Primary colours: gold and black": a bare list carries on the label of its first colour.
      const listed: boolean = previousTier !== null && /^[\s,&/+]*(?:and|or)?[\s,&/+]*$/i.test(label);
      const tier: number = tierOf(label) ?? (listed ? previousTier : null) ?? headingTier ?? 2;
      previousTier = tier;
      const entry = found.get(hex);
      if (entry) {
        entry.count++;
        entry.tier = Math.min(entry.tier, tier);
      } else {
        found.set(hex, { tier, count: 1, first: line.offset + m.start });
      }
    }
  }
  return [...found.entries()]
    .sort(([, a], [, b]) => a.tier - b.tier || b.count - a.count || a.first - b.first)
    .slice(0, max)
    .map(([hex]) => hex);
}

function tierOf(label: string): number | null {
  if (PRIMARY.test(label)) return 0;
  if (SECONDARY.test(label)) return 1;
  return null;
}

const HEX = /(?<![\w&#])#([0-9a-f]{8}|[0-9a-f]{6}|[0-9a-f]{3,4})(?![0-9a-z])/gi;
/** Brand books often print the code without "#" after a HEX label: "HEX C9A227", "Hex: #c9a227". */
const HEX_LABELLED = /\bhex(?:adecimal)?(?: code)?\s*[:=]?\s*#?([0-9a-f]{6}|[0-9a-f]{3})(?![0-9a-z])/gi;
const RGB = /\brgba?\s*(?:\(\s*|:\s*|\s+)(\d{1,3})\s*[,/\s]\s*(\d{1,3})\s*[,/\s]\s*(\d{1,3})/gi;
const RGB_LETTERS = /\bR\s*:?\s*(\d{1,3})[\s,/]+G\s*:?\s*(\d{1,3})[\s,/]+B\s*:?\s*(\d{1,3})\b/g;

function mentionsIn(text: string): Mention[] {
  const mentions: Mention[] = [];
  const overlaps = (start: number, end: number) => mentions.some((m) => start < m.end && end > m.start);
  const add = (hex: string | null, start: number, end: number, named: string | null = null) => {
    if (hex && !overlaps(start, end)) mentions.push({ hex, start, end, named });
  };
  for (const m of text.matchAll(HEX_LABELLED)) add(readHex(m[1]), m.index, m.index + m[0].length);
  for (const m of text.matchAll(HEX)) {
    // "#123" is as often an item number as a colour: short all-digit codes only count when the line talks colour.
    if (m[1].length <= 4 && /^\d+$/.test(m[1]) && !COLOR_CONTEXT.test(text)) continue;
    add(readHex(m[1]), m.index, m.index + m[0].length);
  }
  for (const re of [RGB, RGB_LETTERS]) {
    for (const m of text.matchAll(re)) add(rgbToHex(Number(m[1]), Number(m[2]), Number(m[3])), m.index, m.index + m[0].length);
  }
  for (const m of text.matchAll(NAMED_COLOR_PATTERN)) {
    const name = m[1].toLowerCase().replace(/[-\s]+/g, ' ');
    add(namedColorHex(name), m.index, m.index + m[0].length, name);
  }
  return mentions.sort((a, b) => a.start - b.start);
}

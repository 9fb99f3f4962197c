/**
 * The line structure of a guidelines text, shared by the offline readers of colours, tone and
 * rules: which lines are bullets, which are headings, which belong to a "Do" or "Don't" list,
 * and which state something to avoid (so "never use silver" adds neither silver to the palette
 * nor a tone word). Lines come from extract-text.ts: one per PDF line or DOCX paragraph; Word's
 * list bullets are not in the text, so an unbulleted line under a "Do" heading is an item too.
 */

export type RuleKind = 'do' | 'dont';

export interface GuidelineLine {
  /** The line without its bullet or numbering, whitespace collapsed, apostrophes straightened. */
  text: string;
  /** Offset of the line in the whole text, to order findings by first appearance. */
  offset: number;
  bullet: boolean;
  /** A heading: of a do/don't list, or of any other section ('other'); null for content lines. */
  heading: RuleKind | 'other' | null;
  /** The do/don't list this line is an item of. */
  section: RuleKind | null;
  /** "Do: use soft light" states a heading and its first item on one line: this is the item. */
  inlineItem: string | null;
  /** The whole line is about what to avoid: a don't item, or it starts with Never/Avoid/Don't/No. */
  negative: boolean;
}

const BULLET = /^(?:[-–—•·‣▪▫■□●○◦*+>✓✔✗✘×➢➤→]|\(?\d{1,2}[.)]|\(?[a-h][.)](?=\s))\s*/;

/** Headings of the lists; a short qualifier may follow ("Don'ts for imagery", "Do's (photography)"). */
const DONT_HEADING =
  /^(?:don'?ts?|don't'?s|dont'?s|do not'?s?|avoid|never|never do|what to avoid|things to avoid|what not to do|things not to do|incorrect(?: use| usage)?|misuse|prohibited|not allowed)(?:\s*(?:\(.{1,40}\)|[-–—].{1,40}|for .{1,40}|in .{1,40}))?$/i;
const DO_HEADING =
  /^(?:do'?s|dos|do|always|what to do|things to do|best practices?|correct(?: use| usage)?|recommended|encouraged)(?:\s*(?:\(.{1,40}\)|[-–—].{1,40}|for .{1,40}|in .{1,40}))?$/i;
/** "Do's and Don'ts" heads both lists: neither list starts yet. */
const BOTH_HEADING = /^do'?s\s*(?:and|&|\/)\s*don'?t'?s$/i;
/** "Do: use soft light", "Don't - use neon". */
const INLINE_RULE = /^(do|don'?t|do not|avoid|never|always)\s*[:–—-]\s*(\S.*)$/i;

const NEGATIVE_START = /^(?:never|avoid|don'?t|do not|no|not)\b/i;

const SECTION_WORDS =
  /^(?:our )?(?:colou?rs?|colou?r palette|palette|typography|fonts?|type|logo(?: usage| use)?|imagery|photography|tone(?: of voice)?|voice|brand voice|music|sound|layout|packaging|contact|introduction|overview|mission|vision|values|story|about(?: us)?|personality|audience|product|products|video|motion|copy|copywriting|messaging)$/i;

export function readGuidelineLines(text: string): GuidelineLine[] {
  const lines: GuidelineLine[] = [];
  let section: RuleKind | null = null;
  let sectionUsesBullets = false;
  let offset = 0;
  let previousBlank = false;
  for (const rawLine of text.split('\n')) {
    const lineOffset = offset;
    offset += rawLine.length + 1;
    const straight = rawLine.replace(/[\u2018\u2019\u02bc\u00b4`]/g, "'").replace(/\s+/g, ' ').trim();
    if (!straight) {
      previousBlank = true;
      continue;
    }
    const bullet = BULLET.test(straight);
    const body = straight.replace(BULLET, '').trim();
    const label = body.replace(/[:.]+$/, '').trim();

    // A PDF wraps long sentences and items onto the next line, which then starts in lower case:
    // rejoin them, so a sentence is read whole ("…fragrances that feel / refined and confident").
    const previous = lines[lines.length - 1];
    if (!bullet && !previousBlank && previous && (previous.heading === null || previous.inlineItem) && /^[a-z(]/.test(body) && !/[.!?:;]$/.test(previous.text) && !INLINE_RULE.test(body)) {
      previous.text = `${previous.text} ${body}`;
      if (previous.inlineItem) previous.inlineItem = `${previous.inlineItem} ${body}`;
      continue;
    }

    let heading: GuidelineLine['heading'] = null;
    let inlineItem: string | null = null;
    const inline = INLINE_RULE.exec(body);
    if (BOTH_HEADING.test(label)) heading = 'other';
    else if (DONT_HEADING.test(label)) heading = 'dont';
    else if (DO_HEADING.test(label)) heading = 'do';
    else if (inline && !bullet) {
      heading = /^(do|always)$/i.test(inline[1]) ? 'do' : 'dont';
      // "Avoid: x" and "Never - x" keep their verb, so the item still reads as a rule on its own.
      inlineItem = /^(avoid|never)$/i.test(inline[1]) ? `${inline[1]} ${inline[2]}` : inline[2];
    } else if (!bullet && isOtherHeading(body, section !== null)) heading = 'other';

    if (heading === 'do' || heading === 'dont') {
      section = heading;
      sectionUsesBullets = false;
    } else if (heading === 'other') {
      section = null;
    } else if (section) {
      if (bullet) sectionUsesBullets = true;
      // Prose after a bulleted list ends the list; unbulleted lists (Word's) run to the next heading.
      else if (sectionUsesBullets) section = null;
    }

    const inSection = heading === 'do' || heading === 'dont' ? null : section;
    lines.push({
      text: body,
      offset: lineOffset,
      bullet,
      heading,
      section: inSection,
      inlineItem,
      negative: inSection === 'dont' || heading === 'dont' || NEGATIVE_START.test(body),
    });
    previousBlank = false;
  }
  return lines;
}

/**
 * A heading of some other section ends a do/don't list: "Typography", "Tone of Voice:", "LOGO USAGE".
 * Inside a list, only clear headings count, since items are short lines too.
 */
function isOtherHeading(body: string, inList: boolean): boolean {
  const label = body.replace(/:$/, '').trim();
  const words = label.split(' ');
  if (SECTION_WORDS.test(label)) return true;
  if (/:$/.test(body) && words.length <= 6) return true;
  if (/[.!?,;]$/.test(body) || words.length > 6) return false;
  const letters = label.replace(/[^\p{L}]/gu, '');
  if (letters.length >= 3 && letters === letters.toUpperCase()) return true;
  if (inList) return false;
  // Title Case: every word of four letters or more is capitalised ("Tone of Voice", "Brand Colours").
  const long = words.filter((w) => /^\p{L}{4,}/u.test(w));
  return long.length > 0 && long.every((w) => /^\p{Lu}/u.test(w));
}

/** Is the word at `index` of `line` negated within its clause ("gold, never silver", "no neon")? */
export function negatedAt(line: string, index: number): boolean {
  const before = line.slice(0, index);
  const clauseStart = Math.max(before.lastIndexOf(','), before.lastIndexOf(';'), before.lastIndexOf('.'), before.lastIndexOf(' but '), before.lastIndexOf(':'));
  const clause = before.slice(clauseStart + 1);
  return /\b(?:never|avoid|avoiding|not|no|don't|do not|without|nor|instead of|rather than|except)\b/i.test(clause);
}

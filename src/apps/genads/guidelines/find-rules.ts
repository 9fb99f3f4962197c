import type { GuidelineLine, RuleKind } from './guideline-lines.js';

/**
 * The dos and don'ts: items of "Do" / "Don't" / "Avoid" lists, and anywhere else, sentences
 * that state a rule by their first word (Always / Use → do; Never / Avoid / Don't / Do not → don't).
 * Items are cleaned (bullets, trailing punctuation), deduplicated, at most MAX_RULES each and
 * MAX_RULE_CHARS long, since they end up in prompts and on screen in the brand page.
 */
export const MAX_RULES = 8;
export const MAX_RULE_CHARS = 200;

const DO_START = /^(?:always|use|do use|make sure|ensure)\b(?! of\b)/i;
const DONT_START = /^(?:never|avoid|don't|do not)\b/i;

export function findRules(lines: GuidelineLine[]): { dos: string[]; donts: string[] } {
  const found: Record<RuleKind, string[]> = { do: [], dont: [] };
  const add = (kind: RuleKind, text: string) => {
    // A "Do" list item that says "Avoid x" is a don't, whatever its heading says.
    found[kind === 'do' && DONT_START.test(text) ? 'dont' : kind].push(text);
  };
  for (const line of lines) {
    if (line.inlineItem && (line.heading === 'do' || line.heading === 'dont')) add(line.heading, line.inlineItem);
    else if (line.section) add(line.section, line.text);
    else if (!line.heading) {
      for (const sentence of sentencesOf(line.text)) {
        if (DONT_START.test(sentence)) found.dont.push(sentence);
        else if (DO_START.test(sentence)) found.do.push(sentence);
      }
    }
  }
  return { dos: tidyRules(found.do), donts: tidyRules(found.dont) };
}

function sentencesOf(text: string): string[] {
  return text.split(/(?<=[.!?])\s+(?=[\p{Lu}"'])/u).map((s) => s.trim()).filter(Boolean);
}

export function tidyRules(items: string[], max = MAX_RULES): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const item of items) {
    const text = cleanRule(item);
    const key = text.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
    // One word is a label ("Photography"), not a rule.
    if (key.split(' ').length < 2 || seen.has(key)) continue;
    seen.add(key);
    out.push(text);
    if (out.length === max) break;
  }
  return out;
}

function cleanRule(item: string): string {
  let text = item
    .replace(/\s+/g, ' ')
    .replace(/^[-–—•·‣▪■●○◦*+>✓✔✗✘×➢➤→\s]+/, '')
    .replace(/^["'“”‘’]+|["'“”‘’]+$/g, '')
    .replace(/[\s.;,:!]+$/, '')
    .trim();
  text = text.charAt(0).toUpperCase() + text.slice(1);
  if (text.length > MAX_RULE_CHARS) {
    const cut = text.slice(0, MAX_RULE_CHARS - 1);
    const space = cut.lastIndexOf(' ');
    text = `${(space > MAX_RULE_CHARS * 0.6 ? cut.slice(0, space) : cut).replace(/[\s,;:]+$/, '')}…`;
  }
  return text;
}

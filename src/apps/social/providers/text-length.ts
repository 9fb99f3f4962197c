/**
 * How each network counts a post's length. They do not agree: X weighs characters and counts
 * every URL as 23, Bluesky counts graphemes (what a reader sees as one character), Mastodon
 * counts code points with URLs as 23, the others count UTF-16 units like JavaScript does.
 */
const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

export function graphemeCount(text: string): number {
  let n = 0;
  for (const _ of segmenter.segment(text)) n++;
  return n;
}

/** http(s) URLs and bare domains with a path, as X and Mastodon shorten them. */
export const URL_PATTERN = /\bhttps?:\/\/[^\s<>"]+[^\s<>".,;:!?)\]'"]/giu;
export const SHORT_URL_LENGTH = 23;

/**
 * X's weighted length (twitter-text v3 configuration): code points in the ranges below weigh 1,
 * everything else (CJK, most symbols) weighs 2, an emoji sequence weighs 2 however many code
 * points it has, and every URL weighs 23. The limit of 280 applies to this weight.
 */
const LIGHT_RANGES: [number, number][] = [
  [0x0000, 0x10ff],
  [0x2000, 0x200d],
  [0x2010, 0x201f],
  [0x2032, 0x2037],
];
const EMOJI = /\p{Extended_Pictographic}/u;

export function xWeightedLength(text: string): number {
  let weight = 0;
  const rest = text.replace(URL_PATTERN, () => {
    weight += SHORT_URL_LENGTH;
    return '';
  });
  for (const { segment } of segmenter.segment(rest)) {
    if (EMOJI.test(segment)) {
      weight += 2;
      continue;
    }
    for (const ch of segment) {
      const cp = ch.codePointAt(0)!;
      weight += LIGHT_RANGES.some(([lo, hi]) => cp >= lo && cp <= hi) ? 1 : 2;
    }
  }
  return weight;
}

/** Mastodon: code points, every URL counted as 23, a mention counted without its @domain. */
export function mastodonLength(text: string): number {
  let n = 0;
  const rest = text
    .replace(URL_PATTERN, () => {
      n += SHORT_URL_LENGTH;
      return '';
    })
    .replace(/(@[\w.]+)@[\w.-]+\w/gu, '$1');
  return n + [...rest].length;
}

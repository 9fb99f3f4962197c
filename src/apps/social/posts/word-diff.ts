/**
 * A word diff between two versions of a post: the longest common subsequence of their
 * tokens (words with the spaces after them), reported as runs of equal, deleted and inserted
 * text. The common head and tail are cut off first, so the table covers only the edited
 * middle; a middle too large for the table (both sides heavily rewritten) is compared line by
 * line instead, and beyond that reported as one replacement: the diff stays bounded in memory.
 */

export interface DiffPart {
  op: 'equal' | 'delete' | 'insert';
  text: string;
}

/** Cells of the LCS table at most (4 bytes each: 16 MB). */
const MAX_CELLS = 4_000_000;

export function wordDiff(before: string, after: string): DiffPart[] {
  return diffTokens(words(before), words(after), (a, b) => diffTokens(lines(a.join('')), lines(b.join('')), replaceAll));
}

function words(text: string): string[] {
  return text.match(/\S+\s*|\s+/g) ?? [];
}

function lines(text: string): string[] {
  return text.match(/[^\n]*\n|[^\n]+/g) ?? [];
}

function replaceAll(a: string[], b: string[]): DiffPart[] {
  return [...(a.length ? [{ op: 'delete' as const, text: a.join('') }] : []), ...(b.length ? [{ op: 'insert' as const, text: b.join('') }] : [])];
}

function diffTokens(a: string[], b: string[], tooLarge: (a: string[], b: string[]) => DiffPart[]): DiffPart[] {
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const midA = a.slice(head, a.length - tail);
  const midB = b.slice(head, b.length - tail);
  const parts: DiffPart[] = [];
  push(parts, 'equal', a.slice(0, head).join(''));
  const middle = (midA.length + 1) * (midB.length + 1) > MAX_CELLS ? tooLarge(midA, midB) : lcsDiff(midA, midB);
  for (const part of middle) push(parts, part.op, part.text);
  push(parts, 'equal', a.slice(a.length - tail).join(''));
  return parts;
}

function lcsDiff(a: string[], b: string[]): DiffPart[] {
  const n = a.length;
  const m = b.length;
  const width = m + 1;
  // lengths[i][j] = LCS of a[i..] and b[j..], filled from the end.
  const lengths = new Uint32Array((n + 1) * width);
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lengths[i * width + j] = a[i] === b[j] ? lengths[(i + 1) * width + j + 1] + 1 : Math.max(lengths[(i + 1) * width + j], lengths[i * width + j + 1]);
    }
  }
  const parts: DiffPart[] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (a[i] === b[j]) {
      push(parts, 'equal', a[i]);
      i++;
      j++;
    } else if (lengths[(i + 1) * width + j] >= lengths[i * width + j + 1]) {
      push(parts, 'delete', a[i++]);
    } else {
      push(parts, 'insert', b[j++]);
    }
  }
  while (i < n) push(parts, 'delete', a[i++]);
  while (j < m) push(parts, 'insert', b[j++]);
  return parts;
}

/** Append, merging with the previous part of the same kind. */
function push(parts: DiffPart[], op: DiffPart['op'], text: string) {
  if (!text) return;
  const last = parts.at(-1);
  if (last?.op === op) last.text += text;
  else parts.push({ op, text });
}

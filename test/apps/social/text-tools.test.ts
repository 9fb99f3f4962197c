import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { wordDiff } from '../../../src/apps/social/posts/word-diff.js';
import { csvLine, parseCsv, unprotectCell } from '../../../src/apps/social/posts/csv.js';
import { findNearDuplicates, jaccard, shingles } from '../../../src/apps/social/posts/near-duplicate.js';

describe('social word diff', () => {
  const rebuild = (parts: { op: string; text: string }[], side: 'before' | 'after') => parts.filter((p) => p.op === 'equal' || p.op === (side === 'before' ? 'delete' : 'insert')).map((p) => p.text).join('');

  it('reports the changed words between equal runs, and both sides rebuild', () => {
    const before = 'one two three four five';
    const after = 'one 2 three five six';
    const parts = wordDiff(before, after);
    assert.deepEqual(parts, [
      { op: 'equal', text: 'one ' },
      { op: 'delete', text: 'two ' },
      { op: 'insert', text: '2 ' },
      { op: 'equal', text: 'three ' },
      { op: 'delete', text: 'four five' },
      { op: 'insert', text: 'five six' },
    ]);
    assert.equal(rebuild(parts, 'before'), before);
    assert.equal(rebuild(parts, 'after'), after);
  });

  it('handles empty sides and identical texts', () => {
    assert.deepEqual(wordDiff('', 'new text'), [{ op: 'insert', text: 'new text' }]);
    assert.deepEqual(wordDiff('old', ''), [{ op: 'delete', text: 'old' }]);
    assert.deepEqual(wordDiff('same words', 'same words'), [{ op: 'equal', text: 'same words' }]);
  });

  it('stays bounded on two long rewritten texts, and still rebuilds both sides', () => {
    const a = Array.from({ length: 5000 }, (_, i) => `a${i}`).join(' ');
    const b = Array.from({ length: 5000 }, (_, i) => `b${i}`).join('\n');
    const parts = wordDiff(a, b);
    assert.equal(rebuild(parts, 'before'), a);
    assert.equal(rebuild(parts, 'after'), b);
  });
});

describe('social csv', () => {
  it('round-trips quotes, commas, line breaks and formula-looking cells', () => {
    const cells = ['plain', 'with, comma', 'with "quotes"', 'two\nlines', '=SUM(A1)', '-5 degrees', ' padded ', ''];
    const [row] = parseCsv(csvLine(cells));
    assert.deepEqual(row.map(unprotectCell), cells);
    assert.equal(row[4], "'=SUM(A1)");
  });

  it('reads CRLF and LF files with a byte-order mark, skipping blank lines', () => {
    assert.deepEqual(parseCsv('\uFEFFa,b\r\n1,2\r\n\r\n3,"4"\n'), [['a', 'b'], ['1', '2'], ['3', '4']]);
  });

  it('rejects an unclosed quote and text after a closing quote, naming the line', () => {
    assert.throws(() => parseCsv('a\n"open'), /never closed/);
    assert.throws(() => parseCsv('a\n"x"y'), (err: Error & { line?: number }) => err.line === 2);
  });
});

describe('social near duplicates', () => {
  it('scores reordered or lightly edited texts high and unrelated ones low', () => {
    const base = 'Fresh bread and local cheese at the harbour market this Friday';
    assert.equal(jaccard(shingles(base), shingles(base.toUpperCase())), 1);
    assert.ok(jaccard(shingles(base), shingles(`${base} from noon`)) >= 0.8);
    assert.ok(jaccard(shingles(base), shingles('Winter coats are on sale now in all our shops')) < 0.1);
    const found = findNearDuplicates(base, [{ id: 'a', current_text: `${base}!` }, { id: 'b', current_text: 'nothing like it' }], 0.8);
    assert.deepEqual(found.map((f) => f.post_id), ['a']);
    assert.deepEqual(findNearDuplicates('...', [{ id: 'a', current_text: '...' }], 0.5), []);
  });
});

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
// @ts-expect-error: plain JavaScript (the launcher loads it before any TypeScript loader), without declarations.
import { durationsFromLogs, longestFirst } from './file-durations.mjs';

/** The launcher's order: the longest recorded files start first, so none is left to run alone at the end. */
describe('test file order', () => {
  const durations = { 'test/a.test.ts': 5, 'test/b.test.ts': 120, 'test/c.test.ts': 30, 'test/d.test.ts': 1 };

  it('starts the longest files first', () => {
    assert.deepEqual(longestFirst(['test/a.test.ts', 'test/b.test.ts', 'test/c.test.ts', 'test/d.test.ts'], durations), ['test/b.test.ts', 'test/c.test.ts', 'test/a.test.ts', 'test/d.test.ts']);
  });

  it('puts a file it has no figure for at the median, and keeps ties in the given order', () => {
    // Median of 1, 5, 30, 120 (the upper middle): 30, so the new file ties with c and stays after it.
    assert.deepEqual(longestFirst(['test/d.test.ts', 'test/c.test.ts', 'test/new.test.ts', 'test/b.test.ts'], durations), ['test/b.test.ts', 'test/c.test.ts', 'test/new.test.ts', 'test/d.test.ts']);
    assert.deepEqual(longestFirst(['test/y.test.ts', 'test/x.test.ts'], {}), ['test/y.test.ts', 'test/x.test.ts'], 'no figures: the given order');
  });

  it('reads the seconds from progress lines, keeping the longer of two suites', () => {
    const pglite = 'Node v24.22.3 (...), 3 test files\n[1/3] ✔ test/b.test.ts (12.5 s, 9.1 CPU s)\n[2/3] ✖ test/a.test.ts (3.0 s, 1 file failing so far)\n    | some stderr\nnot a progress line (9 s)\n';
    const postgres = '[1/2] ✔ test/b.test.ts (20.1 s)\n[2/2] ✔ test/c.test.ts (0.4 s)\n';
    assert.deepEqual(durationsFromLogs([pglite, postgres]), { 'test/b.test.ts': 20.1, 'test/a.test.ts': 3, 'test/c.test.ts': 0.4 });
  });
});

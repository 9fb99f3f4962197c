// Plain JavaScript: node's test runner loads reporters without the TypeScript loader.
import path from 'node:path';

/**
 * A first line naming the Node that runs the tests, then a line per finished test file, as it
 * finishes: "[12/63] ✔ test/platform/auth.test.ts (8.2 s)".
 * The spec reporter prints a file's results in file order, so a slow file early in the list
 * keeps the terminal quiet for minutes while the others run; this shows the run moving. It
 * goes to stderr beside the spec reporter (npm test), whose output and closing summary stay
 * as they are.
 */
const STDERR_TAIL_LINES = 30;
const STDERR_LINE_CHARS = 400;

/** @param {AsyncIterable<import('node:test/reporters').TestEvent>} source */
export default async function* progressReporter(source) {
  // The runner's command line, past node itself, is the list of files (npm test passes them all).
  const total = process.argv.slice(1).filter((arg) => !arg.startsWith('-')).length;
  let finished = 0;
  let failed = 0;
  // Which Node runs the tests: this reporter runs in the runner, which starts every test file
  // with its own binary (CI runs one suite on another Node than the `node` it installs with).
  yield `Node ${process.version} (${process.execPath}), ${total} test file${total === 1 ? '' : 's'}\n`;
  /** The last lines each file wrote to stderr, for the post-mortem of a file whose process died. */
  const stderrTails = new Map();
  for await (const event of source) {
    if (event.type === 'test:stderr') {
      const file = event.data.entryFile ?? event.data.file;
      const tail = stderrTails.get(file) ?? [];
      tail.push(...String(event.data.message).split('\n').filter(Boolean).map((line) => line.slice(0, STDERR_LINE_CHARS)));
      stderrTails.set(file, tail.slice(-STDERR_TAIL_LINES));
      continue;
    }
    if (event.type !== 'test:complete') continue;
    const { name, file, nesting, details } = event.data;
    // A file's own entry: the runner names it after the file's path, absolute up to Node 20 and
    // as given on the command line (relative) from Node 22; `file` is absolute on both.
    if (nesting !== 0 || !file || path.resolve(name) !== file) continue;
    finished++;
    if (!details.passed) failed++;
    const count = total ? `${finished}/${total}` : String(finished);
    const seconds = (details.duration_ms / 1000).toFixed(1);
    const failures = failed ? `, ${failed} file${failed > 1 ? 's' : ''} failing so far` : '';
    yield `[${count}] ${details.passed ? '✔' : '✖'} ${path.relative(process.cwd(), file)} (${seconds} s${failures})\n`;
    // A file that failed without a failing test: its process crashed, was killed or exited
    // after its tests. Say how, with what it last wrote, or the next reader has nothing to go on.
    const error = details.error;
    if (!details.passed && error?.failureType !== 'subtestsFailed') {
      const how = error?.signal ? `killed by ${error.signal}` : `exit code ${error?.exitCode ?? 'unknown'}`;
      yield `    the process itself failed (${how}); its last stderr lines:\n`;
      for (const line of stderrTails.get(file) ?? ['(none)']) yield `    | ${line}\n`;
    }
    stderrTails.delete(file);
  }
}

// Plain JavaScript: node's test runner loads reporters without the TypeScript loader.

/**
 * Reports each finished test file of a test process (test-process.mjs) to the `npm test`
 * launcher over IPC: whether it passed, how long it took, and its tests' outcomes, which the
 * launcher prints as progress lines and adds up. It writes nothing itself: the spec reporter
 * beside it writes the readable report.
 *
 * The process runs one file at a time, each as a suite named after the file at the top level
 * (nesting 0), so every test event between two such suites' results belongs to the second.
 */
/** @param {AsyncIterable<import('node:test/reporters').TestEvent>} source */
// eslint-disable-next-line require-yield -- node takes a reporter as a generator; this one only sends
export default async function* fileResultsReporter(source) {
  let tests = emptyCounts();
  for await (const event of source) {
    if (event.type !== 'test:pass' && event.type !== 'test:fail') continue;
    const { name, nesting, details, skip, todo } = event.data;
    if (nesting === 0) {
      process.send?.({ type: 'file', file: name, passed: event.type === 'test:pass', durationMs: details.duration_ms, tests, rss: process.memoryUsage.rss() });
      tests = emptyCounts();
      continue;
    }
    if (details.type === 'suite') continue;
    tests.total++;
    if (skip !== undefined) tests.skipped++;
    else if (todo !== undefined) tests.todo++;
    else if (event.type === 'test:pass') tests.passed++;
    else if (details.error?.failureType === 'cancelledByParent') tests.cancelled++;
    else tests.failed++;
  }
}

function emptyCounts() {
  return { total: 0, passed: 0, failed: 0, cancelled: 0, skipped: 0, todo: 0 };
}

// Plain JavaScript: node's test runner loads reporters without the TypeScript loader.
import { readFileSync } from 'node:fs';

/**
 * Reports each finished test file of a test process (test-process.mjs) to the `npm test`
 * launcher over IPC: whether it passed, how long it took and how much CPU, and its tests'
 * outcomes, which the launcher prints as progress lines and adds up. It writes nothing
 * itself: the spec reporter beside it writes the readable report.
 *
 * The process runs one file at a time, each as a suite named after the file at the top level
 * (nesting 0), so every test event between two such suites' results belongs to the second.
 */
/** @param {AsyncIterable<import('node:test/reporters').TestEvent>} source */
// eslint-disable-next-line require-yield -- node takes a reporter as a generator; this one only sends
export default async function* fileResultsReporter(source) {
  let tests = emptyCounts();
  let failures = [];
  let cpuBefore = cpuSeconds();
  for await (const event of source) {
    if (event.type !== 'test:pass' && event.type !== 'test:fail') continue;
    const { name, nesting, details, skip, todo } = event.data;
    if (nesting === 0) {
      // A file that failed outside its tests (its import, a hook) has only its own error.
      if (event.type === 'test:fail' && failures.length === 0) failures.push(failure(name, details.error));
      const cpuNow = cpuSeconds();
      const cpuS = cpuNow === undefined || cpuBefore === undefined ? undefined : cpuNow - cpuBefore;
      cpuBefore = cpuNow;
      process.send?.({ type: 'file', file: name, passed: event.type === 'test:pass', durationMs: details.duration_ms, cpuS, tests, failures, rss: process.memoryUsage.rss() });
      tests = emptyCounts();
      failures = [];
      continue;
    }
    const cancelled = details.error?.failureType === 'cancelledByParent';
    // A failed hook fails its suite, which has no test of its own to carry the error.
    if (event.type === 'test:fail' && !cancelled && (details.type !== 'suite' || details.error?.failureType === 'hookFailed')) {
      failures.push(failure(name, details.error));
    }
    if (details.type === 'suite') continue;
    tests.total++;
    if (skip !== undefined) tests.skipped++;
    else if (todo !== undefined) tests.todo++;
    else if (event.type === 'test:pass') tests.passed++;
    else if (cancelled) tests.cancelled++;
    else tests.failed++;
  }
}

/**
 * CPU seconds this process has used, its own and its ended children's (FFmpeg, CLI and server
 * processes a test started and waited for), from /proc/self/stat: on two shared cores a file's
 * wall time says how busy the machine was, its CPU what it costs the run. Fields 14-17 are
 * utime, stime, cutime and cstime in clock ticks, 100 a second on Linux (USER_HZ). Undefined
 * where there is no /proc.
 */
function cpuSeconds() {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    // The command name (field 2) may hold spaces; the fields after it follow its closing ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields.slice(11, 15).reduce((sum, ticks) => sum + Number(ticks), 0) / 100;
  } catch {
    return undefined;
  }
}

const FAILURE_LINES = 12;
const FAILURE_LINE_CHARS = 300;

/**
 * A failed test's name and the first lines of what failed it (the assertion's message and
 * where), for the launcher to print under the file's progress line as soon as the file ends:
 * the spec report, with everything, comes only when the whole run has ended.
 */
function failure(test, error) {
  const cause = error?.cause ?? error;
  const text = cause instanceof Error ? (cause.stack ?? cause.message) : String(cause);
  // Node's own frames (the test runner's) say nothing about the failure.
  const lines = text.split('\n').filter((line) => !/^\s+at .*(?:\(node:|\bnode:internal|new Promise \(<anonymous>\))/.test(line));
  return { test, lines: lines.slice(0, FAILURE_LINES).map((line) => line.slice(0, FAILURE_LINE_CHARS)) };
}

function emptyCounts() {
  return { total: 0, passed: 0, failed: 0, cancelled: 0, skipped: 0, todo: 0 };
}

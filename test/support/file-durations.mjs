// Plain JavaScript: the launcher (run-tests.mjs) uses it before any TypeScript loader.
import { readFileSync } from 'node:fs';

/**
 * The order `npm test` starts its files in: longest first. The runner keeps two files running
 * and starts the next in the order given; in name order one of the slowest files (a GenAds
 * render, a backup round trip) can start last and run alone for minutes while the other slot
 * sits idle. Longest first is the classic fix for that tail. The durations are seconds per
 * file from a whole run (`test/support/file-durations.json`, written by
 * `node test/support/record-durations.mjs <log>…` from the progress lines of a run's log); a
 * file not recorded yet counts as the median, so a new file neither jumps the queue nor waits
 * behind every quick one. Stale figures only cost time, never a test.
 */
const DURATIONS_FILE = new URL('./file-durations.json', import.meta.url);

/** @returns {Record<string, number>} */
export function readDurations() {
  try {
    return JSON.parse(readFileSync(DURATIONS_FILE, 'utf8'));
  } catch {
    return {};
  }
}

/**
 * @param {string[]} files as given on the command line (relative to the repository)
 * @param {Record<string, number>} durations seconds per file
 */
export function longestFirst(files, durations = readDurations()) {
  const known = Object.values(durations).sort((a, b) => a - b);
  const median = known.length ? known[Math.floor(known.length / 2)] : 0;
  const expected = (file) => durations[file] ?? median;
  // Ties keep the given order (Array.prototype.sort is stable): runs stay reproducible.
  return [...files].sort((a, b) => expected(b) - expected(a));
}

/**
 * Seconds per file from progress lines ("[12/63] ✔ test/platform/auth.test.ts (8.2 s)"), the
 * longest seen for a file across the logs given (a file runs on PGlite and on PostgreSQL).
 * @param {string[]} logs
 */
export function durationsFromLogs(logs) {
  /** @type {Record<string, number>} */
  const durations = {};
  const line = /^\[\d+\/\d+\] [✔✖] (\S+\.test\.ts) \((\d+(?:\.\d+)?) s/;
  for (const log of logs) {
    for (const text of log.split('\n')) {
      const match = line.exec(text);
      if (match) durations[match[1]] = Math.max(durations[match[1]] ?? 0, Number(match[2]));
    }
  }
  return durations;
}

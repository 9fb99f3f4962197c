// `node test/support/record-durations.mjs <log>…`: writes test/support/file-durations.json from
// the progress lines of whole `npm test` runs (CI prints both suites' logs), for the launcher's
// longest-first order (file-durations.mjs). Run it after a whole run when files were added or
// got much slower or faster.
import { readFileSync, writeFileSync } from 'node:fs';
import { durationsFromLogs } from './file-durations.mjs';

const logs = process.argv.slice(2);
if (logs.length === 0) {
  process.stderr.write('usage: node test/support/record-durations.mjs <log of a whole npm test run>…\n');
  process.exit(2);
}
const durations = durationsFromLogs(logs.map((log) => readFileSync(log, 'utf8')));
const files = Object.keys(durations).sort();
if (files.length === 0) {
  process.stderr.write('No progress lines ("[n/N] ✔ file (seconds s)") in those logs: give the log of a whole npm test run.\n');
  process.exit(1);
}
const sorted = Object.fromEntries(files.map((file) => [file, durations[file]]));
writeFileSync(new URL('./file-durations.json', import.meta.url), JSON.stringify(sorted, null, 2) + '\n');
process.stdout.write(`Recorded ${files.length} files' durations in test/support/file-durations.json.\n`);

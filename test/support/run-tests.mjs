// `npm test`: node's test runner with the project's flags, inside a temporary folder of its own.
// Plain JavaScript: it starts before any TypeScript loader.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { longestFirst } from './file-durations.mjs';
import { createDatabaseUseClassifier } from './uses-database.mjs';

/**
 * Tests, and the code they run, make temporary folders (mkdtemp for data directories,
 * ephemeral storage, render work folders, servers started as child processes). Their own
 * cleanup runs in after() hooks, which an interrupted run (Ctrl-C, SIGTERM) or a crashed test
 * process never reaches. So the whole run gets one folder, given to every process below
 * through TMPDIR (os.tmpdir() reads it), and this launcher removes it once the runner has
 * ended, however it ended. Only killing this launcher itself (SIGKILL) leaves it behind.
 *
 * Progress: the spec reporter (stdout, with node's closing summary that CI reads) prints a
 * file's results in file order, which leaves the terminal quiet while an early slow file
 * runs; the progress reporter adds a line on stderr as each file finishes.
 */
/**
 * `--database-files-only`: only the files that use a database (uses-database.mjs). CI runs the
 * whole suite on PGlite and then, on PostgreSQL, only these: a file that never opens a
 * database (media rendering, network protocols, parsers) proves the same thing on either, and
 * the renders among them are the suite's slowest files.
 */
const DATABASE_FILES_ONLY = '--database-files-only';
const given = process.argv.slice(2).filter((arg) => arg !== DATABASE_FILES_ONLY);
let files = given;
if (process.argv.includes(DATABASE_FILES_ONLY)) {
  files = given.filter(createDatabaseUseClassifier());
  process.stderr.write(`${DATABASE_FILES_ONLY}: ${files.length} of ${given.length} test files use a database; the other ${given.length - files.length} are left out\n`);
}
files = longestFirst(files);
const root = mkdtempSync(path.join(os.tmpdir(), 'tenantry-test-'));
const removeRoot = () => rmSync(root, { recursive: true, force: true, maxRetries: 3 });
process.on('exit', removeRoot);

/**
 * `--liftoff-only`: test processes run WebAssembly (PGlite's Postgres above all, and face-api's
 * and the cut-out model's runtimes) with V8's baseline compiler alone. By default V8 also
 * recompiles hot functions with its optimising compiler on background threads, which pays off
 * in a long-running server but not in a test process of a minute: measured on Node 24,
 * 2026-12-02, ten database files together took 203 CPU s by default and 160 with the flag
 * (page faults halved: the optimiser's own memory), the backup and GenAds regeneration files
 * 199 and 168, face detection 28 and 23. The code run is the same; only how V8 compiles it
 * differs. Every test process inherits the flag from the runner.
 */
const runner = spawn(
  process.execPath,
  [
    '--liftoff-only',
    '--import', 'tsx',
    '--test', '--test-concurrency=2',
    '--test-reporter=spec', '--test-reporter-destination=stdout',
    '--test-reporter=./test/support/progress-reporter.mjs', '--test-reporter-destination=stderr',
    ...files,
  ],
  { stdio: 'inherit', env: { ...process.env, TMPDIR: root } },
);

// Ctrl-C reaches the runner and its test processes too (one process group): wait for them to
// stop rather than leaving them to write into a folder removed under them. SIGTERM is sent
// to this process alone: pass it on.
process.on('SIGINT', () => {});
process.on('SIGHUP', () => runner.kill('SIGHUP'));
process.on('SIGTERM', () => runner.kill('SIGTERM'));

runner.on('exit', (code, signal) => {
  removeRoot();
  process.exitCode = code ?? (signal ? 128 + (os.constants.signals[signal] ?? 0) : 1);
});

// `npm test`: the test files, shared among a few long-lived test processes, inside a temporary
// folder of its own. Plain JavaScript: it starts before any TypeScript loader.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { longestFirst } from './file-durations.mjs';
import { createDatabaseUseClassifier } from './uses-database.mjs';

/**
 * Test processes: each runs one file after another (test-process.mjs), taking the next from
 * this launcher as it finishes one, longest files first, so the processes end at about the same
 * time. A process per file (node --test's way) paid for importing the platform and starting
 * PGlite once per file, a third of the suite's CPU; a process here serves dozens of files.
 *
 * Temporary folders: tests, and the code they run, make them (data directories, ephemeral
 * storage, render work folders, servers started as child processes). Their own cleanup runs in
 * after() hooks, which an interrupted run (Ctrl-C, SIGTERM) or a crashed process never reaches.
 * So the whole run gets one folder, given to every process through TMPDIR (os.tmpdir() reads
 * it), removed once the run has ended, however it ended. Only killing this launcher itself
 * (SIGKILL) leaves it behind.
 *
 * Output: on stderr, a line naming the Node, then a progress line per finished file as it
 * finishes ("[12/63] ✔ test/platform/auth.test.ts (8.2 s, 6.1 CPU s)"), with the processes'
 * own output (logs, console) as it comes. On stdout, once all have ended, each process's spec report (its
 * failures listed at its end) and the run's totals.
 */
const DATABASE_FILES_ONLY = '--database-files-only';

/**
 * `--database-files-only`: only the files that use a database (uses-database.mjs). CI runs the
 * whole suite on PGlite and then, on PostgreSQL, only these: a file that never opens a
 * database (media rendering, network protocols, parsers) proves the same thing on either, and
 * the renders among them are the suite's slowest files.
 */
const given = process.argv.slice(2).filter((arg) => arg !== DATABASE_FILES_ONLY);
let files = given;
if (process.argv.includes(DATABASE_FILES_ONLY)) {
  files = given.filter(createDatabaseUseClassifier());
  process.stderr.write(`${DATABASE_FILES_ONLY}: ${files.length} of ${given.length} test files use a database; the other ${given.length - files.length} are left out\n`);
}

/**
 * How many test processes: TEST_PROCESSES, else one more than the machine's cores. Much of a
 * test's time is waiting (jobs, timers, FFmpeg and servers in child processes), so one more
 * process than cores keeps the cores busy.
 */
const PROCESSES = boundedInteger('TEST_PROCESSES', { min: 1, max: 16, fallback: os.availableParallelism() + 1 });

/**
 * A process whose resident memory has passed this after a file is replaced by a fresh one
 * before the next file: memory a test file leaves behind (caches, fragmentation) must not add
 * up over a hundred files into a process that swaps or dies. TEST_PROCESS_MAX_RSS_MB changes it.
 */
const REPLACE_ABOVE_RSS_BYTES = boundedInteger('TEST_PROCESS_MAX_RSS_MB', { min: 1, max: 65_536, fallback: 3072 }) * 1024 ** 2;

/**
 * How long a process may take to end once it has no more files before it counts as hung (a
 * test left a server, a timer or a child process running): it is then killed and the run
 * fails, naming it. TEST_PROCESS_EXIT_GRACE_SECONDS changes it.
 */
const EXIT_GRACE_MS = boundedInteger('TEST_PROCESS_EXIT_GRACE_SECONDS', { min: 1, max: 600, fallback: 60 }) * 1000;

/**
 * `--liftoff-only`: test processes run WebAssembly (PGlite's Postgres above all, and face-api's
 * and the cut-out model's runtimes) with V8's baseline compiler alone. By default V8 also
 * recompiles hot functions with its optimising compiler on background threads, which did not
 * pay off when every file had a process of its own (Node 24, 2026-12-02: ten database files,
 * 203 CPU s by default, 160 with the flag). In shared processes it makes no difference beyond
 * noise (19 platform files in one process: 66 and 68 CPU s with it, 69 and 70 without), and a
 * single file run through `npm test` is the short-lived case again. The code run is the same;
 * only how V8 compiles it differs.
 */
const NODE_FLAGS = ['--liftoff-only', '--import', 'tsx'];
const TEST_PROCESS = path.join(import.meta.dirname, 'test-process.mjs');
const RESULTS_REPORTER = path.join(import.meta.dirname, 'file-results-reporter.mjs');
/** Lines of a process's own output kept for the post-mortem of a file it died running. */
const TAIL_LINES = 30;
const TAIL_LINE_CHARS = 400;

const root = mkdtempSync(path.join(os.tmpdir(), 'tenantry-test-'));
const removeRoot = () => rmSync(root, { recursive: true, force: true, maxRetries: 3 });
process.on('exit', removeRoot);
const reports = path.join(root, '.spec-reports');
mkdirSync(reports);

const queue = longestFirst(files);
const total = queue.length;
const totals = { files: 0, failedFiles: 0, tests: { total: 0, passed: 0, failed: 0, cancelled: 0, skipped: 0, todo: 0 } };
/** Problems that are no file's: a process that failed outside its files, or hung at its end. */
const runProblems = [];
/** @type {Set<TestProcess>} */
const running = new Set();
/** @type {TestProcess[]} */
const started = [];
let interrupted = false;

const processes = Math.min(PROCESSES, queue.length);
process.stderr.write(`Node ${process.version} (${process.execPath}), ${total} test file${total === 1 ? '' : 's'}, ${processes} test process${processes === 1 ? '' : 'es'}\n`);
for (let i = 0; i < processes; i++) startTestProcess();
if (queue.length === 0) finish();

/**
 * @typedef {{ child: import('node:child_process').ChildProcess, number: number, specReport: string, filesRun: number, failedFiles: number, pending: Set<string>, tail: string[], exitTimer?: NodeJS.Timeout, hung?: boolean }} TestProcess
 */
function startTestProcess() {
  const number = started.length + 1;
  const specReport = path.join(reports, `${number}.txt`);
  const child = spawn(process.execPath, [
    ...NODE_FLAGS,
    '--test-reporter=spec', `--test-reporter-destination=${specReport}`,
    `--test-reporter=${RESULTS_REPORTER}`, '--test-reporter-destination=stderr',
    TEST_PROCESS,
  ], { stdio: ['ignore', 'pipe', 'pipe', 'ipc'], env: { ...process.env, TMPDIR: root } });
  /** @type {TestProcess} */
  const proc = { child, number, specReport, filesRun: 0, failedFiles: 0, pending: new Set(), tail: [] };
  started.push(proc);
  running.add(proc);
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream, crlfDelay: Infinity }).on('line', (line) => {
      process.stderr.write(`${line}\n`);
      proc.tail.push(line.slice(0, TAIL_LINE_CHARS));
      if (proc.tail.length > TAIL_LINES) proc.tail.shift();
    });
  }
  child.on('message', (message) => {
    if (message.type === 'file') fileFinished(proc, message);
    if (message.type === 'file' || message.type === 'ready') handOut(proc, message.rss);
  });
  child.on('exit', (code, signal) => processEnded(proc, code, signal));
}

/** The process has ended a file (or just started): give it the next, or let it end. */
function handOut(proc, rss) {
  // A fresh process is never replaced: it could only be replaced by another as large.
  const grown = proc.filesRun > 0 && rss > REPLACE_ABOVE_RSS_BYTES;
  const file = interrupted || grown ? undefined : queue.shift();
  if (file === undefined) {
    send(proc, { type: 'stop' });
    proc.exitTimer = setTimeout(() => {
      proc.hung = true;
      runProblems.push(`test process ${proc.number} did not end within ${EXIT_GRACE_MS / 1000} s of its last file: a test left something running (a server, a timer, a child process); killed`);
      proc.child.kill('SIGKILL');
    }, EXIT_GRACE_MS);
    return;
  }
  proc.pending.add(file);
  proc.filesRun++;
  send(proc, { type: 'run', file });
}

/** To a process that may have died meanwhile: its exit is handled where it ends. */
function send(proc, message) {
  if (proc.child.connected) proc.child.send(message, () => {});
}

function fileFinished(proc, { file, passed, durationMs, cpuS, tests, failures }) {
  proc.pending.delete(file);
  if (!passed) proc.failedFiles++;
  for (const key of Object.keys(totals.tests)) totals.tests[key] += tests[key];
  progressLine(file, passed, durationMs, cpuS);
  for (const { test, lines } of failures) {
    process.stderr.write(`    ✖ ${test}\n`);
    for (const line of lines) process.stderr.write(`      ${line}\n`);
  }
}

function progressLine(file, passed, durationMs, cpuS) {
  totals.files++;
  if (!passed) totals.failedFiles++;
  const seconds = durationMs === undefined ? '' : `${(durationMs / 1000).toFixed(1)} s`;
  const cpu = cpuS === undefined ? '' : `${cpuS.toFixed(1)} CPU s`;
  const failures = totals.failedFiles ? `${totals.failedFiles} file${totals.failedFiles > 1 ? 's' : ''} failing so far` : '';
  const details = [seconds, cpu, failures].filter(Boolean).join(', ');
  process.stderr.write(`[${totals.files}/${total}] ${passed ? '✔' : '✖'} ${file}${details ? ` (${details})` : ''}\n`);
}

function processEnded(proc, code, signal) {
  clearTimeout(proc.exitTimer);
  running.delete(proc);
  // A file it was running when it died: say how, with what the process last wrote, or the
  // next reader has nothing to go on.
  for (const file of proc.pending) {
    progressLine(file, false);
    process.stderr.write(`    the test process itself failed (${signal ? `killed by ${signal}` : `exit code ${code}`}) while running this file; its last output lines:\n`);
    for (const line of proc.tail.length ? proc.tail : ['(none)']) process.stderr.write(`    | ${line}\n`);
  }
  const how = signal ?? `exit code ${code}`;
  const failed = code !== 0 && !interrupted && !proc.hung;
  // A process that could not run even one file (it failed to start) would fail the same way
  // again: stop rather than start them forever.
  const startFailed = failed && proc.filesRun === 0;
  if (startFailed) {
    runProblems.push(`test process ${proc.number} ended (${how}) before running any file; the ${queue.length} files left were not run. Its last output:\n${proc.tail.map((line) => `    | ${line}`).join('\n')}`);
  } else if (failed && proc.pending.size === 0 && proc.failedFiles === 0) {
    runProblems.push(`test process ${proc.number} ended with ${how} after its files had reported: a failure outside any file (its spec report below says where)`);
  }
  if (queue.length > 0 && !interrupted && !startFailed) startTestProcess();
  else if (running.size === 0) finish();
}

function finish() {
  const reporting = started.filter((proc) => proc.filesRun > 0);
  for (const proc of reporting) {
    if (reporting.length > 1) process.stdout.write(`\n── test process ${proc.number} ──\n`);
    try {
      process.stdout.write(readFileSync(proc.specReport, 'utf8'));
    } catch {
      process.stdout.write('(no report: the process ended before writing one)\n');
    }
  }
  const t = totals.tests;
  process.stdout.write(`\n── the run: ${totals.files} of ${total} files, ${totals.failedFiles} failed; ${t.total} tests: ${t.passed} passed, ${t.failed} failed, ${t.cancelled} cancelled, ${t.skipped} skipped, ${t.todo} todo ──\n`);
  for (const problem of runProblems) process.stdout.write(`✖ ${problem}\n`);
  const complete = totals.files === total && !interrupted;
  process.exitCode = complete && totals.failedFiles === 0 && runProblems.length === 0 ? 0 : 1;
}

// Ctrl-C reaches the test processes too (one process group): wait for them to end rather than
// leaving them to write into a folder removed under them. SIGTERM and SIGHUP are sent to this
// process alone: pass them on.
process.on('SIGINT', () => (interrupted = true));
for (const signal of ['SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    interrupted = true;
    for (const proc of running) proc.child.kill(signal);
  });
}

function boundedInteger(variable, { min, max, fallback }) {
  const text = process.env[variable];
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < min || value > max) {
    process.stderr.write(`${variable} must be a whole number from ${min} to ${max} (got ${JSON.stringify(text)}); using ${fallback}\n`);
    return fallback;
  }
  return value;
}

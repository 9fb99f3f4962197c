import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, watch } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';

/** The `npm test` launcher: progress lines, and no temporary folders left behind. */
describe('npm test launcher', () => {
  let markers: string;
  before(async () => {
    markers = await mkdtemp(path.join(os.tmpdir(), 'launcher-markers-'));
  });
  after(() => rm(markers, { recursive: true, force: true }));

  function launch(files: string[], env: Record<string, string> = {}) {
    // detached: its own process group, as a terminal's Ctrl-C reaches the whole group.
    // Without NODE_TEST_CONTEXT, which this test process has: the launched runner would take
    // itself for one of this runner's file processes.
    const { NODE_TEST_CONTEXT: _, ...outside } = process.env;
    const child = spawn(process.execPath, ['test/support/run-tests.mjs', ...files], { env: { ...outside, ...env }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const exited = once(child, 'exit').then(([code, signal]) => ({ code: code as number | null, signal: signal as string | null, stdout, stderr }));
    return { child, exited };
  }

  /** Resolves once `file` exists: watched, with a bounded wait so a lost event fails the test instead of hanging the suite. */
  function waitForFile(file: string, timeoutMs = 60_000): Promise<void> {
    return new Promise((resolve, reject) => {
      const watcher = watch(path.dirname(file));
      const done = (err?: Error) => {
        watcher.close();
        clearTimeout(timer);
        if (err) reject(err);
        else resolve();
      };
      const timer = setTimeout(() => done(new Error(`${file} did not appear within ${timeoutMs} ms (its folder ${existsSync(path.dirname(file)) ? 'exists' : 'is gone'})`)), timeoutMs);
      watcher.on('change', () => existsSync(file) && done());
      watcher.on('error', (err) => done(err));
      if (existsSync(file)) done();
    });
  }

  it('prints a progress line per finished file and keeps the spec summary', async () => {
    const { exited } = launch(['test/support/fixtures/passes.ts']);
    const run = await exited;
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /^\[1\/1\] ✔ test\/support\/fixtures\/passes\.ts \(\d+\.\d s, \d+\.\d CPU s\)$/m);
    assert.match(run.stdout, /^ℹ pass 1$/m, 'node\'s closing summary is on stdout');
  });

  it('runs the runner and the test files on the Node that started it, and says which first', async () => {
    // CI starts one suite with a Node other than the system's first on PATH: the header and the
    // test file's own report must both name that Node, the one that started the launcher here.
    const { exited } = launch(['test/support/fixtures/passes.ts']);
    const run = await exited;
    assert.equal(run.code, 0, run.stderr);
    const node = `Node ${process.version} (${process.execPath})`;
    assert.equal(run.stderr.split('\n')[0], `${node}, 1 test file, 1 test process`);
    assert.ok(run.stdout.includes(`ℹ test file ran on ${node}\n`), run.stdout);
  });

  it('runs files one after another in a shared process, and replaces a process that grew too large', async () => {
    const files = ['test/support/fixtures/passes.ts', 'test/support/file-durations.test.ts'];
    const shared = await launch(files, { TEST_PROCESSES: '1' }).exited;
    assert.equal(shared.code, 0, shared.stderr);
    assert.match(shared.stderr, /^\[2\/2\] ✔ /m);
    assert.doesNotMatch(shared.stdout, /── test process/, 'one process ran both files: one report');
    assert.match(shared.stdout, /^── the run: 2 of 2 files, 0 failed; 4 tests: 4 passed, 0 failed/m);

    // Control: over its memory bound after every file, each file gets a fresh process.
    const replaced = await launch(files, { TEST_PROCESSES: '1', TEST_PROCESS_MAX_RSS_MB: '1' }).exited;
    assert.equal(replaced.code, 0, replaced.stderr);
    assert.match(replaced.stdout, /^── test process 1 ──$/m);
    assert.match(replaced.stdout, /^── test process 2 ──$/m);
  });

  it('says under a failed file which tests failed and why, as soon as the file ends', async () => {
    const run = await launch(['test/support/fixtures/fails.ts']).exited;
    assert.equal(run.code, 1);
    assert.match(run.stderr, /^\[1\/1\] ✖ test\/support\/fixtures\/fails\.ts \(\d+\.\d s, \d+\.\d CPU s, 1 file failing so far\)\n {4}✖ compares\n {6}AssertionError \[ERR_ASSERTION\]: arithmetic$/m);
    assert.match(run.stderr, /^ {4}✖ a suite whose setup fails\n {6}Error: setup broke$/m, 'a failed hook, which no test carries');
    assert.doesNotMatch(run.stderr, /✖ (passes|never runs)/, 'passed and cancelled tests are not failures');
    assert.match(run.stdout, /^── the run: 1 of 1 files, 1 failed; 3 tests: 1 passed, 1 failed, 1 cancelled, 0 skipped, 0 todo ──$/m);
    assert.doesNotMatch(run.stdout, /failure outside any file/, 'a process whose file failed ends with 1 for that file, nothing else');
  });

  it('reports a file whose process died with its last output, and runs the rest in a new process', async () => {
    const run = await launch(['test/support/fixtures/crashes-its-process.ts', 'test/support/fixtures/passes.ts'], { TEST_PROCESSES: '1' }).exited;
    assert.equal(run.code, 1, 'a run with a crashed file fails');
    assert.match(run.stderr, /^\[1\/2\] ✖ test\/support\/fixtures\/crashes-its-process\.ts \(1 file failing so far\)$/m);
    assert.match(run.stderr, /^ {4}the test process itself failed \(killed by SIGKILL\) while running this file; its last output lines:\n(?: {4}\| .*\n)*? {4}\| last words before the crash$/m);
    assert.match(run.stderr, /^\[2\/2\] ✔ test\/support\/fixtures\/passes\.ts /m, 'the file after it still ran');
    assert.match(run.stdout, /^── the run: 2 of 2 files, 1 failed;/m);
  });

  it('kills a test process that does not end after its last file, and fails the run saying why', { timeout: 120_000 }, async () => {
    const run = await launch(['test/support/fixtures/leaves-a-timer.ts'], { TEST_PROCESSES: '1', TEST_PROCESS_EXIT_GRACE_SECONDS: '2' }).exited;
    assert.equal(run.code, 1, 'a run whose process hung fails');
    assert.match(run.stderr, /^\[1\/1\] ✔ test\/support\/fixtures\/leaves-a-timer\.ts /m, 'the file itself passed');
    assert.match(run.stdout, /^── the run: 1 of 1 files, 0 failed;/m);
    assert.match(run.stdout, /^✖ test process 1 did not end within 2 s of its last file: a test left something running \(a server, a timer, a child process\); killed$/m);
  });

  for (const [how, signal] of [['Ctrl-C (SIGINT to the process group)', 'SIGINT'], ['SIGTERM to the launcher', 'SIGTERM']] as const) {
    // A bound on the whole case: an interrupted run that never ends fails here, not by hanging the suite.
    it(`removes the run's temporary folders when interrupted by ${how}`, { timeout: 120_000 }, async () => {
      const marker = path.join(markers, `${signal}.txt`);
      const { child, exited } = launch(['test/support/fixtures/holds-a-temp-folder.ts'], { MARKER_FILE: marker });
      try {
        await waitForFile(marker);
        const dir = (await readFile(marker, 'utf8')).trim();
        assert.ok(existsSync(dir), `the test made its folder (${JSON.stringify(dir)})`);
        const runRoot = path.dirname(dir);
        assert.match(path.basename(runRoot), /^tenantry-test-/, 'inside the run\'s own folder');
        if (signal === 'SIGINT') process.kill(-child.pid!, 'SIGINT');
        else child.kill('SIGTERM');
        const run = await exited;
        assert.notEqual(run.code, 0, 'an interrupted run does not pass');
        assert.equal(existsSync(runRoot), false, `${runRoot} is gone`);
      } finally {
        // A failed step leaves the launched run holding on (the fixture never ends): its pipes
        // would keep this test file's process alive, and the suite with it, until CI's limit.
        if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, 'SIGKILL');
      }
    });
  }
});

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
    assert.match(run.stderr, /^\[1\/1\] ✔ test\/support\/fixtures\/passes\.ts \(\d+\.\d s\)$/m);
    assert.match(run.stdout, /^ℹ pass 1$/m, 'node\'s closing summary is on stdout');
  });

  it('runs the runner and the test files on the Node that started it, and says which first', async () => {
    // CI starts one suite with a Node other than the system's first on PATH: the header and the
    // test file's own report must both name that Node, the one that started the launcher here.
    const { exited } = launch(['test/support/fixtures/passes.ts']);
    const run = await exited;
    assert.equal(run.code, 0, run.stderr);
    const node = `Node ${process.version} (${process.execPath})`;
    assert.equal(run.stderr.split('\n')[0], `${node}, 1 test file`);
    assert.ok(run.stdout.includes(`ℹ test file ran on ${node}\n`), run.stdout);
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

// One of `npm test`'s test processes (started by run-tests.mjs with tsx's loader, so the files it
// imports may be TypeScript). Plain JavaScript: it is the process's entry point.
import path from 'node:path';
import { after, describe } from 'node:test';
import { pathToFileURL } from 'node:url';

/**
 * Runs the test files the launcher hands out, one after another, in this one process: each
 * file's tests become a suite named after the file, so the file's own `describe`, `it`, `before`
 * and `after` (top-level ones included) attach to it and run, and end, with it.
 *
 * Why not a process per file (node --test's default): importing the platform and its apps and
 * starting PGlite cost every file about 5 CPU seconds before its first test, a third of the
 * suite's CPU (measured on Node 24, 2026-12-02: 19 platform files took 114 CPU s in a process
 * each and 58 to 66 in one). What files could share here and must not: module state (caches,
 * registries) and process state (env, handlers). Test files change neither: each starts its own
 * platform and closes it in its own after() hooks.
 *
 * Protocol with the launcher (IPC): this process says `ready`, and is answered `run` with a file
 * or `stop`. After each file the file-results reporter, in this process too, sends the file's
 * result (with the process's resident memory, so the launcher can replace a process that has
 * grown), which the launcher answers the same way: so every result has reached the launcher
 * before the process is told to stop.
 */
function runFile(file) {
  return new Promise((resolve) => {
    describe(file, async () => {
      try {
        await import(pathToFileURL(path.resolve(file)).href);
      } finally {
        // Registered after the file's own hooks, so it runs after them: the file has ended.
        // In `finally`: a file that fails to import still ends, as a failed suite.
        after(() => resolve());
      }
    });
  });
}

// Messages can arrive before they are awaited (the reporter's result races this loop): queued.
const inbox = [];
let wake = () => {};
process.on('message', (message) => {
  inbox.push(message);
  wake();
});
async function nextMessage() {
  while (inbox.length === 0) await new Promise((resolve) => (wake = resolve));
  return inbox.shift();
}

process.send({ type: 'ready', rss: process.memoryUsage.rss() });
for (;;) {
  const message = await nextMessage();
  if (message.type !== 'run') break;
  await runFile(message.file);
}
// The IPC channel would keep this process alive; without it, the process ends once the last
// file's work has (node's test harness then prints its summary).
process.disconnect();

import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/** A line a test fixture prints on stdout to say where it is: `{"event": "...", ...}`. */
export interface EventLine {
  event: string;
  [key: string]: unknown;
}

/**
 * A child process (a worker or server started from a fixture script) whose stdout JSON lines
 * the test waits on: events, never fixed sleeps. Other output (pino logs) is ignored;
 * stderr is kept for the failure message.
 */
export class JsonLineProcess<L extends EventLine = EventLine> {
  readonly lines: L[] = [];
  readonly stderr: string[] = [];
  private waiters: { match: (l: L) => boolean; resolve: (l: L) => void }[] = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  constructor(readonly child: ChildProcess) {
    createInterface({ input: child.stdout! }).on('line', (text) => {
      let line: L;
      try {
        line = JSON.parse(text);
      } catch {
        return; // pino logs and other output
      }
      if (typeof line?.event !== 'string') return;
      this.lines.push(line);
      this.waiters = this.waiters.filter((w) => (w.match(line) ? (w.resolve(line), false) : true));
    });
    createInterface({ input: child.stderr! }).on('line', (text) => this.stderr.push(text));
    this.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  }

  waitFor(match: (l: L) => boolean, timeoutMs = 45_000): Promise<L> {
    const seen = this.lines.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the process did not print the expected line in time; got ${JSON.stringify(this.lines)}\nstderr: ${this.stderr.join('\n')}`)), timeoutMs);
      this.waiters.push({ match, resolve: (l) => (clearTimeout(timer), resolve(l)) });
      void this.exited.then(({ code, signal }) => reject(new Error(`the process exited (${code ?? signal}) before the expected line; stderr: ${this.stderr.join('\n')}`)));
    });
  }
}

/** Run a TypeScript fixture in a fresh Node process, from the repository root, with only `env` (plus PATH and HOME). */
export function spawnFixture<L extends EventLine = EventLine>(script: string, env: Record<string, string>): JsonLineProcess<L> {
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    cwd: path.resolve(fileURLToPath(new URL('../..', import.meta.url))),
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new JsonLineProcess<L>(child);
}
